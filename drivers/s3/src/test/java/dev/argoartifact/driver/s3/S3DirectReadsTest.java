package dev.argoartifact.driver.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The reads that bypass the S3 client's pipeline, against S3Proxy: they answer what the client
 * would for any key, and hand every answer but a success or a missing object back to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3DirectReadsTest {
    @TempDir
    static Path work;

    private S3ProxyServer server;
    private S3Client admin;
    private SdkHttpClient http;

    /** Names S3 and SigV4 encode differently from a URL's usual rules. */
    private static final List<String> NAMES = List.of(
            "plain.bin",
            "with space/and+plus=equals&amp",
            "ünïcødé/ключ/名前",
            "percent%20literal/semi;colon:at@",
            "tilde~star*quote'paren(bang)!dollar$comma,");

    @BeforeAll
    void start() throws Exception {
        server = new S3ProxyServer(work).start();
        admin = server.admin();
        admin.createBucket(r -> r.bucket("direct"));
        http = Apache5HttpClient.create();
    }

    @AfterAll
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private DirectReads reads(String secretKey) {
        return DirectReads.forBucket(
                admin,
                http,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, secretKey)),
                "us-east-1",
                "direct",
                true);
    }

    private static byte[] content(String name) {
        return ("the object named " + name + ", ").repeat(40).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void sizesAndReadsObjectsWhateverTheirNames() throws Exception {
        DirectReads reads = reads(S3ProxyServer.SECRET_KEY);
        for (String name : NAMES) {
            byte[] bytes = content(name);
            admin.putObject(r -> r.bucket("direct").key(name), RequestBody.fromBytes(bytes));
            assertThat(reads.size(name)).as(name).isEqualTo(bytes.length);
            assertThat(readAll(reads.get(name, null))).as(name).isEqualTo(bytes);
            assertThat(readAll(reads.get(name, "bytes=7-19"))).as(name).isEqualTo(Arrays.copyOfRange(bytes, 7, 20));
        }
    }

    @Test
    void aMissingObjectIsMissingAndAnyOtherAnswerGoesBackToTheClient() throws Exception {
        admin.putObject(r -> r.bucket("direct").key("present"), RequestBody.fromBytes(content("present")));
        assertThat(reads(S3ProxyServer.SECRET_KEY).size("absent")).isEqualTo(DirectReads.MISSING);
        assertThat(reads(S3ProxyServer.SECRET_KEY).get("absent", null)).isNull();
        // A wrong key is refused (403): the client asks again and names the error.
        DirectReads refused = reads("not-the-secret");
        assertThat(refused.size("present")).isNull();
        assertThat(refused.get("present", null)).isNull();
        // The connections stay usable after those answers.
        assertThat(readAll(reads(S3ProxyServer.SECRET_KEY).get("present", null)))
                .isEqualTo(content("present"));
    }

    @Test
    void listsEveryNameAndSizeAsTheClientDoesPageByPage() throws Exception {
        for (String name : NAMES) {
            admin.putObject(r -> r.bucket("direct").key("listed/" + name), RequestBody.fromBytes(content(name)));
        }
        admin.putObject(r -> r.bucket("direct").key("listed-not/x"), RequestBody.fromBytes(content("x")));
        List<String> names = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        int pages = 0;
        String token = null;
        do {
            DirectReads.Page page = reads(S3ProxyServer.SECRET_KEY).list("listed/", token, 2);
            pages++;
            names.addAll(page.names());
            sizes.addAll(page.sizes());
            token = page.truncated() ? page.nextToken() : null;
        } while (token != null);
        List<S3Object> expected =
                admin.listObjectsV2Paginator(r -> r.bucket("direct").prefix("listed/")).contents().stream()
                        .toList();
        assertThat(names).isEqualTo(expected.stream().map(S3Object::key).toList());
        assertThat(names).hasSize(NAMES.size());
        assertThat(sizes).isEqualTo(expected.stream().map(S3Object::size).toList());
        assertThat(pages).as("pages of 2").isEqualTo(3);
        assertThat(reads("not-the-secret").list("listed/", null, 2))
                .as("refused: handed back to the client")
                .isNull();
    }

    /** Whether S3Proxy encodes keys or not, a store that does is read the way the client reads it. */
    @Test
    void urlEncodedKeysAreDecodedEvenWhenTheEncodingTypeComesLast() throws Exception {
        String reply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>direct</Name>"
                + "<IsTruncated>true</IsTruncated><Contents><Key>a%20b%2Bc/%E5%90%8D</Key><Size>7</Size></Contents>"
                + "<EncodingType>url</EncodingType><NextContinuationToken>t/1=</NextContinuationToken></ListBucketResult>";
        DirectReads.Page page = DirectReads.page(new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8)));
        assertThat(page).isEqualTo(new DirectReads.Page(List.of("a b+c/名"), List.of(7L), true, "t/1="));
    }

    /** S3Proxy answers without checksums: the comparison is checked on the stream itself. */
    @Test
    void bytesThatDifferFromTheStoresChecksumFailAtTheirEnd() throws Exception {
        byte[] bytes = content("checked");
        SdkChecksum crc = SdkChecksum.forAlgorithm(DefaultChecksumAlgorithm.CRC32);
        crc.update(bytes, 0, bytes.length);
        String right = Base64.getEncoder().encodeToString(crc.getChecksumBytes());
        assertThat(readAll(checked(bytes, right))).isEqualTo(bytes);

        byte[] flipped = bytes.clone();
        flipped[100] ^= 1;
        assertThatThrownBy(() -> readAll(checked(flipped, right)))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("x-amz-checksum-crc32");
    }

    private static InputStream checked(byte[] bytes, String expected) {
        return new DirectReads.Checked(
                AbortableInputStream.create(new ByteArrayInputStream(bytes)),
                "x-amz-checksum-crc32",
                expected,
                SdkChecksum.forAlgorithm(DefaultChecksumAlgorithm.CRC32));
    }

    @Test
    void directoryBucketsAreLeftToTheClient() {
        // S3 Express directory buckets sign with session credentials that only the client obtains.
        assertThat(DirectReads.forBucket(
                        admin,
                        http,
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)),
                        "us-east-1",
                        "logs--use1-az4--x-s3",
                        true))
                .isNull();
    }
}
