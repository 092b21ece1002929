package dev.argoartifact.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkSettingsTest {
    record Client(String mode, Integer replicas, Map<String, String> extra) {}

    private static final SdkSettings<Client> SETTINGS = new SdkSettings<>("extra", Client::extra)
            .ownPrefix("sdk.hosts.", "hosts")
            .set("sdk.mode", "mode", Client::mode)
            .set("sdk.replicas", "replicas", Client::replicas);

    @Test
    void theEscapeHatchMayNotNameAKeyATypedFieldOwns() {
        assertThatThrownBy(() -> SETTINGS.checkEscapeHatch(Map.of("sdk.mode", "fast")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("field 'extra.sdk.mode' is set by the typed field 'mode': use that field instead");
        assertThatThrownBy(() -> SETTINGS.checkEscapeHatch(Map.of("sdk.hosts.a", "h:1")))
                .hasMessage("field 'extra.sdk.hosts.a' is set by the typed field 'hosts': use that field instead");
        Map<String, String> noValue = new HashMap<>();
        noValue.put("sdk.other", null);
        assertThatThrownBy(() -> SETTINGS.checkEscapeHatch(noValue))
                .hasMessage("field 'extra.sdk.other' needs a value");
        SETTINGS.checkEscapeHatch(Map.of("sdk.other", "1", "sdk.hostsfile", "x"));
        SETTINGS.checkEscapeHatch(null);
    }

    @Test
    void theTypedFieldsAreWrittenAfterTheEscapeHatchAndOnlyWithAValue() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("sdk.other", "1");
        List<String> written = new ArrayList<>();
        SETTINGS.apply(
                new Client("fast", null, extra),
                (key, value, field) -> written.add(key + "=" + value + " from " + field));
        assertThat(written).containsExactly("sdk.other=1 from extra", "sdk.mode=fast from mode");
    }

    @Test
    void aProcessWideSettingTakesItsFirstValueAndRefusesAnother() {
        ProcessWideSetting<String> mode = new ProcessWideSetting<>("the SDK keeps it in a static", m -> m + " mode");
        assertThat(mode.claim("mode", "demo", "fast"))
                .as("the first claim applies it")
                .isTrue();
        assertThat(mode.claim("mode", "demo", "fast"))
                .as("the same again is in force")
                .isFalse();
        assertThatThrownBy(() -> mode.claim("mode", "demo", "slow"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("field 'mode' cannot differ within one demo driver process (the SDK keeps it in a static):"
                        + " register a separate demo driver (another plugin name) for slow mode");
        assertThat(mode.claim("mode", "demo", "fast")).isFalse();
    }
}
