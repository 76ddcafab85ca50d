package io.chatmesh.chat.domain;

import java.util.function.Function;

/** Port: where rooms and memberships live (PostgreSQL). */
public interface RoomStore {

    /**
     * Runs {@code work} in one transaction (READ COMMITTED) and commits when it returns;
     * any exception rolls back.
     */
    <T> T transaction(Function<RoomRepository, T> work);
}
