package dev.argoartifact.driver.sftp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Key pairs made by ssh-keygen (ECDSA in PEM form, which JSch reads), as operators make them. */
record SshKeys(Path privateKey, String publicKeyLine) {

    static SshKeys generate(Path dir, String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder(
                        "ssh-keygen",
                        "-q",
                        "-t",
                        "ecdsa",
                        "-b",
                        "256",
                        "-m",
                        "PEM",
                        "-N",
                        "",
                        "-C",
                        "argo-artifact-test",
                        "-f",
                        key.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + output);
        }
        return new SshKeys(key, Files.readString(dir.resolve(name + ".pub")).trim());
    }

    /** "type base64" without the comment, for known_hosts and authorized_keys. */
    String typeAndKey() {
        String[] parts = publicKeyLine.split("\\s+");
        return parts[0] + " " + parts[1];
    }

    String knownHostsLine(String host, int port) {
        return (port == 22 ? host : "[" + host + "]:" + port) + " " + typeAndKey();
    }
}
