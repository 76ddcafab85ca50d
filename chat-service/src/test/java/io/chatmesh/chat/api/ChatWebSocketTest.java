package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.http.HttpFace;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.testkit.WebSocketTestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** chat-service's own HTTP port serves the chat stream to browsers at /ws/chat, as Envoy routes it. */
@TestPropertySource(properties = {"chatmesh.http.port=0", "chatmesh.http.allowed-origins=https://chat.example.org"})
class ChatWebSocketTest extends ChatServiceTestBase {

    private static final String ORIGIN = "https://chat.example.org";

    @Autowired
    HttpFace http;

    @Test
    void aBrowserChatsOverTheServicesOwnWebSocket() {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        try (WebSocketTestClient<ServerEvent> socket = WebSocketTestClient.open(http.port(), "/ws/chat", ORIGIN,
                ServerEvent.parser())) {
            socket.send(ClientEvent.newBuilder().setHello(Hello.newBuilder().setAccessToken(alice.token())).build());
            assertThat(socket.next().getReady().getUserId()).isEqualTo(alice.id());

            socket.send(ClientEvent.newBuilder().setClientId("w-1").setSend(SendMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setText("hello from a browser")).build());
            assertThat(socket.next(ServerEvent::hasAck).getAck().getClientId()).isEqualTo("w-1");
        }
    }

    @Test
    void anotherOriginCannotOpenIt() {
        assertThatThrownBy(() -> WebSocketTestClient.open(http.port(), "/ws/chat", "https://evil.example",
                ServerEvent.parser())).isNotNull();
    }
}
