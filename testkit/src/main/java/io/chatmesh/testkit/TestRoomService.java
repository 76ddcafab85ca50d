package io.chatmesh.testkit;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.room.internal.v1.CheckMembershipResponse;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.ListMembersResponse;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsResponse;
import io.chatmesh.proto.room.v1.Member;
import io.chatmesh.proto.room.v1.MemberRole;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * chat-service's RoomService and internal MembershipService on a real loopback port, answering
 * ListMyRooms, ListMembers and CheckMembership from memberships a test sets, for testing message- and signaling-service without
 * chat-service. Like the real one it requires the caller's forwarded token and only answers
 * about that caller. {@link #calls()} counts CheckMembership calls (to test caching).
 * ChatService.SendMessage (members only, idempotent per caller and client_id) records the
 * texts posted, for {@link #messages}.
 */
public final class TestRoomService implements AutoCloseable {


    private final Map<String, Set<String>> membersByRoom = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    /** Posted texts by room; keys "sender/client_id" already posted. */
    private final Map<String, List<String>> messagesByRoom = new ConcurrentHashMap<>();
    private final Set<String> postedKeys = ConcurrentHashMap.newKeySet();
    private final Server server;

    public TestRoomService(AccessTokenVerifier verifier) {
        // The platform's own interceptor: the caller's forwarded token is checked as in a real service.
        AuthInterceptor auth = new AuthInterceptor(verifier, AuthPolicy.allAuthenticated(), new EndedSessions());
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(new Rooms(), auth))
                    .addService(ServerInterceptors.intercept(new Memberships(), auth))
                    .addService(ServerInterceptors.intercept(new Chat(), auth))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "static://127.0.0.1:PORT", for spring.grpc.client.channels.rooms.address. */
    public String address() {
        return "static://127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    public TestRoomService addMember(String roomId, String userId) {
        membersByRoom.computeIfAbsent(roomId, r -> ConcurrentHashMap.newKeySet()).add(userId);
        return this;
    }

    public TestRoomService removeMember(String roomId, String userId) {
        membersByRoom.getOrDefault(roomId, Set.of()).remove(userId);
        return this;
    }

    public int calls() {
        return calls.get();
    }

    /** The texts posted in a room through SendMessage, in order (each client_id once). */
    public List<String> messages(String roomId) {
        return List.copyOf(messagesByRoom.getOrDefault(roomId, List.of()));
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Memberships extends MembershipServiceGrpc.MembershipServiceImplBase {
        @Override
        public void checkMembership(CheckMembershipRequest request, StreamObserver<CheckMembershipResponse> response) {
            calls.incrementAndGet();
            if (!AuthContext.current().userId().equals(request.getUserId())) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
                return;
            }
            boolean member = membersByRoom.getOrDefault(request.getRoomId(), Set.of()).contains(request.getUserId());
            response.onNext(CheckMembershipResponse.newBuilder()
                    .setIsMember(member)
                    .setRole(member ? MemberRole.MEMBER_ROLE_MEMBER : MemberRole.MEMBER_ROLE_UNSPECIFIED)
                    .setRoomKind(member ? RoomKind.ROOM_KIND_GROUP : RoomKind.ROOM_KIND_UNSPECIFIED) // a GROUP room: hidden from non-members
                    .build());
            response.onCompleted();
        }
    }

    private final class Rooms extends RoomServiceGrpc.RoomServiceImplBase {
        @Override
        public void listMyRooms(ListMyRoomsRequest request, StreamObserver<ListMyRoomsResponse> response) {
            String caller = AuthContext.current().userId();
            ListMyRoomsResponse.Builder rooms = ListMyRoomsResponse.newBuilder();
            membersByRoom.forEach((roomId, members) -> {
                if (members.contains(caller)) {
                    rooms.addRooms(Room.newBuilder().setId(roomId).setKind(RoomKind.ROOM_KIND_GROUP)
                            .setMemberCount(members.size()));
                }
            });
            response.onNext(rooms.build());
            response.onCompleted();
        }

        @Override
        public void listMembers(ListMembersRequest request, StreamObserver<ListMembersResponse> response) {
            Set<String> members = membersByRoom.getOrDefault(request.getRoomId(), Set.of());
            if (!members.contains(AuthContext.current().userId())) {
                response.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            ListMembersResponse.Builder page = ListMembersResponse.newBuilder();
            members.forEach(userId -> page.addMembers(Member.newBuilder().setRoomId(request.getRoomId())
                    .setUserId(userId).setRole(MemberRole.MEMBER_ROLE_MEMBER)));
            response.onNext(page.build());
            response.onCompleted();
        }
    }

    private final class Chat extends ChatServiceGrpc.ChatServiceImplBase {
        @Override
        public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
            String caller = AuthContext.current().userId();
            String roomId = request.getMessage().getRoomId();
            if (!membersByRoom.getOrDefault(roomId, Set.of()).contains(caller)) {
                response.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            if (postedKeys.add(caller + "/" + request.getClientId())) {
                messagesByRoom.computeIfAbsent(roomId, id -> new CopyOnWriteArrayList<>())
                        .add(request.getMessage().getText());
            }
            response.onNext(SendMessageResponse.newBuilder().setMessage(Message.newBuilder().setRoomId(roomId)
                    .setSenderId(caller).setClientId(request.getClientId())
                    .setText(request.getMessage().getText())).build());
            response.onCompleted();
        }
    }
}
