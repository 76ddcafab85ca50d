package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.page.Page;
import io.chatmesh.platform.page.PageToken;
import io.chatmesh.user.domain.RelationshipRequest.Direction;
import io.chatmesh.user.domain.RelationshipRequest.Kind;
import io.chatmesh.user.domain.RelationshipRequest.State;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Friend and follow requests and the relationships they create. Every change between two users
 * runs under their pair lock ({@link RelationshipStore#forPair}); nothing passes across a block.
 * Inputs have been checked for form by the api layer.
 */
public final class Relationships {

    /** Sorts after every ULID: where a newest-first listing starts. */
    private static final String AFTER_ALL_IDS = "~";

    private final RelationshipStore store;
    private final Accounts accounts;
    private final Clock clock;

    public Relationships(RelationshipStore store, Accounts accounts, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    /**
     * Sends a request. A friend request to someone whose friend request to the caller is
     * pending accepts that one (and returns it); a follow request to someone who does not
     * require approval is accepted at once.
     */
    public RelationshipRequest send(String callerId, String toUserId, Kind kind, String message) {
        if (callerId.equals(toUserId)) {
            throw ChatmeshException.invalid("to_user_id", "cannot be yourself");
        }
        accounts.get(toUserId);
        return store.forPair(callerId, toUserId, repo -> {
            if (repo.blockedEitherWay(callerId, toUserId)) {
                throw ChatmeshException.blocked("one of you blocked the other");
            }
            if (repo.pendingRequest(callerId, toUserId, kind).isPresent()) {
                throw ChatmeshException.alreadyExists("pending request");
            }
            Instant now = Times.now(clock);
            RelationshipRequest request = new RelationshipRequest(Ids.newId(), kind, callerId, toUserId, State.PENDING,
                    message, now, now);
            if (kind == Kind.FRIEND) {
                if (repo.friends(callerId, toUserId)) {
                    throw ChatmeshException.alreadyExists("friendship");
                }
                var crossing = repo.pendingRequest(toUserId, callerId, Kind.FRIEND);
                if (crossing.isPresent()) {
                    return accept(repo, crossing.get(), now);
                }
            } else {
                if (repo.follows(callerId, toUserId)) {
                    throw ChatmeshException.alreadyExists("follow");
                }
                boolean needsApproval = repo.settings(toUserId).map(UserSettings::requireFollowApproval).orElse(false);
                if (!needsApproval) {
                    RelationshipRequest accepted = request.withState(State.ACCEPTED, now);
                    repo.insertRequest(accepted);
                    repo.insertFollow(callerId, toUserId, now);
                    return accepted;
                }
            }
            repo.insertRequest(request);
            return request;
        });
    }

    /** Accepts a pending request addressed to the caller. */
    public RelationshipRequest accept(String callerId, String requestId) {
        return answer(callerId, requestId, true, (repo, request, now) -> accept(repo, request, now));
    }

    /** Declines a pending request addressed to the caller. */
    public RelationshipRequest decline(String callerId, String requestId) {
        return answer(callerId, requestId, true, (repo, request, now) -> close(repo, request, State.DECLINED, now));
    }

    /** Withdraws a pending request the caller sent. */
    public RelationshipRequest cancel(String callerId, String requestId) {
        return answer(callerId, requestId, false, (repo, request, now) -> close(repo, request, State.CANCELLED, now));
    }

    private interface Answer {
        RelationshipRequest apply(RelationshipRepository repo, RelationshipRequest pending, Instant now);
    }

    /**
     * A request of someone else's is NOT_FOUND, as an unknown id: nobody learns about requests
     * between others. One that is no longer pending is FAILED_PRECONDITION.
     */
    private RelationshipRequest answer(String callerId, String requestId, boolean asRecipient, Answer answer) {
        RelationshipRequest found = store.transaction(repo -> repo.findRequest(requestId))
                .filter(r -> callerId.equals(asRecipient ? r.toUserId() : r.fromUserId()))
                .orElseThrow(() -> ChatmeshException.notFound("request"));
        return store.forPair(found.fromUserId(), found.toUserId(), repo -> {
            RelationshipRequest current = repo.findRequest(requestId).orElseThrow();
            if (current.state() != State.PENDING) {
                throw ChatmeshException.failedPrecondition("the request is " + current.state().name().toLowerCase());
            }
            return answer.apply(repo, current, Times.now(clock));
        });
    }

    private static RelationshipRequest accept(RelationshipRepository repo, RelationshipRequest request, Instant now) {
        repo.updateRequestState(request.id(), State.ACCEPTED, now);
        if (request.kind() == Kind.FRIEND) {
            repo.insertFriendship(request.fromUserId(), request.toUserId(), now);
        } else {
            repo.insertFollow(request.fromUserId(), request.toUserId(), now);
        }
        return request.withState(State.ACCEPTED, now);
    }

    private static RelationshipRequest close(RelationshipRepository repo, RelationshipRequest request, State state,
            Instant now) {
        repo.updateRequestState(request.id(), state, now);
        return request.withState(state, now);
    }

    /**
     * The caller's requests, newest first.
     *
     * @param kind null for both kinds
     */
    public Page<RelationshipRequest> requests(String callerId, Direction direction, Kind kind, boolean pendingOnly,
            int pageSize, String pageToken) {
        String list = "requests-" + direction + "-" + kind + "-" + pendingOnly;
        List<String> cursor = PageToken.decode(pageToken, list, 1);
        String beforeId = cursor == null ? AFTER_ALL_IDS : cursor.getFirst();
        List<RelationshipRequest> found = store.transaction(
                repo -> repo.requests(callerId, direction, kind, pendingOnly, beforeId, pageSize + 1));
        return Page.of(found, pageSize, last -> PageToken.encode(list, last.id()));
    }

    /** The caller's friends, followers or followees, by user id. */
    public Page<User> list(String callerId, RelationshipListing listing, int pageSize, String pageToken) {
        String list = "relationships-" + listing;
        List<String> cursor = PageToken.decode(pageToken, list, 1);
        String afterId = cursor == null ? "" : cursor.getFirst();
        List<String> ids = store.transaction(repo -> repo.listing(callerId, listing, afterId, pageSize + 1));
        Page<String> page = Page.of(ids, pageSize, last -> PageToken.encode(list, last));
        return new Page<>(accounts.batchGet(page.items()), page.nextPageToken());
    }

    /** Unfriends, unfollows or removes a follower; idempotent. */
    public void remove(String callerId, String userId, RelationshipListing listing) {
        store.forPair(callerId, userId, repo -> {
            switch (listing) {
                case FRIENDS -> repo.deleteFriendship(callerId, userId);
                case FOLLOWING -> repo.deleteFollow(callerId, userId);
                case FOLLOWERS -> repo.deleteFollow(userId, callerId);
            }
            return null;
        });
    }
}
