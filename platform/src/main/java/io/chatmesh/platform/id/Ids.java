package io.chatmesh.platform.id;

import com.github.f4b6a3.ulid.UlidCreator;

/** Opaque, time-ordered ids (ULID, 26 characters). */
public final class Ids {

    private Ids() {}

    /** A new id, monotonic within this JVM so ids made in the same millisecond still sort. */
    public static String newId() {
        return UlidCreator.getMonotonicUlid().toString();
    }
}
