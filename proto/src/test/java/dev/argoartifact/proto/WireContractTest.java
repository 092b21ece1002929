package dev.argoartifact.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins the compiled contract to Argo's wire facts (docs/argo-contract.md section 1), so that an
 * edit to artifact.proto that would break Argo's client fails the build.
 */
class WireContractTest {

    private static final FileDescriptor FILE = ArtifactProto.getDescriptor();

    @Test
    void packageAndServiceNamesAreArgos() {
        assertThat(FILE.getPackage()).isEqualTo("artifact");
        assertThat(FILE.getServices())
                .extracting(ServiceDescriptor::getFullName)
                .containsExactly("artifact.ArtifactService");
        assertThat(FILE.getDependencies())
                .as("no google.api imports: they are not part of the wire")
                .isEmpty();
    }

    @Test
    void everyMethodHasArgosFullNameShapeAndTypes() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(
                "artifact.ArtifactService/Load", "unary artifact.LoadArtifactRequest -> artifact.LoadArtifactResponse");
        expected.put(
                "artifact.ArtifactService/OpenStream",
                "server-streaming artifact.OpenStreamRequest -> artifact.OpenStreamResponse");
        expected.put(
                "artifact.ArtifactService/Save", "unary artifact.SaveArtifactRequest -> artifact.SaveArtifactResponse");
        expected.put(
                "artifact.ArtifactService/Delete",
                "unary artifact.DeleteArtifactRequest -> artifact.DeleteArtifactResponse");
        expected.put(
                "artifact.ArtifactService/ListObjects",
                "unary artifact.ListObjectsRequest -> artifact.ListObjectsResponse");
        expected.put(
                "artifact.ArtifactService/IsDirectory",
                "unary artifact.IsDirectoryRequest -> artifact.IsDirectoryResponse");
        expected.put(
                "artifact.ArtifactService/SaveStream",
                "client-streaming artifact.SaveStreamArtifactRequest -> artifact.SaveArtifactResponse");
        expected.put(
                "artifact.ArtifactService/GetCapabilities",
                "unary artifact.GetCapabilitiesRequest -> artifact.GetCapabilitiesResponse");

        Map<String, String> actual = new LinkedHashMap<>();
        for (MethodDescriptor m : FILE.findServiceByName("ArtifactService").getMethods()) {
            String kind = m.isClientStreaming() && m.isServerStreaming()
                    ? "bidi"
                    : m.isClientStreaming() ? "client-streaming" : m.isServerStreaming() ? "server-streaming" : "unary";
            actual.put(
                    m.getService().getFullName() + "/" + m.getName(),
                    kind + " " + m.getInputType().getFullName() + " -> "
                            + m.getOutputType().getFullName());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
        // The generated stub must use the same names on the wire.
        assertThat(ArtifactServiceGrpc.getLoadMethod().getFullMethodName()).isEqualTo("artifact.ArtifactService/Load");
        assertThat(ArtifactServiceGrpc.getSaveStreamMethod().getFullMethodName())
                .isEqualTo("artifact.ArtifactService/SaveStream");
    }

    @Test
    void everyMessageHasArgosFieldNamesNumbersAndTypes() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(
                "PluginArtifact",
                List.of(
                        "name=1:string",
                        "configuration=2:string",
                        "connection_timeout_seconds=3:int32",
                        "key=4:string"));
        expected.put(
                "Artifact",
                List.of(
                        "name=1:string",
                        "path=2:string",
                        "mode=3:int32",
                        "from=4:string",
                        "plugin=5:artifact.PluginArtifact",
                        "optional=6:bool",
                        "sub_path=7:string",
                        "recurse_mode=8:bool",
                        "from_expression=9:string",
                        "deleted=10:bool"));
        expected.put("LoadArtifactRequest", List.of("input_artifact=1:artifact.Artifact", "path=2:string"));
        expected.put("LoadArtifactResponse", List.of("success=1:bool", "error=2:string"));
        expected.put("OpenStreamRequest", List.of("artifact=1:artifact.Artifact"));
        expected.put("OpenStreamResponse", List.of("data=1:bytes", "is_end=2:bool", "error=3:string"));
        expected.put("SaveArtifactRequest", List.of("path=1:string", "output_artifact=2:artifact.Artifact"));
        expected.put("SaveArtifactResponse", List.of("success=1:bool", "error=2:string"));
        expected.put("DeleteArtifactRequest", List.of("artifact=1:artifact.Artifact"));
        expected.put("DeleteArtifactResponse", List.of("success=1:bool", "error=2:string"));
        expected.put("ListObjectsRequest", List.of("artifact=1:artifact.Artifact"));
        expected.put("ListObjectsResponse", List.of("objects=1:repeated string", "error=2:string"));
        expected.put("IsDirectoryRequest", List.of("artifact=1:artifact.Artifact"));
        expected.put("IsDirectoryResponse", List.of("is_directory=1:bool", "error=2:string"));
        expected.put("SaveStreamArtifactRequest", List.of("output_artifact=1:artifact.Artifact", "chunk=2:bytes"));
        expected.put("GetCapabilitiesRequest", List.of());
        expected.put("GetCapabilitiesResponse", List.of("supports_save_stream=1:bool"));

        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (Descriptor message : FILE.getMessageTypes()) {
            actual.put(
                    message.getName(),
                    message.getFields().stream().map(WireContractTest::describe).collect(Collectors.toList()));
        }
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void proto3SemanticsSoUnsetSuccessReadsAsFalse() {
        // Argo treats a missing success flag as failure; that only holds with proto3 implicit presence.
        FieldDescriptor success = LoadArtifactResponse.getDescriptor().findFieldByName("success");
        assertThat(success.hasPresence()).isFalse();
        assertThat(LoadArtifactResponse.getDefaultInstance().getSuccess()).isFalse();
    }

    private static String describe(FieldDescriptor f) {
        String type = f.getType() == Type.MESSAGE
                ? f.getMessageType().getFullName()
                : f.getType().name().toLowerCase();
        return f.getName() + "=" + f.getNumber() + ":" + (f.isRepeated() ? "repeated " : "") + type;
    }
}
