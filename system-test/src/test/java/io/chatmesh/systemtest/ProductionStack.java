package io.chatmesh.systemtest;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.message.MessageServiceApplication;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.kafka.KafkaEventBus;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * chatmesh on its production backends, all on loopback: a Kafka broker in a child JVM, MongoDB
 * (wire protocol, mongo-java-server) or PostgreSQL for messages, PostgreSQL for users and rooms,
 * and the services in this JVM, each its own Spring context on its own port with its own Kafka
 * clients: for the tests one user-service, two chat-service instances on one chat database, one
 * message-service and two signaling-service instances ({@link Options#forTests()}; a benchmark
 * picks its own, see {@link KafkaStack}). Nothing is shared between the contexts but the
 * backends, so whatever one instance learns from another went through the broker.
 *
 * <p>Client channels as a deployment would route them: users → user-service, rooms → chat
 * instance 1, messages → message-service.
 */
final class ProductionStack implements AutoCloseable {

    /** A service instance of the stack. */
    enum Instance {
        USER("user"), CHAT_1("chat-1"), CHAT_2("chat-2"), MESSAGE("message"), SIGNALING_1("signaling-1"),
        SIGNALING_2("signaling-2");

        final String id;

        Instance(String id) {
            this.id = id;
        }
    }

    /** Where message-service stores messages. */
    enum MessageStore { MONGODB, POSTGRESQL }

    /**
     * What the tests and a benchmark run differently.
     *
     * @param instances started in this order (message-service's consumer group before the chat
     *        instances publish)
     * @param serviceArgs added to every instance's arguments (e.g. timeouts)
     * @param ports each instance's gRPC port
     * @param brokerPort the Kafka listener's port; the controller's is {@code controllerPort}
     * @param brokerJvm options of the broker's JVM
     * @param newDatabase creates an empty PostgreSQL database and returns its JDBC URL (user
     *        {@link TestPostgres#USER}, trusted on loopback)
     */
    record Options(List<Instance> instances, List<String> serviceArgs, Map<Instance, Integer> ports, int brokerPort,
            int controllerPort, List<String> brokerJvm, MessageStore messageStore, Supplier<String> newDatabase) {

        Options {
            instances = List.copyOf(instances);
            serviceArgs = List.copyOf(serviceArgs);
            ports = Map.copyOf(ports);
            brokerJvm = List.copyOf(brokerJvm);
        }

        /** Every instance on free ports, short Kafka timeouts, messages in MongoDB, databases of {@link TestPostgres}. */
        static Options forTests() {
            Map<Instance, Integer> ports = new EnumMap<>(Instance.class);
            for (Instance instance : Instance.values()) {
                ports.put(instance, LoopbackPorts.free());
            }
            return new Options(List.of(Instance.USER, Instance.MESSAGE, Instance.CHAT_1, Instance.CHAT_2,
                    Instance.SIGNALING_1, Instance.SIGNALING_2), TEST_KAFKA_TIMEOUTS, ports, LoopbackPorts.free(),
                    LoopbackPorts.free(), KafkaBroker.TEST_JVM, MessageStore.MONGODB, TestPostgres::newDatabase);
        }

        /** These options with only {@code running} started, each given {@code moreArgs} too. */
        Options only(List<Instance> running, String... moreArgs) {
            List<String> args = new ArrayList<>(serviceArgs);
            args.addAll(List.of(moreArgs));
            return new Options(running, args, ports, brokerPort, controllerPort, brokerJvm, messageStore, newDatabase);
        }
    }

    /** Database holding message-service's collections. */
    static final String MONGO_DATABASE = "chatmesh";

    /**
     * Short Kafka timeouts so an outage shows within seconds: a publish fails after at most
     * max-block + delivery-timeout. The services' publish timeouts are longer than the delivery
     * timeout, so they never answer UNAVAILABLE while the producer may still deliver the event.
     */
    private static final List<String> TEST_KAFKA_TIMEOUTS = List.of(
            "--chatmesh.bus.kafka.delivery-timeout=2s",
            "--chatmesh.bus.kafka.request-timeout=1s",
            "--chatmesh.bus.kafka.max-block=2s",
            "--chatmesh.bus.kafka.api-timeout=5s",
            "--chatmesh.chat.publish-timeout=4s",
            "--chatmesh.message.publish-timeout=4s");

    private final Options options;
    private final KafkaBroker kafka;
    /** Null when messages are stored in PostgreSQL. */
    private final MongoServer mongo;
    private final String usersDatabase;
    private final String chatDatabase;
    /** Null when messages are stored in MongoDB. */
    private final String messagesDatabase;
    /** Attachment content with the SQL message store (MongoDB keeps it in GridFS). */
    private final Path attachmentsDir;
    private final Map<Instance, ConfigurableApplicationContext> contexts = new EnumMap<>(Instance.class);

    private ProductionStack(Path dataDir, Options options) {
        this.options = options;
        kafka = KafkaBroker.format(dataDir.resolve("kafka"), options.brokerPort(), options.controllerPort(),
                options.brokerJvm());
        boolean mongodb = options.messageStore() == MessageStore.MONGODB;
        mongo = mongodb ? new MongoServer(new MemoryBackend()) : null;
        usersDatabase = options.newDatabase().get();
        chatDatabase = options.newDatabase().get();
        messagesDatabase = mongodb ? null : options.newDatabase().get();
        attachmentsDir = dataDir.resolve("attachments");
    }

    /** The tests' stack ({@link Options#forTests()}). */
    static ProductionStack start(Path dataDir) {
        return start(dataDir, Options.forTests());
    }

    /** Starts the backends, then the instances in the order the options list them. */
    static ProductionStack start(Path dataDir, Options options) {
        ProductionStack stack = new ProductionStack(dataDir, options);
        try {
            if (stack.mongo != null) {
                stack.mongo.bind("127.0.0.1", 0);
            }
            stack.kafka.start();
            for (Instance instance : options.instances()) {
                stack.start(instance);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    int port(Instance instance) {
        return options.ports().get(instance);
    }

    /** JDBC URL of the database the chat instances share (user {@link TestPostgres#USER}). */
    String chatDatabase() {
        return chatDatabase;
    }

    KafkaBroker kafka() {
        return kafka;
    }

    String mongoUri() {
        return "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
    }

    /** Starts the instance on its port (again, after {@link #stop}): same databases, same Kafka consumer groups. */
    synchronized void start(Instance instance) {
        if (contexts.containsKey(instance)) {
            throw new IllegalStateException(instance + " is running");
        }
        List<String> args = new ArrayList<>(List.of(
                "--spring.grpc.server.host=127.0.0.1",
                "--spring.grpc.server.port=" + port(instance),
                "--spring.grpc.client.channels.users.address=static://127.0.0.1:" + port(Instance.USER),
                "--spring.grpc.client.channels.rooms.address=static://127.0.0.1:" + port(Instance.CHAT_1),
                "--spring.grpc.client.channels.messages.address=static://127.0.0.1:" + port(Instance.MESSAGE),
                "--spring.application.name=" + instance.id,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.io.chatmesh=INFO"));
        args.addAll(options.serviceArgs());
        Supplier<SpringApplicationBuilder> application = switch (instance) {
            case USER -> {
                args.addAll(postgres(usersDatabase));
                args.addAll(kafka(instance));
                yield UserServiceApplication::builder;
            }
            case CHAT_1, CHAT_2 -> {
                args.addAll(postgres(chatDatabase));
                args.addAll(kafka(instance));
                yield ChatServiceApplication::builder;
            }
            case MESSAGE -> {
                if (mongo != null) {
                    args.add("--chatmesh.message.store=mongodb");
                    args.add("--chatmesh.message.mongodb.uri=" + mongoUri());
                    args.add("--chatmesh.message.mongodb.database=" + MONGO_DATABASE);
                } else {
                    args.add("--chatmesh.message.store=sql");
                    args.add("--chatmesh.message.attachments.directory=" + attachmentsDir);
                    args.addAll(postgres(messagesDatabase));
                }
                args.addAll(kafka(instance));
                yield MessageServiceApplication::builder;
            }
            case SIGNALING_1, SIGNALING_2 -> {
                args.add("--chatmesh.signaling.instance-id=" + instance.id);
                args.addAll(kafka(instance));
                yield SignalingServiceApplication::builder;
            }
        };
        ConfigurableApplicationContext context = application.get().run(args.toArray(String[]::new));
        contexts.put(instance, context);
        if (!(context.getBean(EventBus.class) instanceof KafkaEventBus)) {
            context.close();
            contexts.remove(instance);
            throw new IllegalStateException(instance + " does not use the Kafka event bus");
        }
    }

    /** Closes the instance's context (graceful: its consumers commit and leave their groups). */
    synchronized void stop(Instance instance) {
        ConfigurableApplicationContext context = contexts.remove(instance);
        if (context != null) {
            context.close();
        }
    }

    @Override
    public synchronized void close() {
        List<Instance> running = new ArrayList<>(contexts.keySet());
        for (int i = running.size() - 1; i >= 0; i--) {
            stop(running.get(i));
        }
        if (mongo != null) {
            mongo.shutdownNow();
        }
        kafka.close();
    }

    private static List<String> postgres(String jdbcUrl) {
        return List.of(
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + TestPostgres.USER,
                "--spring.datasource.password=" + TestPostgres.PASSWORD);
    }

    private List<String> kafka(Instance instance) {
        return List.of(
                "--chatmesh.bus.type=kafka",
                "--chatmesh.bus.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--chatmesh.bus.kafka.instance-id=" + instance.id);
    }
}
