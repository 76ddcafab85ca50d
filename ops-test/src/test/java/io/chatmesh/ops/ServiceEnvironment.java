package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment a deployment (compose, Kubernetes) gives one service's container, checked against
 * what the service reads ({@link Deployable#environment()}) and against its sidecar: every name is
 * one the service reads, nothing required is missing, the ports are the ones the sidecar hands calls
 * to, and each channel goes to the sidecar's egress listener for its target.
 */
final class ServiceEnvironment {

    /** Spring's own variables a deployment sets besides the service's: the profile, the config tree of secret files. */
    static final Set<String> SPRING_VARIABLES = Set.of("SPRING_PROFILES_ACTIVE", "SPRING_CONFIG_IMPORT");

    private ServiceEnvironment() {}

    /**
     * @param environment name to value; a null value comes from elsewhere (a Secret, the pod's name)
     * @param fromFiles variables given as files of a Spring config tree (compose's secrets)
     */
    static void check(Deployable service, Map<String, String> environment, Set<String> fromFiles, String where) {
        Set<String> readable = new TreeSet<>(service.environment().keySet());
        readable.addAll(SPRING_VARIABLES);
        assertThat(readable).as("%s: variables %s sets that %s reads", where, where, service.serviceName())
                .containsAll(environment.keySet());
        assertThat(service.environment().keySet()).as("%s: secret files are variables %s reads", where, service.serviceName())
                .containsAll(fromFiles);
        assertThat(environment.get("SPRING_PROFILES_ACTIVE")).as("%s: profile", where).isEqualTo(Deployable.PROD_PROFILE);

        Set<String> given = new TreeSet<>(environment.keySet());
        given.addAll(fromFiles);
        assertThat(given).as("%s: what %s cannot start without", where, service.serviceName())
                .containsAll(service.requiredVariables(environment));

        assertPortIfSet(environment, "CHATMESH_GRPC_PORT", service.grpcPort(), where);
        assertPortIfSet(environment, "CHATMESH_HTTP_PORT", service.httpPort(), where);

        EnvoyFile sidecar = EnvoyFile.sidecar(service);
        for (String channel : service.channels()) {
            Deployable target = Contracts.CHANNEL_TARGETS.get(channel);
            int egress = sidecar.listener("egress_" + target.serviceName().replace('-', '_') + "_grpc")
                    .getAddress().getSocketAddress().getPortValue();
            assertThat(environment.get(service.channelVariable(channel)))
                    .as("%s: %s's channel %s goes out through its sidecar", where, service.serviceName(), channel)
                    .isEqualTo("static://127.0.0.1:" + egress);
        }
    }

    private static void assertPortIfSet(Map<String, String> environment, String name, int port, String where) {
        if (environment.containsKey(name)) {
            assertThat(environment.get(name)).as("%s: %s is where the sidecar hands calls to", where, name)
                    .isEqualTo(String.valueOf(port));
        }
    }
}
