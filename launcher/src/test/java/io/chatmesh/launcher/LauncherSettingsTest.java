package io.chatmesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherSettingsTest {

    @Test
    void corsOriginsAreTheEdgesOwnUnlessListed() {
        assertThat(LauncherSettings.fromEnvironment(Map.of()).edgeCorsOrigins()).isEmpty();
        assertThat(LauncherSettings.fromEnvironment(Map.of("CHATMESH_EDGE_CORS_ORIGINS",
                " http://localhost:5173, HTTPS://App.Example ,http://[::1]:8080")).edgeCorsOrigins())
                .containsExactly("http://localhost:5173", "https://app.example", "http://[::1]:8080");
    }

    @Test
    void aCorsOriginWithoutSchemeOrWithAPathIsRefused() {
        for (String bad : new String[] {"localhost:5173", "http://localhost:5173/", "http://app.example/path", "*"}) {
            assertThatThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("CHATMESH_EDGE_CORS_ORIGINS", bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
