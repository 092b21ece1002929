package dev.argoartifact.common.config;

import java.net.URI;
import java.net.URISyntaxException;

/** An endpoint field holding an http(s) URL with a host ({@code endpoint: https://storage.example.org}). */
public final class HttpEndpoint {
    private HttpEndpoint() {}

    /** The URL, or a ConfigurationException naming the field and showing {@code example}. */
    public static URI parse(String field, String value, String example) {
        try {
            URI uri = new URI(value);
            if ((!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigurationException(field, "must be an http(s) URL such as " + example);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException(field, "is not a valid URL (such as " + example + ")");
        }
    }
}
