package io.chatmesh.message;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** message-service: message history, unread counts and read markers (chatmesh.message.v1.MessageService). */
@SpringBootApplication
public class MessageServiceApplication {

    /** The name of this service's config file, message-service.properties. */
    public static final String CONFIG_NAME = "message-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(MessageServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .run(args);
    }

    /** The application as {@link #main} starts it, for the launcher to add properties or initializers. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MessageServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
