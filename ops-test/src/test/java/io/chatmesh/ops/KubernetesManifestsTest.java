package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/ as a whole: the kustomization applies every manifest and makes the Envoy ConfigMaps
 * from envoy/'s own files, every object is one the Kubernetes API accepts, every Secret and
 * ConfigMap key read has a template, and the guides apply it the way the kustomization says.
 */
class KubernetesManifestsTest {

    private static final Kubernetes K8S = new Kubernetes();

    @Test
    void theKustomizationAppliesEveryManifestAndEnvoysOwnFiles() {
        List<String> manifests = new ArrayList<>(Kubernetes.files());
        manifests.removeAll(List.of(Kubernetes.KUSTOMIZATION, Kubernetes.SECRET_TEMPLATES));
        assertThat(K8S.kustomization().get("resources").texts()).containsExactlyInAnyOrderElementsOf(manifests);

        List<Path> generated = new ArrayList<>();
        for (EnvoyFile envoy : EnvoyFile.loadAll()) {
            assertThat(K8S.generatedFrom(DeployKubernetesTest.configMapOf(envoy.identity()))).containsExactly(envoy.path());
            generated.add(envoy.path());
        }
        assertThat(K8S.kustomization().get("configMapGenerator").list()).hasSize(generated.size());
        assertThat(K8S.secretTemplates()).as("templates, never applied")
                .allSatisfy(secret -> secret.get("stringData").keys().forEach(key ->
                        assertThat(secret.get("stringData", key).text()).doesNotContain("-----BEGIN")));
    }

    /**
     * Every manifest and Secret template parses strictly into Kubernetes' own API models (the Java
     * client's generated code, with the API's field lists): a misspelt or misplaced field fails here
     * as the API server would refuse it. Shown to fail on one such field first.
     */
    @Test
    void everyManifestIsAValidKubernetesObject() {
        Tree deployment = K8S.resource("Deployment", "chat-service");
        Map<String, Object> container = new HashMap<>(castMap(Kubernetes.container(deployment, "chat-service").value()));
        container.put("readinessprobe", container.get("readinessProbe"));
        assertThatThrownBy(() -> KubernetesApi.validate(new Tree("typo", Map.of("apiVersion", "v1", "kind", "Pod",
                "metadata", Map.of("name", "typo"), "spec", Map.of("containers", List.of(container)))))).hasMessageContaining("readinessprobe");

        List<Tree> all = new ArrayList<>(K8S.resources());
        all.addAll(K8S.secretTemplates());
        for (Tree manifest : all) {
            KubernetesApi.validate(manifest);
        }
        assertThat(all).extracting(manifest -> manifest.get("kind").text()).contains("Deployment", "Service",
                "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ConfigMap", "Secret");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    /** The command in the kustomization's first line is the one docs/operate.md and the README beside it give. */
    @Test
    void theGuidesApplyItTheWayTheKustomizationSays() throws Exception {
        String command = Files.readAllLines(Kubernetes.directory().resolve(Kubernetes.KUSTOMIZATION)).getFirst()
                .replaceFirst("^# ", "");
        assertThat(command).startsWith("kubectl kustomize --load-restrictor LoadRestrictionsNone deploy/k8s");
        assertThat(Files.readString(EnvoyFile.root().resolve("docs/operate.md"))).contains(command);
        assertThat(Files.readString(Kubernetes.directory().resolve("README.md"))).contains(command);
    }

    @Test
    void everySecretAndConfigMapKeyTheManifestsReadHasATemplate() {
        for (Tree deployment : K8S.all("Deployment")) {
            Tree pod = Kubernetes.podSpec(deployment);
            for (Tree container : pod.get("containers").list()) {
                Tree env = container.find("env");
                for (Tree variable : env == null ? List.<Tree>of() : env.list()) {
                    Tree secret = variable.find("valueFrom", "secretKeyRef");
                    if (secret != null) {
                        assertThat(K8S.secretTemplate(secret.get("name").text()).get("stringData").keys())
                                .contains(secret.get("key").text());
                    }
                    Tree config = variable.find("valueFrom", "configMapKeyRef");
                    if (config != null) {
                        assertThat(config.get("name").text()).isEqualTo("chatmesh-backends");
                        K8S.backend(config.get("key").text());
                    }
                }
            }
            for (Tree volume : pod.get("volumes").list()) {
                if (volume.has("secret")) {
                    K8S.assertSecretTemplated(volume.get("secret"));
                }
            }
        }
    }
}
