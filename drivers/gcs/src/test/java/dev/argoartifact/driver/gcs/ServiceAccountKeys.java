package dev.argoartifact.driver.gcs;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Service account keys shaped like the ones the console issues, each with a fresh RSA key. */
final class ServiceAccountKeys {
    static final String CLIENT_EMAIL = "argo-artifacts@argo-test.iam.gserviceaccount.com";

    private ServiceAccountKeys() {}

    /** A key whose OAuth token endpoint is {@code tokenUri}. */
    static String json(String tokenUri) throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return "{\"type\": \"service_account\", \"project_id\": \"argo-test\", \"private_key_id\": \"0123abcd\","
                + " \"private_key\": \"" + pem.replace("\n", "\\n") + "\","
                + " \"client_email\": \"" + CLIENT_EMAIL + "\", \"client_id\": \"1234567890\","
                + " \"token_uri\": \"" + tokenUri + "\"}";
    }
}
