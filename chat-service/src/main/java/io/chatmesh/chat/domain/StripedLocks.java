package io.chatmesh.chat.domain;

import java.util.concurrent.locks.ReentrantLock;

/** A fixed set of locks shared by keys with the same hash: bounded memory for unbounded keys. */
public final class StripedLocks {

    private final ReentrantLock[] locks;

    public StripedLocks(int stripes) {
        if (stripes < 1) {
            throw new IllegalArgumentException("stripes must be positive");
        }
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public ReentrantLock lockFor(String key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }
}
