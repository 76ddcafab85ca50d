package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.page.Page;
import io.chatmesh.platform.page.PageToken;
import io.chatmesh.user.domain.RelationshipRequest.State;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Blocks, what they hide, and the settings other services ask about: a block ends friendship,
 * follows and pending requests both ways, and from then on nothing passes between the two.
 */
public final class Privacy {

    private final RelationshipStore store;
    private final Accounts accounts;
    private final Clock clock;

    public Privacy(RelationshipStore store, Accounts accounts, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Blocks a user; idempotent. */
    public void block(String callerId, String userId) {
        if (callerId.equals(userId)) {
            throw ChatmeshException.invalid("user_id", "cannot be yourself");
        }
        accounts.get(userId);
        store.forPair(callerId, userId, repo -> {
            Instant now = Times.now(clock);
            repo.insertBlock(callerId, userId, now);
            repo.deleteFriendship(callerId, userId);
            repo.deleteFollow(callerId, userId);
            repo.deleteFollow(userId, callerId);
            repo.closePendingBetween(callerId, userId, State.CANCELLED, now);
            return null;
        });
    }

    /** Lifts the caller's block of a user; idempotent. */
    public void unblock(String callerId, String userId) {
        store.forPair(callerId, userId, repo -> {
            repo.deleteBlock(callerId, userId);
            return null;
        });
    }

    /** Users the caller blocked, by id. */
    public Page<User> blocked(String callerId, int pageSize, String pageToken) {
        List<String> cursor = PageToken.decode(pageToken, "blocked", 1);
        String afterId = cursor == null ? "" : cursor.getFirst();
        List<String> ids = store.transaction(repo -> repo.blockedBy(callerId, afterId, pageSize + 1));
        Page<String> page = Page.of(ids, pageSize, last -> PageToken.encode("blocked", last));
        return new Page<>(accounts.batchGet(page.items()), page.nextPageToken());
    }

    /** One user, as GetUser shows it: NOT_FOUND when unknown or when that user blocked the caller. */
    public User visibleUser(String callerId, String userId) {
        User user = accounts.get(userId);
        if (store.transaction(repo -> repo.hasBlocked(userId, callerId))) {
            throw ChatmeshException.notFound("user " + userId);
        }
        return user;
    }

    /** Who may be told of the user's presence changes beyond room co-members, and who never. */
    public PresenceAudience presenceAudience(String userId) {
        return store.transaction(repo -> new PresenceAudience(repo.friendIds(userId), repo.blockedEitherWayIds(userId)));
    }

    /** How the caller stands to each existing user among {@code otherIds}. */
    public List<Relation> relations(String callerId, Collection<String> otherIds) {
        return store.transaction(repo -> repo.relations(callerId, otherIds));
    }

    public UserSettings settings(String callerId) {
        return store.transaction(repo -> repo.settings(callerId))
                .orElseThrow(() -> ChatmeshException.unauthenticated("account no longer exists"));
    }

    /** Changes the settings given (empty: unchanged). */
    public UserSettings updateSettings(String callerId, Optional<Boolean> acceptDirectMessagesFromAnyone,
            Optional<Boolean> requireFollowApproval) {
        return store.transaction(repo -> {
            UserSettings current = repo.settings(callerId)
                    .orElseThrow(() -> ChatmeshException.unauthenticated("account no longer exists"));
            UserSettings updated = new UserSettings(
                    acceptDirectMessagesFromAnyone.orElse(current.acceptDirectMessagesFromAnyone()),
                    requireFollowApproval.orElse(current.requireFollowApproval()));
            repo.updateSettings(callerId, updated, Times.now(clock));
            return updated;
        });
    }
}
