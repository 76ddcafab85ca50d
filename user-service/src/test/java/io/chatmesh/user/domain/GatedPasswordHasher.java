package io.chatmesh.user.domain;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for argon2id that, while closed, holds every hash and check until it is opened, and
 * records how many ran at once. Starts open.
 */
public final class GatedPasswordHasher implements PasswordHasher {

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private boolean open = true;

    public synchronized void close() {
        open = false;
    }

    public synchronized void open() {
        open = true;
        notifyAll();
    }

    /** Hashes and checks inside the gate now. */
    public int running() {
        return running.get();
    }

    /** The most that were ever inside at once. */
    public int mostRunning() {
        return mostRunning.get();
    }

    @Override
    public String hash(String password) {
        pass();
        return "hashed:" + password;
    }

    @Override
    public boolean matches(String password, String hash) {
        pass();
        return hash.equals("hashed:" + password);
    }

    private void pass() {
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            synchronized (this) {
                while (!open) {
                    wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the gate", e);
        } finally {
            running.decrementAndGet();
        }
    }
}
