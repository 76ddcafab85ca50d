package io.chatmesh.user.api;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.BatchGetUsersRequest;
import io.chatmesh.proto.user.v1.BatchGetUsersResponse;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.BlockUserResponse;
import io.chatmesh.proto.user.v1.CancelRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.CancelRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.DeclineRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.DeclineRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.GetJwksRequest;
import io.chatmesh.proto.user.v1.GetJwksResponse;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetMeResponse;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.GetPresenceResponse;
import io.chatmesh.proto.user.v1.GetUserRequest;
import io.chatmesh.proto.user.v1.GetUserResponse;
import io.chatmesh.proto.user.v1.ListBlockedUsersRequest;
import io.chatmesh.proto.user.v1.ListBlockedUsersResponse;
import io.chatmesh.proto.user.v1.ListRelationshipRequestsRequest;
import io.chatmesh.proto.user.v1.ListRelationshipRequestsResponse;
import io.chatmesh.proto.user.v1.ListRelationshipsRequest;
import io.chatmesh.proto.user.v1.ListRelationshipsResponse;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.LogOutRequest;
import io.chatmesh.proto.user.v1.LogOutResponse;
import io.chatmesh.proto.user.v1.RefreshTokenRequest;
import io.chatmesh.proto.user.v1.RefreshTokenResponse;
import io.chatmesh.proto.user.v1.RemoveRelationshipRequest;
import io.chatmesh.proto.user.v1.RemoveRelationshipResponse;
import io.chatmesh.proto.user.v1.SearchUsersRequest;
import io.chatmesh.proto.user.v1.SearchUsersResponse;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SendRelationshipRequestResponse;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.SetPresenceResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.SignUpResponse;
import io.chatmesh.proto.user.v1.UnblockUserRequest;
import io.chatmesh.proto.user.v1.UnblockUserResponse;
import io.chatmesh.proto.user.v1.UpdateMeRequest;
import io.chatmesh.proto.user.v1.UpdateMeResponse;
import io.chatmesh.proto.user.v1.UpdateSettingsRequest;
import io.chatmesh.proto.user.v1.UpdateSettingsResponse;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.proto.user.v1.WatchPresenceRequest;
import io.chatmesh.proto.user.v1.WatchPresenceResponse;
import io.chatmesh.user.domain.Accounts;
import io.chatmesh.user.domain.PresenceDirectory;
import io.chatmesh.user.domain.Privacy;
import io.chatmesh.user.domain.Relationships;
import io.chatmesh.user.domain.SearchPage;
import io.chatmesh.user.domain.Sessions;
import io.chatmesh.user.domain.SigningKeys;
import io.chatmesh.user.domain.UserRules;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.user.v1.UserService: accounts, tokens and settings here; relationships and blocks
 * in {@link RelationshipCalls}, presence in {@link PresenceCalls}.
 */
@GrpcService
public class UserGrpcService extends UserServiceGrpc.UserServiceImplBase {

    /** Longest refresh token accepted; ours are 43 characters. */
    static final int REFRESH_TOKEN_MAX = 256;
    static final int SEARCH_QUERY_MAX = 64;
    static final int PAGE_SIZE_MAX = 100;
    static final int PAGE_TOKEN_MAX = 512;
    static final int BATCH_MAX = 100;

    private final Accounts accounts;
    private final Sessions sessions;
    private final SigningKeys signingKeys;
    private final Privacy privacy;
    private final RelationshipCalls relationships;
    private final PresenceCalls presence;

    public UserGrpcService(Accounts accounts, Sessions sessions, SigningKeys signingKeys, Relationships relationships,
            Privacy privacy, PresenceDirectory presence) {
        this.presence = new PresenceCalls(presence);
        this.accounts = accounts;
        this.sessions = sessions;
        this.signingKeys = signingKeys;
        this.privacy = privacy;
        this.relationships = new RelationshipCalls(relationships, privacy);
    }

