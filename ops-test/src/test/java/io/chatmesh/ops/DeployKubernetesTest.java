package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/ applies what the build makes the way the services read it: each pod runs the image in
 * its prod profile beside its sidecar, whose config is envoy/'s own file (generated, one copy) and
 * whose ports the Service, the NetworkPolicy and Prometheus use; probes ask the service's gRPC
 * health; every Secret and ConfigMap key the manifests read exists in the templates.
 */
class DeployKubernetesTest {

    private static final Kubernetes K8S = new Kubernetes();
    private static final Set<String> AUTOSCALED = Set.of("chat-service", "signaling-service");

    @Test
    void eachServiceRunsTheImageInItsProdProfileWithEverythingItReads() {
        String image = K8S.kustomization().get("images").list().getFirst().get("name").text();
        String composeImage = new Compose().service("user-service").get("image").text();
        assertThat(image).as("the image compose builds, by name").isEqualTo(composeImage.substring(0, composeImage.indexOf(':')));

        for (Deployable service : Deployable.values()) {
            String name = service.serviceName();
            Tree deployment = K8S.resource("Deployment", name);
            Tree container = Kubernetes.container(deployment, name);
            assertThat(container.get("image").text()).isEqualTo(image);
            assertThat(container.get("args").texts()).containsExactly(name);

            Map<String, String> environment = environment(container);
            ServiceEnvironment.check(service, environment, Set.of(), "deploy/k8s " + name);
            for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                assertThat(container.get(probe, "grpc", "port").number()).as("%s %s: gRPC health", name, probe)
                        .isEqualTo(service.grpcPort());
            }
            assertThat(environment.get("CHATMESH_BIND_HOST")).as("%s: the kubelet's probes reach the gRPC port", name)
                    .isEqualTo("0.0.0.0");
            assertThat(environment).containsKey("CHATMESH_INSTANCE_ID");
        }
    }

    @Test
    void eachSidecarRunsItsEnvoyFileWithItsIdentityOnThePortsTheServiceAndPolicyName() {
        for (Deployable service : Deployable.values()) {
            String name = service.serviceName();
            Tree deployment = K8S.resource("Deployment", name);
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            Tree envoy = assertEnvoy(deployment, sidecar, name + "-mesh");

            Map<String, Integer> ports = Kubernetes.ports(envoy);
            assertThat(ports).isEqualTo(Map.of("grpc", port(sidecar, "inbound_grpc"), "http", port(sidecar, "inbound_http"),
                    "ops", port(sidecar, "ops_http")));

            // headless, with the ports the gateway's and the other sidecars' clusters call
            Tree kubeService = K8S.resource("Service", name);
            assertThat(kubeService.get("spec", "clusterIP").text()).isEqualTo("None");
            assertThat(kubeService.get("spec", "selector").value())
                    .isEqualTo(deployment.get("spec", "selector", "matchLabels").value());
            Map<String, Integer> servicePorts = new HashMap<>();
            for (Tree port : kubeService.get("spec", "ports").list()) {
                servicePorts.put(port.get("name").text(), port.get("port").number());
                assertThat(ports.get(port.get("targetPort").text())).isEqualTo(port.get("port").number());
            }
            assertThat(servicePorts).isEqualTo(Map.of("grpc", ports.get("grpc"), "http", ports.get("http")));
            Set<Integer> called = new TreeSet<>();
            for (EnvoyFile caller : EnvoyFile.loadAll()) {
                caller.bootstrap().getStaticResources().getClustersList().stream()
                        .map(EnvoyFile::endpoint).filter(address -> address.getAddress().equals(name))
                        .forEach(address -> called.add(address.getPortValue()));
            }
            assertThat(servicePorts.values()).as("%s: every port an Envoy calls it on", name).containsAll(called);

            // other pods reach exactly the sidecar's listeners that are not on loopback
            Set<Integer> open = sidecar.bootstrap().getStaticResources().getListenersList().stream()
                    .filter(listener -> !listener.getAddress().getSocketAddress().getAddress().equals("127.0.0.1"))
                    .map(listener -> listener.getAddress().getSocketAddress().getPortValue()).collect(Collectors.toSet());
            Set<Integer> allowed = K8S.resource("NetworkPolicy", name).get("spec", "ingress").list().stream()
                    .flatMap(rule -> rule.get("ports").list().stream()).map(port -> port.get("port").number())
                    .collect(Collectors.toSet());
            assertThat(allowed).as("%s NetworkPolicy", name).isEqualTo(open);

            // Prometheus: the annotated port is the plaintext ops listener, which hands /metrics to the HTTP port
            Tree annotations = deployment.get("spec", "template", "metadata", "annotations");
            assertThat(Mesh.plaintextGet(service, annotations.get("prometheus.io/port").number(),
                    annotations.get("prometheus.io/path").text())).isEqualTo(service.httpPort());
            assertThat(Mesh.plaintextGet(service, ports.get(envoy.get("readinessProbe", "httpGet", "port").text()),
                    envoy.get("readinessProbe", "httpGet", "path").text())).isEqualTo(service.httpPort());
        }
    }

    @Test
    void disruptionBudgetsForEveryoneAndAutoscalingForTheStreamingServices() {
        Set<String> deployments = K8S.all("Deployment").stream().map(d -> d.get("metadata", "name").text())
                .collect(Collectors.toSet());
        for (String name : deployments) {
            assertThat(K8S.resource("PodDisruptionBudget", name).get("spec", "selector", "matchLabels").value())
                    .isEqualTo(K8S.resource("Deployment", name).get("spec", "selector", "matchLabels").value());
        }
        Set<String> autoscaled = new TreeSet<>();
        for (Tree hpa : K8S.all("HorizontalPodAutoscaler")) {
            Tree target = hpa.get("spec", "scaleTargetRef");
            assertThat(target.get("kind").text()).isEqualTo("Deployment");
            assertThat(deployments).contains(target.get("name").text());
            assertThat(hpa.get("spec", "minReplicas").number()).as("one instance is not highly available").isGreaterThan(1);
            autoscaled.add(target.get("name").text());
        }
        assertThat(autoscaled).isEqualTo(AUTOSCALED);
    }

    @Test
    void everyContainerRunsUnprivilegedOnAReadOnlyRootWithLimits() {
        for (Tree deployment : K8S.all("Deployment")) {
            Tree pod = Kubernetes.podSpec(deployment);
            assertThat(pod.get("securityContext", "runAsNonRoot").value()).isEqualTo(true);
            assertThat(pod.get("automountServiceAccountToken").value()).isEqualTo(false);
            for (Tree container : pod.get("containers").list()) {
                String what = deployment.get("metadata", "name").text() + "/" + container.get("name").text();
                Tree security = container.get("securityContext");
                assertThat(security.get("readOnlyRootFilesystem").value()).as(what).isEqualTo(true);
                assertThat(security.get("allowPrivilegeEscalation").value()).as(what).isEqualTo(false);
                assertThat(security.get("runAsUser").number()).as(what).isPositive();
                assertThat(security.get("capabilities", "drop").texts()).as(what).containsExactly("ALL");
                assertThat(Kubernetes.volumeAt(deployment, container, "/tmp").has("emptyDir")).as("%s /tmp", what).isTrue();
                assertThat(container.get("resources", "requests").keys()).as(what).contains("cpu", "memory");
                assertThat(container.get("resources", "limits").keys()).as(what).contains("memory");
            }
        }
        // the service container runs as the image's own user
        String imageUser = Dockerfile.first(Dockerfile.finalStage(), "USER").arguments().split(":")[0];
        for (Deployable service : Deployable.values()) {
            assertThat(Kubernetes.container(K8S.resource("Deployment", service.serviceName()), service.serviceName())
                    .get("securityContext", "runAsUser").text()).isEqualTo(imageUser);
        }
    }

    @Test
    void theGatewayRunsItsEnvoyFileBehindTheLoadBalancer() {
        Tree deployment = K8S.resource("Deployment", "gateway");
        EnvoyFile gateway = EnvoyFile.gateway();
        Tree envoy = assertEnvoy(deployment, gateway, "gateway-mesh");

        TlsCertificate certificate = gateway.certificate("public_https");
        String directory = ContainerPaths.directory(certificate.getCertificateChain().getFilename());
        assertThat(ContainerPaths.directory(certificate.getPrivateKey().getFilename())).isEqualTo(directory);
        Tree publicTls = Kubernetes.volumeAt(deployment, envoy, directory);
        String secretName = publicTls.get("secret", "secretName").text();
        assertThat(K8S.secretTemplate(secretName).get("type").text()).isEqualTo("kubernetes.io/tls");
        Set<String> paths = publicTls.get("secret", "items").list().stream().map(item -> item.get("path").text())
                .collect(Collectors.toSet());
        assertThat(paths).containsExactlyInAnyOrder(ContainerPaths.fileName(certificate.getCertificateChain().getFilename()),
                ContainerPaths.fileName(certificate.getPrivateKey().getFilename()));
        K8S.assertSecretTemplated(publicTls.get("secret"));

        int listening = port(gateway, "public_https");
        Map<String, Integer> ports = Kubernetes.ports(envoy);
        Tree https = K8S.resource("Service", "gateway").get("spec", "ports").named("https");
        assertThat(ports.get(https.get("targetPort").text())).isEqualTo(listening);
        assertThat(https.get("port").number()).isEqualTo(443);
        assertThat(ports.get(envoy.get("readinessProbe", "httpGet", "port").text())).isEqualTo(listening);
        assertThat(envoy.get("readinessProbe", "httpGet", "scheme").text()).isEqualTo("HTTPS");
        assertThat(envoy.get("readinessProbe", "httpGet", "path").text()).isEqualTo("/healthz");
    }

    /** The Envoy container: its envoy/ file from the generated ConfigMap, its mesh identity from a Secret. */
    private static Tree assertEnvoy(Tree deployment, EnvoyFile config, String meshSecret) {
        Tree envoy = Kubernetes.container(deployment, "envoy");
        assertThat(envoy.get("image").text()).isEqualTo(new Compose().service("gateway").get("image").text());
        List<String> args = envoy.get("args").texts();
        String configPath = args.get(args.indexOf("-c") + 1);
        Tree mount = envoy.get("volumeMounts").named("mountPath", configPath);
        Tree volume = Kubernetes.volume(deployment, mount.get("name").text());
        assertThat(volume.get("configMap", "name").text()).isEqualTo(configMapOf(config.identity()));
        Tree item = volume.get("configMap", "items").list().getFirst();
        assertThat(item.get("key").text()).isEqualTo(config.path().getFileName().toString());
        assertThat(item.get("path").text()).isEqualTo(mount.get("subPath").text());

        Tree mesh = Kubernetes.volumeAt(deployment, envoy, ContainerPaths.directory(Mesh.MESH_CERTIFICATE));
        assertThat(mesh.get("secret", "secretName").text()).isEqualTo(meshSecret);
        assertThat(K8S.secretTemplate(meshSecret).get("stringData").keys()).containsExactlyInAnyOrder(
                ContainerPaths.fileName(Mesh.MESH_CERTIFICATE), ContainerPaths.fileName(Mesh.MESH_KEY),
                ContainerPaths.fileName(Mesh.MESH_CA));
        return envoy;
    }

    /** The variables a container sets: literal values, ConfigMap values resolved, null for Secrets and the pod's fields. */
    private static Map<String, String> environment(Tree container) {
        Map<String, String> environment = new HashMap<>();
        for (Tree variable : container.get("env").list()) {
            String name = variable.get("name").text();
            Tree config = variable.find("valueFrom", "configMapKeyRef");
            environment.put(name, variable.has("value") ? variable.get("value").text()
                    : config != null ? K8S.backend(config.get("key").text()) : null);
        }
        return environment;
    }

    static String configMapOf(String identity) {
        return "envoy-" + identity;
    }

    private static int port(EnvoyFile envoy, String listener) {
        Listener found = envoy.listener(listener);
        return found.getAddress().getSocketAddress().getPortValue();
    }
}
