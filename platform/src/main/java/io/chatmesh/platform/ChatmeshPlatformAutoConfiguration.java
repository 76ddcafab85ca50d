package io.chatmesh.platform;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.client.GrpcJwksSupplier;
import io.chatmesh.platform.config.SettingChecks;
import io.chatmesh.platform.db.JdbiStatementMetrics;
import io.chatmesh.platform.db.StoreMetrics;
import io.chatmesh.platform.grpc.CallMetrics;
import io.chatmesh.platform.grpc.ChatmeshExceptionHandler;
import io.chatmesh.platform.grpc.ClientCallMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.GlobalClientInterceptor;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * What every chatmesh service gets: the auth interceptor on every call, failures mapped to
 * statuses with details, Jdbi over the service's DataSource, and the in-process event bus
 * unless a service (or the launcher, sharing one bus between services) provides another; and
 * their metrics (docs/production.md): calls served and made, statements timed, the bus's.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
public class ChatmeshPlatformAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ChatmeshPlatformAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    GrpcExceptionHandler chatmeshExceptionHandler() {
        return new ChatmeshExceptionHandler();
    }

    @Bean
    @ConditionalOnMissingBean
    AuthPolicy authPolicy() {
        return AuthPolicy.allAuthenticated();
    }

    /**
     * Verifies tokens with the keys user-service publishes (channel "users"). user-service
     * itself defines a verifier over its own keys instead.
     */
    @Bean
    @ConditionalOnMissingBean
    AccessTokenVerifier jwksAccessTokenVerifier(GrpcChannelFactory channels,
            @Value("${chatmesh.auth.jwks-deadline:3s}") Duration deadline) {
        new SettingChecks("chatmesh.auth").positive("jwks-deadline", deadline);
        return new JwksAccessTokenVerifier(new GrpcJwksSupplier(channels.createChannel("users"), deadline));
    }

    @Bean
    @GlobalServerInterceptor
    @Order(100)
    AuthInterceptor authInterceptor(AccessTokenVerifier verifier, AuthPolicy policy, EndedSessions endedSessions) {
        return new AuthInterceptor(verifier, policy, endedSessions);
    }

    /** Calls by method and status, open streams (docs/production.md, Metrics); before auth, so refusals count too. */
    @Bean
    @GlobalServerInterceptor
    @Order(50)
    CallMetrics callMetrics(ObjectProvider<MeterRegistry> registry) {
        return new CallMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** Calls this service makes, by method and status: on every channel from the GrpcChannelFactory. */
    @Bean
    @GlobalClientInterceptor
    ClientCallMetrics clientCallMetrics(ObjectProvider<MeterRegistry> registry) {
        return new ClientCallMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    EventBus eventBus(ObjectProvider<MeterRegistry> registry) {
        return new InProcessEventBus(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** One line per service saying where it serves: an operator sees that it is up, and on which port. */
    @Bean
    ApplicationListener<GrpcServerStartedEvent> servingAnnouncement(Environment environment) {
        String service = environment.getProperty("spring.application.name", "chatmesh service");
        return started -> log.info("{} serving gRPC on {}", service, started.getServer().getListenSockets().stream()
                .map(address -> address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort()
                        : address.toString())
                .collect(Collectors.joining(", ")));
    }

    @Bean
    EndedSessions endedSessions() {
        return new EndedSessions();
    }

    @Bean
    @ConditionalOnBean(DataSource.class)
    @ConditionalOnMissingBean
    Jdbi jdbi(DataSource dataSource, ObjectProvider<MeterRegistry> registry) {
        Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
        return JdbiStatementMetrics.installOn(jdbi,
                new StoreMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), "postgresql"));
    }
}
