package io.chatmesh.chat.bus;

import io.chatmesh.proto.chat.v1.ServerEvent;

/**
 * A chatmesh.chat.v1.ServerEvent serialized once, written as it is to every stream it goes to:
 * a room event fanned out to a thousand sessions is encoded once, not a thousand times.
 */
public record ServerFrame(byte[] bytes) {

    public static ServerFrame of(ServerEvent event) {
        return new ServerFrame(event.toByteArray());
    }
}
