package io.chatmesh.chat.bus;

import io.chatmesh.proto.chat.v1.ServerEvent;

/** A live chat stream of one user on this instance, as the fan-out sees it. */
public interface LiveSession {

    String userId();

    /** Hands over one event of one of the user's rooms. Called from bus threads; must not block. */
    void deliver(ServerEvent event);
}
