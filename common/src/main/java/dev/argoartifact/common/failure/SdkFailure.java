package dev.argoartifact.common.failure;

import java.io.IOException;

/**
 * A checked exception of an SDK that is not an IOException (JSch's SftpException, say), carried as
 * one with the SDK's message, so it takes the storage's IOException paths; the storage's
 * classification reads its cause, by type and by the SDK's own codes.
 */
public final class SdkFailure extends IOException {
    private static final long serialVersionUID = 1L;

    public SdkFailure(Exception cause) {
        super(cause.getMessage(), cause);
    }
}
