package dev.argoartifact.common.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one classification every driver maps its SDK's failures onto. */
class FailureTest {
    @ParameterizedTest(name = "HTTP {0} is {1}")
    @CsvSource({
        "408, TRANSIENT",
        "429, TRANSIENT",
        "500, TRANSIENT",
        "502, TRANSIENT",
        "503, TRANSIENT",
        "504, TRANSIENT",
        "599, TRANSIENT",
        "401, DENIED",
        "403, DENIED",
        "404, NOT_FOUND",
        "410, NOT_FOUND",
        "400, INVALID",
        "409, INVALID",
        "412, INVALID",
        "416, INVALID",
        "301, PERMANENT",
        "418, PERMANENT"
    })
    void httpStatusesHaveOneMeaningForEveryDriver(int status, Failure expected) {
        assertThat(HttpStatuses.of(status)).isEqualTo(expected);
    }

    @Test
    void networkFailuresAreKnownByTypeAnywhereInTheCauseChain() {
        assertThat(Failure.of(new SocketTimeoutException("read timed out"))).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.of(new ConnectException("refused"))).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.of(new SocketException("Connection reset"))).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.of(new EOFException())).isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.of(new RuntimeException("wrapped", new UncheckedIOException(new SocketTimeoutException()))))
                .isEqualTo(Failure.TRANSIENT);
        assertThat(Failure.of(new IOException("Broken pipe"))).isEqualTo(Failure.TRANSIENT);
    }

    @Test
    void aWrongHostAndOtherFailuresAreNotRetried() {
        assertThat(Failure.of(new UnknownHostException("no.such.host"))).isEqualTo(Failure.PERMANENT);
        assertThat(Failure.of(new NoSuchFileException("/x"))).isEqualTo(Failure.PERMANENT);
        assertThat(Failure.of(new IOException("something timed out, says the message")))
                .as("messages are never read")
                .isEqualTo(Failure.PERMANENT);
    }

    @Test
    void aDriversClassificationWinsWhereverItIsInTheChain() {
        StorageException denied = new StorageException("denied", new SocketTimeoutException(), Failure.DENIED);
        assertThat(Failure.of(denied)).isEqualTo(Failure.DENIED);
        assertThat(Failure.of(new IOException("outer", denied))).isEqualTo(Failure.DENIED);
        assertThat(Failure.isTransient(new StorageException("busy", null, Failure.TRANSIENT)))
                .isTrue();
        assertThat(Failure.isTransient(denied)).isFalse();
    }

    @Test
    void anIoFailureBeneathAnSdkExceptionIsTheTransportsExceptAWrongHostOrCertificate() {
        assertThat(NetworkFailures.isTransportFailure(
                        new RuntimeException(new IOException("Connection prematurely closed"))))
                .isTrue();
        assertThat(NetworkFailures.isTransportFailure(new RuntimeException(new UnknownHostException("x"))))
                .isFalse();
        assertThat(NetworkFailures.isTransportFailure(
                        new RuntimeException(new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))))
                .isFalse();
        assertThat(NetworkFailures.isTransportFailure(new IllegalStateException("no I/O here")))
                .isFalse();
    }
}
