package dev.argoartifact.common.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/** A resolved secret. Its toString never shows the value. */
public final class Secret {
    private final byte[] value;

    Secret(byte[] value) {
        this.value = value.clone();
    }

    /** The exact bytes (keys, keytabs). */
    public byte[] bytes() {
        return value.clone();
    }

    /**
     * The value as UTF-8 text without one trailing newline, which {@code kubectl create secret
     * --from-file} and editors commonly add to passwords and tokens.
     */
    public String text() {
        String s = new String(value, StandardCharsets.UTF_8);
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * Writes the secret to a new file that only this process's user can read, for libraries that
     * take secrets as paths (a Kerberos keytab, a krb5.conf). The caller deletes it when done; it
     * goes at exit otherwise.
     */
    public Path toPrivateFile(String name) throws IOException {
        Path file = Files.createTempFile(
                "argo-artifact-",
                "-" + name,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, value);
        file.toFile().deleteOnExit();
        return file;
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
