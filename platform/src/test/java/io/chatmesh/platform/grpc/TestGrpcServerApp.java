package io.chatmesh.platform.grpc;

import io.chatmesh.platform.auth.AuthPolicy;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A test's gRPC server: the auto-configuration (the platform's with it) serving the test's own
 * {@code @GrpcService} classes, listed next to this one in {@code @SpringBootTest(classes = ...)}.
 * The full method names in the test's property {@code test.public-methods} (comma-separated) need
 * no token, so the test calls them bare.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TestGrpcServerApp {

    @Bean
    AuthPolicy openTestCalls(@Value("${test.public-methods}") String[] publicMethods) {
        return new AuthPolicy(Set.of(publicMethods), Set.of());
    }
}
