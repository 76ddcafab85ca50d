package io.chatmesh.chat;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** chat-service: rooms (RoomService) and the live chat stream (ChatService). */
@SpringBootApplication
public class ChatServiceApplication {

    /** Config file name (chat-service.properties) and migration folder (db/migration/chat-service). */
    public static final String CONFIG_NAME = "chat-service";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The application with its config name, for the launcher to add properties or initializers. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ChatServiceApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }
}
