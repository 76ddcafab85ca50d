package io.chatmesh.platform.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/** The service's HTTP port, when {@code chatmesh.http.port} is set ({@link HttpFace}). */
@AutoConfiguration
@ConditionalOnProperty(name = "chatmesh.http.port")
@EnableConfigurationProperties(HttpProperties.class)
public class HttpFaceAutoConfiguration {

    @Bean
    HttpFace httpFace(Environment environment, HttpProperties properties, List<HttpRoutes> routes,
            ObjectProvider<PrometheusMeterRegistry> prometheus) {
        DataSize maxMessage = environment.getProperty("spring.grpc.server.max-inbound-message-size", DataSize.class,
                DataSize.ofMegabytes(4));
        return new HttpFace(environment.getProperty("spring.application.name", "chatmesh service"), properties,
                routes, prometheus.getIfAvailable(), (int) maxMessage.toBytes());
    }
}
