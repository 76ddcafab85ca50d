package io.chatmesh.user;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** user-service: accounts, tokens and the JWKS the other services verify tokens with. */
@SpringBootApplication
public class UserServiceApplication {

    /** Reads user-service.properties, not application.properties (see docs/development.md). */
    public static final String CONFIG_NAME = "user-service";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its config name set; the launcher adds properties and initializers. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(UserServiceApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}
