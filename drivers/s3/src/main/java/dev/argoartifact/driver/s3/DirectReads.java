package dev.argoartifact.driver.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * GetObject, HeadObject and ListObjectsV2 as single signed requests through the SDK's own pieces
 * (its object URL, SigV4 signer, HTTP client and checksums) without its per-call pipeline of
 * interceptors, endpoint rules and marshalling, which was most of the driver's CPU in a Load of
 * small files (docs/benchmarks.md, S3). Only successes and a missing object are answered here:
 * anything else goes back to the S3 client, whose exception carries the error code.
 */
record DirectReads(
        SdkHttpClient http,
        AwsCredentialsProvider credentials,
        String region,
        String objects, // the bucket's object URL up to the key
        boolean checksums) {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final XMLInputFactory XML = xmlInput();

    /** The whole-object checksums GetObject can answer with, in the SDK's order. */
    private static final List<ChecksumAlgorithm> CHECKSUMS = List.of(
            DefaultChecksumAlgorithm.CRC64NVME,
            DefaultChecksumAlgorithm.CRC32,
            DefaultChecksumAlgorithm.CRC32C,
            DefaultChecksumAlgorithm.SHA256,
            DefaultChecksumAlgorithm.SHA1);

    /**
     * For a general-purpose bucket; null for a directory bucket (S3 Express), whose requests are
     * signed with session credentials the S3 client obtains.
     */
    static DirectReads forBucket(
            S3Client s3,
            SdkHttpClient http,
            AwsCredentialsProvider credentials,
            String region,
            String bucket,
            boolean checksums) {
        if (bucket.endsWith("--x-s3")) {
            return null;
        }
        // The client's endpoint rules, asked once: endpoint, path style, FIPS and dual-stack included.
        String url = s3.utilities().getUrl(r -> r.bucket(bucket).key("k")).toString();
        return new DirectReads(http, credentials, region, url.substring(0, url.length() - 1), checksums);
    }

    /** No DTDs, no external entities: a reply is data, never instructions to fetch more. */
    private static XMLInputFactory xmlInput() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return factory;
    }

    /** The bucket's URL only: a record's own toString would print the credentials provider. */
    @Override
    public String toString() {
        return "DirectReads[" + objects + "]";
    }

    /** {@link #size}'s answer for no object under the name. */
    static final long MISSING = -1;

    /** The object's size, {@link #MISSING}, or null when the store answered other than 200 or 404. */
    Long size(String name) throws IOException {
        HttpExecuteResponse response = send(SdkHttpMethod.HEAD, name, null);
        if (response.responseBody().isPresent()) {
            response.responseBody().get().close();
        }
        int status = response.httpResponse().statusCode();
        return status == 404
                ? Long.valueOf(MISSING)
                : status == 200
                        ? response.httpResponse()
                                .firstMatchingHeader("Content-Length")
                                .map(Long::valueOf)
                                .orElse(null)
                        : null;
    }

    /** The object's bytes, or those of {@code range}; null when the store answered other than 2xx. */
    InputStream get(String name, String range) throws IOException {
        HttpExecuteResponse response = send(SdkHttpMethod.GET, name, range);
        AbortableInputStream body = response.responseBody().orElseGet(AbortableInputStream::createEmpty);
        if (!response.httpResponse().isSuccessful()) {
            body.close(); // an error's few bytes: the connection stays open for the next request
            return null;
        }
        for (ChecksumAlgorithm algorithm : range == null && checksums ? CHECKSUMS : List.<ChecksumAlgorithm>of()) {
            String header = "x-amz-checksum-" + algorithm.algorithmId().toLowerCase(java.util.Locale.ROOT);
            String expected =
                    response.httpResponse().firstMatchingHeader(header).orElse(null);
            if (expected != null && !expected.contains("-")) { // "-N": of parts, not of the bytes
                return new Checked(body, header, expected, SdkChecksum.forAlgorithm(algorithm));
            }
        }
        return new Checked(body, null, null, null);
    }

    /** One page of ListObjectsV2: names (decoded) and sizes, and the next page's token, if any. */
    record Page(List<String> names, List<Long> sizes, boolean truncated, String nextToken) {}

    /**
     * ListObjectsV2's page after {@code token} (null: the first), or null when the store answered
     * other than 200. Keys come URL-encoded (as the S3 client asks for them: XML 1.0 cannot carry
     * every character a key may hold) and are decoded as the client decodes them. Read with the
     * JDK's StAX reader: the client's XML unmarshalling was most of a cold listing's cost.
     */
    Page list(String prefix, String token, int maxKeys) throws IOException {
        StringBuilder query = new StringBuilder("?list-type=2&encoding-type=url&max-keys=")
                .append(maxKeys)
                .append("&prefix=")
                .append(SdkHttpUtils.urlEncode(prefix));
        if (token != null) {
            query.append("&continuation-token=").append(SdkHttpUtils.urlEncode(token));
        }
        URI objectsUrl = URI.create(objects);
        // The bucket itself: "/bucket" in path style, "/" on a virtual host.
        String bucketUrl = objectsUrl.getRawPath().length() > 1 ? objects.substring(0, objects.length() - 1) : objects;
        HttpExecuteResponse response = send(SdkHttpMethod.GET, URI.create(bucketUrl + query), null);
        try (InputStream body = response.responseBody().orElseGet(AbortableInputStream::createEmpty)) {
            return response.httpResponse().statusCode() == 200 ? page(body) : null;
        } catch (XMLStreamException e) {
            throw SdkClientException.create("unreadable ListObjectsV2 reply: " + e.getMessage(), e);
        }
    }

    static Page page(InputStream body) throws XMLStreamException {
        List<String> keys = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        boolean truncated = false;
        boolean encoded = false;
        String next = null;
        XMLStreamReader xml = XML.createXMLStreamReader(body);
        try {
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                    switch (xml.getLocalName()) {
                        case "Key" -> keys.add(xml.getElementText()); // only under Contents
                        case "Size" -> sizes.add(Long.valueOf(xml.getElementText()));
                        case "IsTruncated" -> truncated = Boolean.parseBoolean(xml.getElementText());
                        case "NextContinuationToken" -> next = xml.getElementText();
                        case "EncodingType" -> encoded = "url".equals(xml.getElementText());
                        default -> {}
                    }
                }
            }
        } finally {
            xml.close();
        }
        if (keys.size() != sizes.size()) {
            throw new XMLStreamException(keys.size() + " keys but " + sizes.size() + " sizes");
        }
        // EncodingType may follow the keys, so they are decoded once the page is read.
        List<String> names =
                encoded ? keys.stream().map(SdkHttpUtils::urlDecode).toList() : keys;
        return new Page(names, sizes, truncated, next);
    }

    private HttpExecuteResponse send(SdkHttpMethod method, String name, String range) throws IOException {
        return send(method, URI.create(objects + SdkHttpUtils.urlEncodeIgnoreSlashes(name)), range);
    }

    private HttpExecuteResponse send(SdkHttpMethod method, URI url, String range) throws IOException {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(method).uri(url);
        if (range != null) {
            request.putHeader("Range", range);
        } else if (checksums && method == SdkHttpMethod.GET) {
            request.putHeader("x-amz-checksum-mode", "ENABLED");
        }
        SdkHttpRequest signed = SIGNER.sign(s -> s.identity(credentials.resolveCredentials())
                        .request(request.build())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false))
                .request();
        return http.prepareRequest(HttpExecuteRequest.builder().request(signed).build())
                .call();
    }

    /**
     * The body, its checksum compared at its end when the store gave one; closed early, the
     * connection is dropped rather than drained.
     */
    static final class Checked extends FilterInputStream {
        private final AbortableInputStream body;
        private final String header;
        private final String expected;
        private final SdkChecksum checksum;
        private boolean ended;

        Checked(AbortableInputStream body, String header, String expected, SdkChecksum checksum) {
            super(body);
            this.body = body;
            this.header = header;
            this.expected = expected;
            this.checksum = checksum;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && checksum != null) {
                checksum.update(b, off, n);
            } else if (n < 0 && !ended) {
                ended = true;
                if (checksum != null
                        && !Base64.getEncoder()
                                .encodeToString(checksum.getChecksumBytes())
                                .equals(expected)) {
                    throw SdkClientException.create("the bytes read differ from the object's " + header + " checksum");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                body.abort();
            }
            super.close();
        }
    }
}
