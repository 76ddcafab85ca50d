package io.chatmesh.message.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.error.ChatmeshException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link PostingWaits} on its own, over a store that only answers postedAmong (the contract tests
 * run it on the real stores): a failing lookup is tried again, and closing ends the waits.
 */
class PostingWaitsTest {

    @Test
    void aFailedLookupIsTriedAgainAtTheNextCheck() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AttachmentStore store = postedAmong(ids -> {
            if (lookups.incrementAndGet() == 1) {
                throw new IllegalStateException("the database is away");
            }
            return Set.copyOf(ids);
        });
        try (PostingWaits waits = new PostingWaits(store, Duration.ofMinutes(10))) {
            CompletableFuture<String> download = waits.await("a1", "content");

            assertThat(download.get(30, TimeUnit.SECONDS)).isEqualTo("content");
            assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
            assertThat(waits.waiting()).isZero();
        }
    }

    @Test
    void closingEndsTheWaitsAndNoneStartsAfterwards() {
        PostingWaits waits = new PostingWaits(postedAmong(ids -> Set.of()), Duration.ofMinutes(10));
        CompletableFuture<String> waiting = waits.await("a1", "content");

        waits.close();

        assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAVAILABLE));
        assertThat(waits.await("a2", "content")).isCompletedExceptionally();
        assertThat(waits.waiting()).isZero();
    }

    /** A store whose only answer is postedAmong. */
    private static AttachmentStore postedAmong(java.util.function.Function<Collection<String>, Set<String>> answer) {
        return (AttachmentStore) Proxy.newProxyInstance(AttachmentStore.class.getClassLoader(),
                new Class<?>[] {AttachmentStore.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("postedAmong")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    @SuppressWarnings("unchecked")
                    Collection<String> ids = (Collection<String>) args[0];
                    return answer.apply(ids);
                });
    }
}
