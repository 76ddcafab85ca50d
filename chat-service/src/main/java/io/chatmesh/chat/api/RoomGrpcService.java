package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.Member;
import io.chatmesh.chat.domain.Memberships;
import io.chatmesh.chat.domain.RandomMatching;
import io.chatmesh.chat.domain.Room;
import io.chatmesh.chat.domain.RoomKind;
import io.chatmesh.chat.domain.RoomView;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.page.Page;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.CreateRoomResponse;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.GetRoomResponse;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.InviteMemberResponse;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomResponse;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.LeaveRoomResponse;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.ListMembersResponse;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsResponse;
import io.chatmesh.proto.room.v1.ListPublicRoomsRequest;
import io.chatmesh.proto.room.v1.ListPublicRoomsResponse;
import io.chatmesh.proto.room.v1.MatchRandomRequest;
import io.chatmesh.proto.room.v1.MatchRandomResponse;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.OpenDirectRoomResponse;
import io.chatmesh.proto.room.v1.RemoveMemberRequest;
import io.chatmesh.proto.room.v1.RemoveMemberResponse;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.room.v1.UpdateRoomRequest;
import io.chatmesh.proto.room.v1.UpdateRoomResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Locale;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.room.v1.RoomService: validates, calls {@link Rooms}, {@link Memberships} and
 * {@link RandomMatching} (whose waits {@link RandomMatchCalls} runs), translates. Failures propagate
 * as ChatmeshException and become statuses in platform's exception handler.
 */
@GrpcService
public class RoomGrpcService extends RoomServiceGrpc.RoomServiceImplBase {

    private static final int INTERESTS_MAX = 5;
    private static final int INTEREST_MAX = 32;
    private static final int MAX_INITIAL_MEMBERS = 100;
    private static final int ROOMS_PAGE_DEFAULT = 50;
    private static final int ROOMS_PAGE_MAX = 200;
    private static final int MEMBERS_PAGE_DEFAULT = 100;
    private static final int MEMBERS_PAGE_MAX = 500;
    private static final int QUERY_MAX = 80;

    private final Rooms rooms;
    private final Memberships memberships;
    private final RandomMatching matching;
    private final RandomMatchCalls matchCalls;

    public RoomGrpcService(Rooms rooms, Memberships memberships, RandomMatching matching, RandomMatchCalls matchCalls) {
        this.rooms = rooms;
        this.memberships = memberships;
        this.matching = matching;
        this.matchCalls = matchCalls;
    }

    @Override
    public void createRoom(CreateRoomRequest request, StreamObserver<CreateRoomResponse> response) {
        Principal caller = AuthContext.current();
        RoomKind kind = RoomProtos.creatableKind(request.getKind());
        Validation validation = new Validation()
                .require(kind != null, "kind", "must be PUBLIC, PRIVATE or GROUP")
                .ids("member_ids", request.getMemberIdsList(), 0, MAX_INITIAL_MEMBERS);
        roomName(validation, "name", request.getName());
        roomTopic(validation, "topic", request.getTopic());
        validation.check();
        RoomView created = rooms.create(caller, kind, request.getName(), request.getTopic(), request.getMemberIdsList());
        reply(response, CreateRoomResponse.newBuilder().setRoom(RoomProtos.toProto(created.room())).build());
    }

    @Override
    public void openDirectRoom(OpenDirectRoomRequest request, StreamObserver<OpenDirectRoomResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("user_id", request.getUserId()).check();
        Rooms.DirectRoom opened = rooms.openDirect(caller, request.getUserId());
        reply(response, OpenDirectRoomResponse.newBuilder()
                .setRoom(RoomProtos.toProto(opened.room())).setCreated(opened.created()).build());
    }

