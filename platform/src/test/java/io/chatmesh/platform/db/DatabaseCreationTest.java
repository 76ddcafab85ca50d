package io.chatmesh.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseCreationTest {

    @Test
    void aPlainNameGetsTheByteWiseCollation() {
        assertThat(DatabaseCreation.createDatabase("chatmesh_chat"))
                .isEqualTo("CREATE DATABASE chatmesh_chat TEMPLATE template0 LC_COLLATE 'C'");
    }

    @Test
    void anythingButAPlainNameIsRefused() {
        for (String name : new String[] {"", "Chat", "chat-service", "chat; DROP DATABASE x", "1chat", "a".repeat(64)}) {
            assertThatThrownBy(() -> DatabaseCreation.createDatabase(name)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
