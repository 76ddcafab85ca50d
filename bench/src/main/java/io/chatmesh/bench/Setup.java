package io.chatmesh.bench;

import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Accounts and rooms, through UserService and RoomService like any client: log in (signing
 * up the first time, so repeated runs reuse the accounts), create this run's rooms, and
 * afterwards leave them so old rooms do not pile up in the accounts' sessions.
 */
final class Setup {

    /** Every bench account's password. */
    static final String PASSWORD = "chatmesh-bench-password";
    /** Argon2 makes each sign-up and log-in cost tens of ms of server CPU: a few at a time. */
    private static final int PARALLEL_CALLS = 4;
    private static final long DEADLINE_SECONDS = 30;
    /** CreateRoom takes at most this many initial members; the rest are invited. */
    private static final int INITIAL_MEMBERS_MAX = 100;

    record User(String name, String id, String token) {}

    /** A room of this run; its first member created it. */
    record Room(int index, String id, List<User> members) {}

    private final Channel userChannel;
    private final Channel roomChannel;
    private final PrintStream out;

    /**
     * @param userChannel UserService's channel
     * @param roomChannel RoomService's channel
     */
    Setup(Channel userChannel, Channel roomChannel, PrintStream out) {
        this.userChannel = userChannel;
        this.roomChannel = roomChannel;
        this.out = out;
    }

    List<User> users(String prefix, int count) {
        long start = System.nanoTime();
        List<User> users = inParallel(IntStream.range(0, count)
                .<Callable<User>>mapToObj(i -> () -> logIn(prefix + "-" + i)).toList());
        out.printf("%d accounts logged in (%s-0..%d) in %.1f s%n", count, prefix, count - 1, seconds(start));
        return users;
    }

    /** Creates a GROUP room for each member list, owned by its first member. */
    List<Room> rooms(String runId, List<List<User>> memberLists) {
        long start = System.nanoTime();
        List<Room> rooms = inParallel(IntStream.range(0, memberLists.size())
                .<Callable<Room>>mapToObj(i -> () -> createRoom(runId, i, memberLists.get(i))).toList());
        out.printf("%d rooms created in %.1f s%n", rooms.size(), seconds(start));
        return rooms;
    }

    /** Every member leaves its room; failures are reported, not thrown (the figures are out). */
    void leave(List<Room> rooms) {
        List<Callable<Void>> leaves = new ArrayList<>();
        for (Room room : rooms) {
            for (User member : room.members()) {
                leaves.add(() -> {
                    Connections.as(RoomServiceGrpc.newBlockingStub(roomChannel), member.token())
                            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                            .leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(room.id()).build());
                    return null;
                });
            }
        }
        try {
            inParallel(leaves);
        } catch (RuntimeException e) {
            out.println("could not leave the run's rooms: " + e.getMessage());
        }
    }

    private User logIn(String name) {
        var users = UserServiceGrpc.newBlockingStub(userChannel);
        LogInRequest request = LogInRequest.newBuilder().setUsername(name).setPassword(PASSWORD).build();
        LogInResponse response;
        try {
            response = users.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).logIn(request);
        } catch (StatusRuntimeException e) {
            // an unknown user and a wrong password are both UNAUTHENTICATED
            if (e.getStatus().getCode() != Status.Code.UNAUTHENTICATED) {
                throw e;
            }
            try {
                users.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).signUp(SignUpRequest.newBuilder()
                        .setUsername(name).setPassword(PASSWORD).build());
            } catch (StatusRuntimeException signUp) {
                if (signUp.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
                    throw new IllegalStateException("account " + name + " exists with another password; "
                            + "choose another --user-prefix");
                }
                throw signUp;
            }
            response = users.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).logIn(request);
        }
        return new User(name, response.getUser().getId(), response.getTokens().getAccessToken());
    }

    private Room createRoom(String runId, int index, List<User> members) {
        User owner = members.getFirst();
        var rooms = Connections.as(RoomServiceGrpc.newBlockingStub(roomChannel), owner.token());
        List<User> others = members.subList(1, members.size());
        List<User> initial = others.subList(0, Math.min(INITIAL_MEMBERS_MAX, others.size()));
        String roomId = rooms.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .createRoom(CreateRoomRequest.newBuilder()
                        .setKind(RoomKind.ROOM_KIND_GROUP)
                        .setName("bench " + runId + " " + index)
                        .addAllMemberIds(initial.stream().map(User::id).toList())
                        .build())
                .getRoom().getId();
        for (User invitee : others.subList(initial.size(), others.size())) {
            rooms.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).inviteMember(InviteMemberRequest.newBuilder()
                    .setRoomId(roomId).setUserId(invitee.id()).build());
        }
        return new Room(index, roomId, List.copyOf(members));
    }

    /** Runs the calls a few at a time; any failure fails the whole step. */
    private static <T> List<T> inParallel(List<Callable<T>> calls) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_CALLS);
        try {
            List<Future<T>> futures = pool.invokeAll(calls);
            List<T> results = new ArrayList<>(futures.size());
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("setup interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