    @Override
    public void signUp(SignUpRequest request, StreamObserver<SignUpResponse> response) {
        new Validation()
                .length("username", request.getUsername(), UserRules.USERNAME_MIN, UserRules.USERNAME_MAX)
                .matches("username", request.getUsername(), UserRules.USERNAME,
                        "may only contain letters, digits, '_', '.' and '-'")
                .length("password", request.getPassword(), UserRules.PASSWORD_MIN, UserRules.PASSWORD_MAX)
                .length("display_name", request.getDisplayName(), 0, UserRules.DISPLAY_NAME_MAX)
                .require(!UserRules.hasControlCharacters(request.getDisplayName()), "display_name",
                        "must not contain control characters")
                .check();
        var user = accounts.signUp(request.getUsername(), request.getPassword(), request.getDisplayName());
        reply(response, SignUpResponse.newBuilder().setUser(Protos.user(user)).build());
    }

    @Override
    public void logIn(LogInRequest request, StreamObserver<LogInResponse> response) {
        // only bounds here: whether such a user exists must not show in the answer
        new Validation()
                .length("username", request.getUsername(), 1, UserRules.USERNAME_MAX)
                .length("password", request.getPassword(), 1, UserRules.PASSWORD_MAX)
                .check();
        Sessions.LoggedIn loggedIn = sessions.logIn(request.getUsername(), request.getPassword());
        reply(response, LogInResponse.newBuilder()
                .setTokens(Protos.tokenPair(loggedIn.tokens()))
                .setUser(Protos.user(loggedIn.user()))
                .build());
    }

    @Override
    public void refreshToken(RefreshTokenRequest request, StreamObserver<RefreshTokenResponse> response) {
        new Validation().length("refresh_token", request.getRefreshToken(), 1, REFRESH_TOKEN_MAX).check();
        reply(response, RefreshTokenResponse.newBuilder()
                .setTokens(Protos.tokenPair(sessions.refresh(request.getRefreshToken())))
                .build());
    }

    @Override
    public void getJwks(GetJwksRequest request, StreamObserver<GetJwksResponse> response) {
        reply(response, GetJwksResponse.newBuilder().setJwksJson(signingKeys.publicJwksJson()).build());
    }

    @Override
    public void logOut(LogOutRequest request, StreamObserver<LogOutResponse> response) {
        String userId = AuthContext.current().userId();
        new Validation().length("refresh_token", request.getRefreshToken(), 1, REFRESH_TOKEN_MAX).check();
        sessions.logOut(userId, request.getRefreshToken());
        reply(response, LogOutResponse.getDefaultInstance());
    }

    @Override
    public void getMe(GetMeRequest request, StreamObserver<GetMeResponse> response) {
        String userId = AuthContext.current().userId();
        var user = accounts.me(userId);
        reply(response, GetMeResponse.newBuilder()
                .setUser(Protos.user(user))
                .setSettings(Protos.settings(privacy.settings(userId)))
                .build());
    }

    @Override
    public void updateMe(UpdateMeRequest request, StreamObserver<UpdateMeResponse> response) {
        String userId = AuthContext.current().userId();
        new Validation()
                .length("display_name", request.getDisplayName(), 0, UserRules.DISPLAY_NAME_MAX)
                .require(!UserRules.hasControlCharacters(request.getDisplayName()), "display_name",
                        "must not contain control characters")
                .check();
        var user = accounts.updateMe(userId, request.getDisplayName());
        reply(response, UpdateMeResponse.newBuilder().setUser(Protos.user(user)).build());
    }

    @Override
    public void updateSettings(UpdateSettingsRequest request, StreamObserver<UpdateSettingsResponse> response) {
        var settings = privacy.updateSettings(AuthContext.current().userId(),
                request.hasAcceptDirectMessagesFromAnyone()
                        ? Optional.of(request.getAcceptDirectMessagesFromAnyone()) : Optional.empty(),
                request.hasRequireFollowApproval() ? Optional.of(request.getRequireFollowApproval()) : Optional.empty());
        reply(response, UpdateSettingsResponse.newBuilder().setSettings(Protos.settings(settings)).build());
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
        new Validation().id("user_id", request.getUserId()).check();
        var user = privacy.visibleUser(AuthContext.current().userId(), request.getUserId());
        reply(response, GetUserResponse.newBuilder().setUser(Protos.user(user)).build());
    }

