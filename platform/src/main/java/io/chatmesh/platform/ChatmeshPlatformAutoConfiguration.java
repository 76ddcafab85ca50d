package io.chatmesh.platform;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.client.GrpcJwksSupplier;
import io.chatmesh.platform.grpc.ChatmeshExceptionHandler;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

/**
 * What every chatmesh service gets: the auth interceptor on every call, failures mapped to
 * statuses with details, Jdbi over the service's DataSource, and the in-process event bus
 * unless a service (or the launcher, sharing one bus between services) provides another.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
public class ChatmeshPlatformAutoConfiguration {

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
        return new JwksAccessTokenVerifier(new GrpcJwksSupplier(channels.createChannel("users"), deadline));
    }

    @Bean
    @GlobalServerInterceptor
    @Order(100)
    AuthInterceptor authInterceptor(AccessTokenVerifier verifier, AuthPolicy policy) {
        return new AuthInterceptor(verifier, policy);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    EventBus eventBus() {
        return new InProcessEventBus();
    }

    @Bean
    @ConditionalOnBean(DataSource.class)
    @ConditionalOnMissingBean
    Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
    }
}
