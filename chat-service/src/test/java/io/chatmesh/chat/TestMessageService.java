package io.chatmesh.chat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.MembershipChange;
import io.chatmesh.proto.chat.v1.MembershipChanged;
import io.chatmesh.proto.chat.v1.ReceiptUpdated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.MarkReadResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A MessageService on a real loopback port with message-service's ListMessages contract:
 * bearer token required, members only (PERMISSION_DENIED), page_size 1-200 (default 50),
 * FORWARD after / BACKWARD before an exclusive from_seq, opaque next_page_token (empty when
 * nothing more). Like message-service it stores what the event bus carries
 * (MessageCreated; memberships from MembershipChanged). Its MarkRead keeps markers as
 * message-service does (members only, forward only, never past the newest stored message) and
 * publishes a ReceiptUpdated on the buses it was given when the marker stands at the requested
 * seq. Tests can hold ListMessages until they release it, make rooms fail, and make a room's
 * storage lag behind the bus.
 */
public final class TestMessageService implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    private final Map<String, NavigableMap<Long, Message>> messagesByRoom = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> membersByRoom = new ConcurrentHashMap<>();
    private final Set<String> failingRooms = ConcurrentHashMap.newKeySet();
    /** Rooms whose messages are not stored yet (a lagging consumer), with what waits. */
    private final Map<String, List<Message>> delayedRooms = new ConcurrentHashMap<>();
    /** Lagging rooms that catch up when ListMessages reads them for the counted-down time. */
    private final Map<String, AtomicInteger> catchUpAtListing = new ConcurrentHashMap<>();
    private final AtomicInteger listCalls = new AtomicInteger();
    /** Read markers by room id + "/" + user id. */
    private final Map<String, Long> markers = new ConcurrentHashMap<>();
    /** Where receipts go: every test context's bus (contexts other than the running test's have no streams left). */
    private final Set<EventBus> receiptBuses = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch listingGate = new CountDownLatch(0);
    private final TestAttachmentClaims attachments = new TestAttachmentClaims();
    private final Server server;

    public TestMessageService(AccessTokenVerifier verifier) {
        // The platform's own interceptor: the caller's forwarded token is checked as in a real service.
        AuthInterceptor auth = new AuthInterceptor(verifier, AuthPolicy.allAuthenticated(), new EndedSessions());
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(new Messages(), auth))
                    .addService(ServerInterceptors.intercept(attachments, auth))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The AttachmentClaimService served beside MessageService. */
    public TestAttachmentClaims attachments() {
        return attachments;
    }

    public String address() {
        return "static://127.0.0.1:" + server.getPort();
    }

    /** MarkRead publishes its receipts on this bus too. */
    public void publishReceiptsTo(EventBus bus) {
        receiptBuses.add(bus);
    }

    /** Handles one bus event, as message-service's persister does. */
    public void store(String key, byte[] payload) throws InvalidProtocolBufferException {
        RoomEvent event = RoomEvent.parseFrom(payload);
        if (failingRooms.contains(event.getRoomId())) {
            throw new IllegalStateException("storage of room " + event.getRoomId() + " is down");
        }
        if (event.hasMessageCreated()) {
            Message message = event.getMessageCreated().getMessage();
            List<Message> delayed = delayedRooms.get(message.getRoomId());
            if (delayed != null) {
                delayed.add(message);
            } else {
                save(message);
            }
        } else if (event.hasMembershipChanged()) {
            MembershipChanged change = event.getMembershipChanged();
            Set<String> members = membersByRoom.computeIfAbsent(change.getRoomId(), r -> ConcurrentHashMap.newKeySet());
            if (change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_LEFT
                    || change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_REMOVED) {
                members.remove(change.getUserId());
            } else {
                members.add(change.getUserId());
            }
        }
    }

    private void save(Message message) {
        messagesByRoom.computeIfAbsent(message.getRoomId(), r -> new ConcurrentSkipListMap<>())
                .putIfAbsent(message.getSeq(), message);
    }

    /** New messages of the room are accepted from the bus but not stored until {@link #catchUp}. */
    public void lag(String roomId) {
        delayedRooms.put(roomId, new java.util.concurrent.CopyOnWriteArrayList<>());
    }

    /**
     * Like {@link #lag}, until ListMessages reads the room for the {@code listing}-th time from
     * now: that call catches up first, the earlier ones miss what waits.
     */
    public void lagUntilListing(String roomId, int listing) {
        lag(roomId);
        catchUpAtListing.put(roomId, new AtomicInteger(listing));
    }

    public void catchUp(String roomId) {
        catchUpAtListing.remove(roomId);
        List<Message> delayed = delayedRooms.remove(roomId);
        if (delayed != null) {
            delayed.forEach(this::save);
        }
    }

    /** Makes storing (bus) and listing of the room fail until {@link #recover}. */
    public void fail(String roomId) {
        failingRooms.add(roomId);
    }

    public void recover(String roomId) {
        failingRooms.remove(roomId);
    }

    /** ListMessages calls wait (before reading) until the returned latch is counted down. */
    public CountDownLatch holdListing() {
        CountDownLatch gate = new CountDownLatch(1);
        listingGate = gate;
        return gate;
    }

    /** Messages of the room stored so far. */
    public int stored(String roomId) {
        return messagesByRoom.getOrDefault(roomId, new ConcurrentSkipListMap<>()).size();
    }

    public int listCalls() {
        return listCalls.get();
    }

    @Override
    public void close() throws InterruptedException {
        listingGate.countDown();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Messages extends MessageServiceGrpc.MessageServiceImplBase {
        @Override
        public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> response) {
            String roomId = request.getRoomId();
            if (!ID.matcher(roomId).matches() || request.getSeq() < 0) {
                response.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                return;
            }
            String userId = AuthContext.current().userId();
            if (!membersByRoom.getOrDefault(roomId, Set.of()).contains(userId)) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
                return;
            }
            NavigableMap<Long, Message> room = messagesByRoom.getOrDefault(roomId, new ConcurrentSkipListMap<>());
            long newest = room.isEmpty() ? 0 : room.lastKey();
            long target = Math.min(request.getSeq(), newest);
            long marker = markers.merge(roomId + "/" + userId, target, Math::max);
            if (target > 0 && marker == target) {
                byte[] receipt = RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(roomId)
                        .setReceiptUpdated(ReceiptUpdated.newBuilder().setRoomId(roomId).setUserId(userId)
                                .setLastReadSeq(marker))
                        .build().toByteArray();
                for (EventBus bus : receiptBuses) {
                    try {
                        bus.publish(Topics.ROOM_EVENTS, roomId, receipt).join();
                    } catch (RuntimeException closed) {
                        receiptBuses.remove(bus); // its test context was closed
                    }
                }
            }
            response.onNext(MarkReadResponse.newBuilder().setRoom(RoomUnread.newBuilder().setRoomId(roomId)
                    .setLastReadSeq(marker).setLastMessageSeq(newest)).build());
            response.onCompleted();
        }


        @Override
        public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> response) {
            listCalls.incrementAndGet();
            try {
                listingGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response.onError(Status.CANCELLED.asRuntimeException());
                return;
            }
            if (!ID.matcher(request.getRoomId()).matches() || request.getPageSize() < 0 || request.getPageSize() > 200) {
                response.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                return;
            }
            if (failingRooms.contains(request.getRoomId())) {
                response.onError(Status.UNAVAILABLE.asRuntimeException());
                return;
            }
            AtomicInteger listingsToCatchUp = catchUpAtListing.get(request.getRoomId());
            if (listingsToCatchUp != null && listingsToCatchUp.decrementAndGet() == 0) {
                catchUp(request.getRoomId());
            }
            if (!membersByRoom.getOrDefault(request.getRoomId(), Set.of()).contains(AuthContext.current().userId())) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
                return;
            }
            boolean forward;
            long from;
            if (!request.getPageToken().isEmpty()) {
                String[] token = request.getPageToken().split(":", 2);
                forward = token[0].equals("F");
                from = Long.parseLong(token[1]);
            } else {
                forward = request.getDirection() == Direction.DIRECTION_FORWARD;
                from = request.getFromSeq();
            }
            int pageSize = request.getPageSize() == 0 ? 50 : request.getPageSize();
            NavigableMap<Long, Message> room = messagesByRoom.getOrDefault(request.getRoomId(), new ConcurrentSkipListMap<>());
            NavigableMap<Long, Message> range = forward ? room.tailMap(from, false)
                    : (from == 0 ? room : room.headMap(from, false)).descendingMap();
            List<Message> page = new ArrayList<>(range.values().stream().limit(pageSize).toList());
            ListMessagesResponse.Builder out = ListMessagesResponse.newBuilder().addAllMessages(page);
            if (page.size() == pageSize && range.size() > pageSize) {
                out.setNextPageToken((forward ? "F:" : "B:") + page.get(page.size() - 1).getSeq());
            }
            response.onNext(out.build());
            response.onCompleted();
        }
    }
}
