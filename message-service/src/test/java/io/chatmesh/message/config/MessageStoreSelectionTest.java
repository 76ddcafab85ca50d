package io.chatmesh.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chatmesh.message.MessageServiceApplication;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Choosing the store: what startup does with chatmesh.message.store and chatmesh.message.mongodb.uri. */
class MessageStoreSelectionTest {

    private static final String DATA_SOURCE_AUTO_CONFIGURATION =
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";
    private static final String FLYWAY_AUTO_CONFIGURATION =
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

    @Test
    void mongodbWithoutAUriFailsStartupNamingThePropertyAndItsEnvironmentVariable() {
        // on the command line, so that a URI in the environment of the test run cannot satisfy it
        Throwable failure = catchThrowable(() -> MessageServiceApplication.builder().run(
                "--chatmesh.message.store=mongodb", "--chatmesh.message.mongodb.uri=", "--spring.grpc.server.port=0"));

        assertThat(failure).isNotNull();
        assertThat(rootCause(failure).getMessage())
                .contains("chatmesh.message.mongodb.uri")
                .contains("CHATMESH_MESSAGE_MONGODB_URI");
    }

    @Test
    void anUnknownStoreFailsStartupNamingTheProperty() {
        Throwable failure = catchThrowable(() -> MessageServiceApplication.builder().run(
                "--chatmesh.message.store=cassandra", "--spring.grpc.server.port=0"));

        assertThat(failure).isNotNull();
        assertThat(rootCause(failure).getMessage()).contains("chatmesh.message.store");
    }

    @Test
    void mongodbExcludesTheSqlAutoConfigurationsAndKeepsOtherExclusions() {
        StandardEnvironment environment = environment(Map.of(
                "chatmesh.message.store", "mongodb", "spring.autoconfigure.exclude", "com.example.SomeAutoConfiguration"));

        new MessageStoreEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication(MessageServiceApplication.class));

        assertThat(environment.getProperty("spring.autoconfigure.exclude", String[].class)).containsExactly(
                "com.example.SomeAutoConfiguration", DATA_SOURCE_AUTO_CONFIGURATION, FLYWAY_AUTO_CONFIGURATION);
    }

    @Test
    void theSqlStoreExcludesNothing() {
        StandardEnvironment environment = environment(Map.of("chatmesh.message.store", "sql",
                "spring.datasource.url", "jdbc:postgresql://db:5432/chatmesh_messages"));

        new MessageStoreEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication(MessageServiceApplication.class));

        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void theSqlStoreWithoutADatabaseUrlFailsNamingItsEnvironmentVariable() {
        StandardEnvironment environment = environment(Map.of("chatmesh.message.store", "sql",
                "spring.datasource.url", " "));

        Throwable failure = catchThrowable(() -> new MessageStoreEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication(MessageServiceApplication.class)));

        assertThat(failure).isInstanceOf(IllegalStateException.class);
        assertThat(failure.getMessage()).contains("CHATMESH_DATABASE_URL");
    }

    /** The launcher runs every service on one classpath: another service keeps its DataSource. */
    @Test
    void otherApplicationsAreLeftAlone() {
        StandardEnvironment environment = environment(Map.of("chatmesh.message.store", "mongodb"));

        new MessageStoreEnvironmentPostProcessor()
                .postProcessEnvironment(environment, new SpringApplication(OtherApplication.class));

        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isNull();
    }

    @Test
    void theStoreNameIgnoresCaseAndSurroundingSpace() {
        assertThat(MessageStoreKind.of(environment(Map.of("chatmesh.message.store", " MongoDB "))))
                .isEqualTo(MessageStoreKind.MONGODB);
        assertThat(MessageStoreKind.of(environment(Map.of()))).isEqualTo(MessageStoreKind.SQL);
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        return environment;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static class OtherApplication {}
}
