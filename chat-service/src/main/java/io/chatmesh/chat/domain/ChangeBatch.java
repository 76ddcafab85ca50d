package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.logging.LogThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes of messages (edit, delete, react) in one {@link SendPipeline} batch: logged after
 * the batch's posts in one transaction ({@link ChangeLog#append}), published with them by the
 * same relay, answered once published. Refusals answer at once: not a member (NOT_FOUND or
 * PERMISSION_DENIED as for sends), no such message of the room (NOT_FOUND), not the sender or
 * an admin (PERMISSION_DENIED), the message is deleted (FAILED_PRECONDITION).
 */
final class ChangeBatch {

    private static final Logger log = LoggerFactory.getLogger(ChangeBatch.class);
    /** While the database is down, every batch fails, as often as clients send. */
    private static final LogThrottle FAILED_APPENDS_LOG = new LogThrottle(Duration.ofSeconds(10));

    record Submission(ChangeLog.Request request, CompletableFuture<MessageChange> result)
            implements SendPipeline.Pending {
        @Override
        public void fail(Throwable failure) {
            result.completeExceptionally(failure);
        }
    }

    private final ChangeLog changeLog;

    ChangeBatch(ChangeLog changeLog) {
        this.changeLog = changeLog;
    }

    /**
     * Logs the changes, adds the logged ones to the rooms' entries in hand and seqs to publish,
     * and fails the refused ones.
     *
     * @return per submission its logged change, null when refused or failed
     */
    List<MessageChange> log(List<Submission> submissions, Map<String, List<LogEntry>> inHand, Map<String, Long> upTo) {
        List<MessageChange> logged = new ArrayList<>(submissions.size());
        if (submissions.isEmpty()) {
            return logged;
        }
        List<ChangeLog.Outcome> outcomes;
        try {
            outcomes = changeLog.append(submissions.stream().map(Submission::request).toList());
        } catch (RuntimeException e) {
            FAILED_APPENDS_LOG.warn(log, "could not log a batch of {} message changes", submissions.size(), e);
            submissions.forEach(s -> s.fail(ChatmeshException.unavailable("change could not be stored; retry")));
            submissions.forEach(s -> logged.add(null));
            return logged;
        }
        for (int i = 0; i < submissions.size(); i++) {
            Submission submission = submissions.get(i);
            MessageChange change = null;
            switch (outcomes.get(i)) {
                case ChangeLog.Outcome.Logged l -> {
                    change = l.change();
                    inHand.computeIfAbsent(change.roomId(), r -> new ArrayList<>()).add(change);
                    upTo.merge(change.roomId(), change.seq(), Math::max);
                }
                case ChangeLog.Outcome.NotMember notMember -> submission.fail(
                        ChatmeshException.outsideRoom(submission.request().roomId(), notMember.publicRoom()));
                case ChangeLog.Outcome.NoSuchMessage none -> submission.fail(ChatmeshException.notFound("message"));
                case ChangeLog.Outcome.NotAllowed notAllowed -> submission.fail(ChatmeshException.notAllowed(
                        submission.request().kind() == ChangeLog.Kind.EDIT ? "only the sender may edit a message"
                                : "only the sender or an owner or admin of the room may delete a message"));
                case ChangeLog.Outcome.AlreadyDeleted deleted ->
                        submission.fail(ChatmeshException.failedPrecondition("the message is deleted"));
            }
            logged.add(change);
        }
        return logged;
    }

    /**
     * Completes the logged changes that are published; the others fail with UNAVAILABLE.
     *
     * @return the rooms whose changes are logged but not published (to retry)
     */
    Set<String> complete(List<Submission> submissions, List<MessageChange> logged, Map<String, Long> published) {
        Set<String> unpublished = new HashSet<>();
        for (int i = 0; i < submissions.size(); i++) {
            MessageChange change = logged.get(i);
            if (change == null) {
                continue;
            }
            if (published.getOrDefault(change.roomId(), 0L) >= change.seq()) {
                submissions.get(i).result().complete(change);
            } else {
                unpublished.add(change.roomId());
                submissions.get(i).fail(ChatmeshException.unavailable(
                        "change stored but not delivered yet; it will be delivered, do not repeat it"));
            }
        }
        return unpublished;
    }
}