    @Override
    public void getRoom(GetRoomRequest request, StreamObserver<GetRoomResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).check();
        RoomView view = rooms.get(caller.userId(), request.getRoomId());
        reply(response, GetRoomResponse.newBuilder()
                .setRoom(RoomProtos.toProto(view.room())).setMyRole(MessageProtos.toProto(view.myRole())).build());
    }

    @Override
    public void listMyRooms(ListMyRoomsRequest request, StreamObserver<ListMyRoomsResponse> response) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation();
        int pageSize = Requests.pageSize(validation, "page_size", request.getPageSize(), ROOMS_PAGE_DEFAULT, ROOMS_PAGE_MAX);
        validation.check();
        Page<Room> page = rooms.listMine(caller.userId(), pageSize, request.getPageToken());
        reply(response, ListMyRoomsResponse.newBuilder()
                .addAllRooms(page.items().stream().map(RoomProtos::toProto).toList())
                .setNextPageToken(page.nextPageToken()).build());
    }

    @Override
    public void listPublicRooms(ListPublicRoomsRequest request, StreamObserver<ListPublicRoomsResponse> response) {
        Validation validation = new Validation().length("query", request.getQuery(), 0, QUERY_MAX);
        Requests.noNul(validation, "query", request.getQuery());
        int pageSize = Requests.pageSize(validation, "page_size", request.getPageSize(), ROOMS_PAGE_DEFAULT, ROOMS_PAGE_MAX);
        validation.check();
        Page<Room> page = rooms.listPublic(request.getQuery(), pageSize, request.getPageToken());
        reply(response, ListPublicRoomsResponse.newBuilder()
                .addAllRooms(page.items().stream().map(RoomProtos::toProto).toList())
                .setNextPageToken(page.nextPageToken()).build());
    }

    @Override
    public void joinRoom(JoinRoomRequest request, StreamObserver<JoinRoomResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).check();
        Room room = memberships.join(caller.userId(), request.getRoomId());
        reply(response, JoinRoomResponse.newBuilder().setRoom(RoomProtos.toProto(room)).build());
    }

    @Override
    public void leaveRoom(LeaveRoomRequest request, StreamObserver<LeaveRoomResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).check();
        memberships.leave(caller.userId(), request.getRoomId());
        reply(response, LeaveRoomResponse.getDefaultInstance());
    }

    @Override
    public void inviteMember(InviteMemberRequest request, StreamObserver<InviteMemberResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).id("user_id", request.getUserId()).check();
        Member member = memberships.invite(caller, request.getRoomId(), request.getUserId());
        reply(response, InviteMemberResponse.newBuilder().setMember(RoomProtos.toProto(member)).build());
    }

    @Override
    public void removeMember(RemoveMemberRequest request, StreamObserver<RemoveMemberResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).id("user_id", request.getUserId()).check();
        memberships.remove(caller.userId(), request.getRoomId(), request.getUserId());
        reply(response, RemoveMemberResponse.getDefaultInstance());
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> response) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation().id("room_id", request.getRoomId());
        int pageSize = Requests.pageSize(validation, "page_size", request.getPageSize(), MEMBERS_PAGE_DEFAULT, MEMBERS_PAGE_MAX);
        validation.check();
        Page<Member> page = memberships.members(caller.userId(), request.getRoomId(), pageSize, request.getPageToken());
        reply(response, ListMembersResponse.newBuilder()
                .addAllMembers(page.items().stream().map(RoomProtos::toProto).toList())
                .setNextPageToken(page.nextPageToken()).build());
    }

    @Override
    public void updateRoom(UpdateRoomRequest request, StreamObserver<UpdateRoomResponse> response) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation().id("room_id", request.getRoomId());
        if (request.hasName()) {
            roomName(validation, "name", request.getName());
        }
        if (request.hasTopic()) {
            roomTopic(validation, "topic", request.getTopic());
        }
        validation.check();
        Room room = rooms.update(caller.userId(), request.getRoomId(),
                request.hasName() ? request.getName() : null, request.hasTopic() ? request.getTopic() : null);
        reply(response, UpdateRoomResponse.newBuilder().setRoom(RoomProtos.toProto(room)).build());
    }

    /** A long-poll: answered when matched; cancelling the call (or its deadline) leaves the queue. */
    @Override
    public void matchRandom(MatchRandomRequest request, StreamObserver<MatchRandomResponse> response) {
        Principal caller = AuthContext.current();
        Validation validation = new Validation().count("interests", request.getInterestsList(), 0, INTERESTS_MAX);
        for (int i = 0; i < request.getInterestsCount(); i++) {
            String field = "interests[" + i + "]";
            validation.length(field, request.getInterests(i), 1, INTEREST_MAX);
            Requests.noNul(validation, field, request.getInterests(i));
        }
        validation.check();
        List<String> interests = request.getInterestsList().stream().map(i -> i.toLowerCase(Locale.ROOT)).distinct().toList();
        matchCalls.wait(caller, matching.enter(caller.userId(), interests),
                (ServerCallStreamObserver<MatchRandomResponse>) response);
    }

    private static void roomName(Validation validation, String field, String name) {
        validation.length(field, name, 1, Requests.ROOM_NAME_MAX);
        validation.require(name.isEmpty() || !name.isBlank(), field, "must not be blank");
        Requests.noNul(validation, field, name);
    }

    private static void roomTopic(Validation validation, String field, String topic) {
        validation.length(field, topic, 0, Requests.ROOM_TOPIC_MAX);
        Requests.noNul(validation, field, topic);
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
