package io.chatmesh.user.api;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.page.Page;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.BlockUserResponse;
import io.chatmesh.proto.user.v1.CancelRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.CancelRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.DeclineRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.DeclineRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.ListBlockedUsersRequest;
import io.chatmesh.proto.user.v1.ListBlockedUsersResponse;
import io.chatmesh.proto.user.v1.ListRelationshipRequestsRequest;
import io.chatmesh.proto.user.v1.ListRelationshipRequestsResponse;
import io.chatmesh.proto.user.v1.ListRelationshipsRequest;
import io.chatmesh.proto.user.v1.ListRelationshipsResponse;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.RelationshipListing;
import io.chatmesh.proto.user.v1.RemoveRelationshipRequest;
import io.chatmesh.proto.user.v1.RemoveRelationshipResponse;
import io.chatmesh.proto.user.v1.RequestDirection;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SendRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.UnblockUserRequest;
import io.chatmesh.proto.user.v1.UnblockUserResponse;
import io.chatmesh.user.domain.Accounts;
import io.chatmesh.user.domain.Privacy;
import io.chatmesh.user.domain.RelationshipRequest;
import io.chatmesh.user.domain.Relationships;
import io.chatmesh.user.domain.User;
import io.chatmesh.user.domain.UserRules;

/**
 * UserService's relationship and block RPCs: validation and translation between the
 * chatmesh.user.v1 messages and {@link Relationships} / {@link Privacy}. The caller is the
 * token's subject in every call.
 */
final class RelationshipCalls {

    static final int REQUEST_MESSAGE_MAX = 256;

    private final Relationships relationships;
    private final Privacy privacy;

    RelationshipCalls(Relationships relationships, Privacy privacy) {
        this.relationships = relationships;
        this.privacy = privacy;
    }

    SendRelationshipRequestResponse send(SendRelationshipRequestRequest request) {
        new Validation()
                .id("to_user_id", request.getToUserId())
                .require(kind(request.getKind()) != null, "kind", "must be FRIEND or FOLLOW")
                .length("message", request.getMessage(), 0, REQUEST_MESSAGE_MAX)
                .require(!UserRules.hasControlCharacters(request.getMessage()), "message",
                        "must not contain control characters")
                .check();
        RelationshipRequest sent = relationships.send(callerId(), request.getToUserId(), kind(request.getKind()),
                request.getMessage().strip());
        return SendRelationshipRequestResponse.newBuilder().setRequest(Protos.request(sent)).build();
    }

    AcceptRelationshipRequestResponse accept(AcceptRelationshipRequestRequest request) {
        new Validation().id("request_id", request.getRequestId()).check();
        return AcceptRelationshipRequestResponse.newBuilder()
                .setRequest(Protos.request(relationships.accept(callerId(), request.getRequestId()))).build();
    }

    DeclineRelationshipRequestResponse decline(DeclineRelationshipRequestRequest request) {
        new Validation().id("request_id", request.getRequestId()).check();
        return DeclineRelationshipRequestResponse.newBuilder()
                .setRequest(Protos.request(relationships.decline(callerId(), request.getRequestId()))).build();
    }

    CancelRelationshipRequestResponse cancel(CancelRelationshipRequestRequest request) {
        new Validation().id("request_id", request.getRequestId()).check();
        return CancelRelationshipRequestResponse.newBuilder()
                .setRequest(Protos.request(relationships.cancel(callerId(), request.getRequestId()))).build();
    }

    ListRelationshipRequestsResponse listRequests(ListRelationshipRequestsRequest request) {
        RelationshipRequest.Direction direction = switch (request.getDirection()) {
            case REQUEST_DIRECTION_INCOMING -> RelationshipRequest.Direction.INCOMING;
            case REQUEST_DIRECTION_OUTGOING -> RelationshipRequest.Direction.OUTGOING;
            default -> null;
        };
        new Validation()
                .require(direction != null, "direction", "must be INCOMING or OUTGOING")
                .require(request.getKind() == RelationshipKind.RELATIONSHIP_KIND_UNSPECIFIED
                        || kind(request.getKind()) != null, "kind", "must be FRIEND, FOLLOW or unspecified")
                .range("page_size", request.getPageSize(), 0, UserGrpcService.PAGE_SIZE_MAX)
                .length("page_token", request.getPageToken(), 0, UserGrpcService.PAGE_TOKEN_MAX)
                .check();
        Page<RelationshipRequest> page = relationships.requests(callerId(), direction, kind(request.getKind()),
                request.getPendingOnly(), pageSize(request.getPageSize()), request.getPageToken());
        ListRelationshipRequestsResponse.Builder reply = ListRelationshipRequestsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(r -> reply.addRequests(Protos.request(r)));
        return reply.build();
    }