    @Override
    public void batchGetUsers(BatchGetUsersRequest request, StreamObserver<BatchGetUsersResponse> response) {
        new Validation().ids("user_ids", request.getUserIdsList(), 1, BATCH_MAX).check();
        BatchGetUsersResponse.Builder reply = BatchGetUsersResponse.newBuilder();
        accounts.batchGet(request.getUserIdsList()).forEach(user -> reply.addUsers(Protos.user(user)));
        reply(response, reply.build());
    }

    @Override
    public void searchUsers(SearchUsersRequest request, StreamObserver<SearchUsersResponse> response) {
        new Validation()
                .length("query", request.getQuery(), 1, SEARCH_QUERY_MAX)
                .range("page_size", request.getPageSize(), 0, PAGE_SIZE_MAX)
                .length("page_token", request.getPageToken(), 0, PAGE_TOKEN_MAX)
                .check();
        SearchPage page = accounts.search(request.getQuery(), request.getPageSize(), request.getPageToken());
        SearchUsersResponse.Builder reply = SearchUsersResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.users().forEach(user -> reply.addUsers(Protos.user(user)));
        reply(response, reply.build());
    }

    @Override
    public void sendRelationshipRequest(SendRelationshipRequestRequest request,
            StreamObserver<SendRelationshipRequestResponse> response) {
        reply(response, relationships.send(request));
    }

    @Override
    public void acceptRelationshipRequest(AcceptRelationshipRequestRequest request,
            StreamObserver<AcceptRelationshipRequestResponse> response) {
        reply(response, relationships.accept(request));
    }

    @Override
    public void declineRelationshipRequest(DeclineRelationshipRequestRequest request,
            StreamObserver<DeclineRelationshipRequestResponse> response) {
        reply(response, relationships.decline(request));
    }

    @Override
    public void cancelRelationshipRequest(CancelRelationshipRequestRequest request,
            StreamObserver<CancelRelationshipRequestResponse> response) {
        reply(response, relationships.cancel(request));
    }

    @Override
    public void listRelationshipRequests(ListRelationshipRequestsRequest request,
            StreamObserver<ListRelationshipRequestsResponse> response) {
        reply(response, relationships.listRequests(request));
    }

    @Override
    public void listRelationships(ListRelationshipsRequest request, StreamObserver<ListRelationshipsResponse> response) {
        reply(response, relationships.listRelationships(request));
    }

    @Override
    public void removeRelationship(RemoveRelationshipRequest request, StreamObserver<RemoveRelationshipResponse> response) {
        reply(response, relationships.remove(request));
    }

    @Override
    public void blockUser(BlockUserRequest request, StreamObserver<BlockUserResponse> response) {
        reply(response, relationships.block(request));
    }

    @Override
    public void unblockUser(UnblockUserRequest request, StreamObserver<UnblockUserResponse> response) {
        reply(response, relationships.unblock(request));
    }

    @Override
    public void listBlockedUsers(ListBlockedUsersRequest request, StreamObserver<ListBlockedUsersResponse> response) {
        reply(response, relationships.listBlocked(request));
    }

    @Override
    public void getPresence(GetPresenceRequest request, StreamObserver<GetPresenceResponse> response) {
        reply(response, presence.get(request));
    }

    @Override
    public void setPresence(SetPresenceRequest request, StreamObserver<SetPresenceResponse> response) {
        reply(response, presence.set(request));
    }

    @Override
    public void watchPresence(WatchPresenceRequest request, StreamObserver<WatchPresenceResponse> response) {
        presence.watch(request, (ServerCallStreamObserver<WatchPresenceResponse>) response);
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
