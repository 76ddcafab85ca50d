package io.chatmesh.signaling;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * signaling-service: WebRTC signaling (SignalingService). Reads signaling-service.properties.
 * It keeps no data, so the JDBC and Flyway auto-configurations stay off even when (as in the
 * launcher) other services put them on the classpath.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
public class SignalingServiceApplication {

    /** spring.config.name: services share one classpath in the launcher, so no application.properties. */
    public static final String CONFIG_NAME = "signaling-service";

    /** The application with its config name set; the launcher adds properties and initializers. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(SignalingServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
