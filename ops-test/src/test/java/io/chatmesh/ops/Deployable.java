package io.chatmesh.ops;

import io.chatmesh.platform.auth.AuthPolicy;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four services as they are deployed, with the facts the Envoy files must agree with, read
 * from the services themselves: ports and outgoing channels from their prod profile
 * ({@code <service>-prod.properties}, the defaults docs/production.md lists), and the methods
 * that need no token from the {@link AuthPolicy} bean each one runs.
 */
enum Deployable {
    USER_SERVICE("user-service", "io.chatmesh.user.config.UserServiceConfiguration"),
    CHAT_SERVICE("chat-service", "io.chatmesh.chat.config.ChatServiceConfiguration"),
    MESSAGE_SERVICE("message-service", "io.chatmesh.message.config.MessageServiceConfiguration"),
    SIGNALING_SERVICE("signaling-service", "io.chatmesh.signaling.config.SignalingConfig");

    /** The Spring profile a deployment runs the services in: SPRING_PROFILES_ACTIVE. */
    static final String PROD_PROFILE = "prod";
    /** Where a service without an AuthPolicy bean of its own gets one (everything authenticated). */
    private static final String PLATFORM_CONFIGURATION = "io.chatmesh.platform.ChatmeshPlatformAutoConfiguration";
    /** "${CHATMESH_GRPC_PORT:9092}": the default after the colon. */
    private static final Pattern DEFAULT_VALUE = Pattern.compile("\\$\\{[A-Z_]+:([^}]*)}");
    private static final Pattern CHANNEL_ADDRESS = Pattern.compile("spring\\.grpc\\.client\\.channels\\.([a-z]+)\\.address");
    /** "${CHATMESH_GRPC_PORT:9092}", "${CHATMESH_DATABASE_URL}": a variable, with its default if it has one. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(:)?");
    /** The setting that picks message-service's store, and what each store needs that has no default. */
    private static final String MESSAGE_STORE = "CHATMESH_MESSAGE_STORE";
    /**
     * Variables the prod profile reads with an empty default that become required by the store chosen
     * (message-service-prod.properties says so beside them; ProductionProfileTest shows startup
     * stopping without them).
     */
    private static final Map<String, Set<String>> REQUIRED_BY_STORE = Map.of(
            "mongodb", Set.of("CHATMESH_MESSAGE_MONGODB_URI"),
            "sql", Set.of("CHATMESH_DATABASE_URL", "CHATMESH_DATABASE_USER", "CHATMESH_DATABASE_PASSWORD"));

    private final String serviceName;
    private final String configurationClass;

    Deployable(String serviceName, String configurationClass) {
        this.serviceName = serviceName;
        this.configurationClass = configurationClass;
    }

    /** The service's name: its module, its DNS name in compose and Kubernetes, its sidecar file. */
    String serviceName() {
        return serviceName;
    }

    /** The mesh identity in its certificate (URI SAN). */
    String identity() {
        return identityOf(serviceName);
    }

    static String identityOf(String name) {
        return "spiffe://chatmesh/" + name;
    }

    static Deployable named(String serviceName) {
        return Arrays.stream(values()).filter(value -> value.serviceName.equals(serviceName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + serviceName));
    }

    int grpcPort() {
        return Integer.parseInt(defaultOf("spring.grpc.server.port"));
    }

    int httpPort() {
        return Integer.parseInt(defaultOf("chatmesh.http.port"));
    }

    /** The gRPC channels it opens to other services ("users", "rooms", "messages"). */
    Set<String> channels() {
        Set<String> channels = new TreeSet<>();
        for (String key : prodProperties().stringPropertyNames()) {
            Matcher matcher = CHANNEL_ADDRESS.matcher(key);
            if (matcher.matches()) {
                channels.add(matcher.group(1));
            }
        }
        return channels;
    }

    /**
     * The environment variables its prod profile reads (every {@code ${NAME}} and
     * {@code ${NAME:default}} in {@code <service>-prod.properties}), each mapped to whether it has
     * a default. docs/production.md lists the same; this is where the service reads them.
     */
    Map<String, Boolean> environment() {
        Map<String, Boolean> variables = new TreeMap<>();
        for (String key : prodProperties().stringPropertyNames()) {
            Matcher matcher = VARIABLE.matcher(prodProperties().getProperty(key));
            while (matcher.find()) {
                variables.merge(matcher.group(1), matcher.group(2) != null, Boolean::logicalAnd);
            }
        }
        return variables;
    }

    /** What startup stops without, given the variables that are set (which pick message-service's store). */
    Set<String> requiredVariables(Map<String, String> given) {
        Set<String> required = new TreeSet<>();
        environment().forEach((name, hasDefault) -> {
            if (!hasDefault) {
                required.add(name);
            }
        });
        if (environment().containsKey(MESSAGE_STORE)) {
            String store = given.containsKey(MESSAGE_STORE) ? given.get(MESSAGE_STORE) : defaultOf("chatmesh.message.store");
            Set<String> needs = REQUIRED_BY_STORE.get(store);
            if (needs == null) {
                throw new AssertionError(serviceName + ": no store " + store + "; one of " + REQUIRED_BY_STORE.keySet());
            }
            required.addAll(needs);
        }
        return required;
    }

    /** The variable that sets a channel's target ("users": CHATMESH_USERS_ADDRESS). */
    String channelVariable(String channel) {
        String value = prodProperties().getProperty("spring.grpc.client.channels." + channel + ".address");
        Matcher matcher = VARIABLE.matcher(value == null ? "" : value);
        if (!matcher.find()) {
            throw new IllegalStateException(serviceName + "-prod.properties: channel " + channel + " has no ${VARIABLE}");
        }
        return matcher.group(1);
    }

    Properties prodProperties() {
        return properties(serviceName + "-" + PROD_PROFILE + ".properties");
    }

    Properties properties(String file) {
        Path path = EnvoyFile.root().resolve(serviceName).resolve("src/main/resources").resolve(file);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private String defaultOf(String key) {
        String value = prodProperties().getProperty(key);
        Matcher matcher = DEFAULT_VALUE.matcher(value == null ? "" : value);
        if (!matcher.matches()) {
            throw new IllegalStateException(serviceName + "-prod.properties: " + key + " has no ${VAR:default}: " + value);
        }
        return matcher.group(1);
    }

    /**
     * The policy the running service enforces: its configuration's AuthPolicy bean method,
     * called as Spring would (the classes are package-private, hence reflection), or the
     * platform's default when it declares none.
     */
    AuthPolicy authPolicy() {
        try {
            Class<?> configuration = Class.forName(configurationClass);
            Method bean = authPolicyMethod(configuration);
            if (bean == null) {
                configuration = Class.forName(PLATFORM_CONFIGURATION);
                bean = authPolicyMethod(configuration);
            }
            var constructor = configuration.getDeclaredConstructor();
            constructor.setAccessible(true);
            bean.setAccessible(true);
            return (AuthPolicy) bean.invoke(constructor.newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + serviceName + "'s AuthPolicy", e);
        }
    }

    private static Method authPolicyMethod(Class<?> configuration) {
        return Arrays.stream(configuration.getDeclaredMethods())
                .filter(method -> method.getReturnType() == AuthPolicy.class && method.getParameterCount() == 0)
                .findFirst().orElse(null);
    }
}