    ListRelationshipsResponse listRelationships(ListRelationshipsRequest request) {
        new Validation()
                .require(listing(request.getListing()) != null, "listing", "must be FRIENDS, FOLLOWERS or FOLLOWING")
                .range("page_size", request.getPageSize(), 0, UserGrpcService.PAGE_SIZE_MAX)
                .length("page_token", request.getPageToken(), 0, UserGrpcService.PAGE_TOKEN_MAX)
                .check();
        Page<User> page = relationships.list(callerId(), listing(request.getListing()), pageSize(request.getPageSize()),
                request.getPageToken());
        ListRelationshipsResponse.Builder reply = ListRelationshipsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(user -> reply.addUsers(Protos.user(user)));
        return reply.build();
    }

    RemoveRelationshipResponse remove(RemoveRelationshipRequest request) {
        new Validation()
                .id("user_id", request.getUserId())
                .require(listing(request.getListing()) != null, "listing", "must be FRIENDS, FOLLOWERS or FOLLOWING")
                .check();
        relationships.remove(callerId(), request.getUserId(), listing(request.getListing()));
        return RemoveRelationshipResponse.getDefaultInstance();
    }

    BlockUserResponse block(BlockUserRequest request) {
        new Validation().id("user_id", request.getUserId()).check();
        privacy.block(callerId(), request.getUserId());
        return BlockUserResponse.getDefaultInstance();
    }

    UnblockUserResponse unblock(UnblockUserRequest request) {
        new Validation().id("user_id", request.getUserId()).check();
        privacy.unblock(callerId(), request.getUserId());
        return UnblockUserResponse.getDefaultInstance();
    }

    ListBlockedUsersResponse listBlocked(ListBlockedUsersRequest request) {
        new Validation()
                .range("page_size", request.getPageSize(), 0, UserGrpcService.PAGE_SIZE_MAX)
                .length("page_token", request.getPageToken(), 0, UserGrpcService.PAGE_TOKEN_MAX)
                .check();
        Page<User> page = privacy.blocked(callerId(), pageSize(request.getPageSize()), request.getPageToken());
        ListBlockedUsersResponse.Builder reply = ListBlockedUsersResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(user -> reply.addUsers(Protos.user(user)));
        return reply.build();
    }

    private static String callerId() {
        return AuthContext.current().userId();
    }

    private static int pageSize(int requested) {
        return requested == 0 ? Accounts.DEFAULT_PAGE_SIZE : requested;
    }

    /** Null for UNSPECIFIED and unknown values. */
    private static RelationshipRequest.Kind kind(RelationshipKind kind) {
        return switch (kind) {
            case RELATIONSHIP_KIND_FRIEND -> RelationshipRequest.Kind.FRIEND;
            case RELATIONSHIP_KIND_FOLLOW -> RelationshipRequest.Kind.FOLLOW;
            default -> null;
        };
    }

    private static io.chatmesh.user.domain.RelationshipListing listing(RelationshipListing listing) {
        return switch (listing) {
            case RELATIONSHIP_LISTING_FRIENDS -> io.chatmesh.user.domain.RelationshipListing.FRIENDS;
            case RELATIONSHIP_LISTING_FOLLOWERS -> io.chatmesh.user.domain.RelationshipListing.FOLLOWERS;
            case RELATIONSHIP_LISTING_FOLLOWING -> io.chatmesh.user.domain.RelationshipListing.FOLLOWING;
            default -> null;
        };
    }
}
