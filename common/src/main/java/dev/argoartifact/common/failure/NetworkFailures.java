package dev.argoartifact.common.failure;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Failures of the network itself, transient for every backend: known by their JDK types. The
 * JDK has no type for a write to a connection the peer closed; its message, "Broken pipe", is
 * the one text recognised, and only on a plain {@code IOException}.
 */
public final class NetworkFailures {
    private NetworkFailures() {}

    public static boolean isNetworkFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException
                    || t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof HttpTimeoutException
                    || t instanceof TimeoutException
                    || t instanceof ClosedChannelException
                    || t instanceof EOFException
                    || (t instanceof SocketException && !(t instanceof java.net.BindException))) {
                return true;
            }
            if (t instanceof UnknownHostException) {
                return false; // a wrong host name stays wrong
            }
            if (t.getClass() == IOException.class && "Broken pipe".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * For SDKs whose HTTP failures are their own exception (a status, an error code) and whose
     * transport wraps every I/O failure: any I/O failure beneath such an SDK exception is the
     * connection's (Netty's "connection prematurely closed", a reset, a timeout), so transient;
     * except a wrong host and a certificate that does not check out, which stay wrong.
     */
    public static boolean isTransportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException
                    || t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return false;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
