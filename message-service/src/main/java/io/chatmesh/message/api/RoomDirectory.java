package io.chatmesh.message.api;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsResponse;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The caller's rooms, from RoomService.ListMyRooms with the caller's own token. */
public final class RoomDirectory {

    /** ListMyRooms' largest page. */
    static final int PAGE_SIZE = 200;
    /**
     * Bounds one request's fan-out: a user in more rooms gets the {@value}×{@value #PAGE_SIZE}
     * most recently active ones.
     */
    static final int MAX_PAGES = 25;

    private final RoomServiceGrpc.RoomServiceBlockingStub rooms;
    private final Duration deadline;

    public RoomDirectory(Channel roomService, Duration deadline) {
        this.rooms = RoomServiceGrpc.newBlockingStub(roomService);
        this.deadline = deadline;
    }

    /** Ids of the caller's rooms, most recently active first. */
    public List<String> myRoomIds(Principal caller) {
        RoomServiceGrpc.RoomServiceBlockingStub stub = rooms.withCallCredentials(BearerCallCredentials.of(caller));
        List<String> roomIds = new ArrayList<>();
        String pageToken = "";
        for (int page = 0; page < MAX_PAGES; page++) {
            ListMyRoomsResponse response = fetch(stub, pageToken);
            response.getRoomsList().stream().map(Room::getId).forEach(roomIds::add);
            pageToken = response.getNextPageToken();
            if (pageToken.isEmpty()) {
                break;
            }
        }
        return roomIds;
    }

    private ListMyRoomsResponse fetch(RoomServiceGrpc.RoomServiceBlockingStub stub, String pageToken) {
        try {
            return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .listMyRooms(ListMyRoomsRequest.newBuilder().setPageSize(PAGE_SIZE).setPageToken(pageToken).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw ChatmeshException.unauthenticated("token rejected by room service");
            }
            throw ChatmeshException.unavailable("room service: " + e.getStatus().getCode());
        }
    }
}
