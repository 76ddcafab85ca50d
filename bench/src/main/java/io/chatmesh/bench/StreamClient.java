package io.chatmesh.bench;

import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One ChatService.Connect stream of one member: Hello, Ready, then what arrives goes to its
 * {@link StreamEvents}, which checks and counts it; events go out on it for its
 * {@link Sender}, if it sends.
 *
 * <p>Like a real client it outlives its calls: when the server ends the call after Ready (a
 * slow reader's RESOURCE_EXHAUSTED, a RESYNC), or the bench drops it ({@code --churn}), it
 * opens a new one that resumes from the last seq it got ({@code Hello.resume_from}), and on
 * Ready its sender sends again what was not answered (see {@link Sender#resend}). A Hello the
 * server refused with a retry delay (too many streams starting) is tried again after that
 * delay, the first one too. A close by the server is still counted as an error.
 *
 * <p>gRPC calls the callbacks of one call one at a time (on a transport thread), and a new
 * call starts only after the last one ended, so the fields read by callbacks need no
 * synchronization; the call itself is guarded by this object's lock, which orders the
 * senders' events, the reopening and the end.
 */
final class StreamClient implements ClientResponseObserver<ClientEvent, ServerEvent> {

    /**
     * Pause before reopening a call the server ended, doubled with each reopening up to the
     * max, and back to the first after a call that lasted {@link #STEADY_NANOS} past its Ready.
     */
    private static final long REOPEN_DELAY_MILLIS = 100;
    private static final long REOPEN_DELAY_MAX_MILLIS = 2_000;
    private static final long STEADY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Setup.User user;
    private final Channel channel;
    private final String roomId;
    private final Stats stats;
    private final StreamEvents events;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The call events go out on; null before {@link #connect}, while a call is being reopened, and at the end. */
    private ClientCallStreamObserver<ClientEvent> requests;
    private boolean connected;
    private boolean closing;
    /** The bench cancelled the call to reopen it ({@link #drop}). */
    private boolean dropping;
    private int reopenAttempts;
    /** When the current call got Ready (System.nanoTime), or 0 while it has not. */
    private long readyNanos;
    private Sender sender;

    StreamClient(Setup.User user, Channel channel, String roomId, Sender.Context context) {
        this.user = user;
        this.channel = channel;
        this.roomId = roomId;
        this.stats = context.stats();
        this.events = new StreamEvents(roomId, context);
    }

    /** Makes this stream the one the sender's Acks and errors come back on; before {@link #connect}. */
    void sendsFor(Sender sender) {
        this.sender = sender;
        events.sendsFor(sender);
    }

    Setup.User user() {
        return user;
    }

    /** The connection this stream uses (and its user's unary sends). */
    Channel channel() {
        return channel;
    }

    /** Opens the stream and says Hello (no resume); {@link #ready()} completes with Ready. */
    synchronized void connect() {
        connected = true;
        open(Hello.newBuilder().setDeviceId("bench"));
    }

    /** A new call with this Hello; holds the lock. */
    private void open(Hello.Builder hello) {
        readyNanos = 0;
        Connections.as(ChatServiceGrpc.newStub(channel), user.token()).connect(this); // sets requests
        if (requests != null) { // null if the call already failed
            requests.onNext(ClientEvent.newBuilder().setHello(hello).build());
        }
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    /**
     * Sends an event on the current call; false, not sent, while there is none (the call is
     * being reopened, or the stream ended). One event at a time on the lock.
     */
    synchronized boolean send(ClientEvent event) {
        if (requests == null || closing) {
            return false;
        }
        requests.onNext(event);
        return true;
    }

    /**
     * Cancels the call to reopen it at once ({@code --churn}); false when there is no call, or
     * a change of its sender is unanswered (a change has no idempotency key: after a reopen
     * the bench could not tell whether it was made).
     */
    synchronized boolean drop() {
        if (requests == null || closing || (sender != null && sender.changesUnanswered())) {
            return false;
        }
        ClientCallStreamObserver<ClientEvent> call = requests;
        requests = null;
        dropping = true;
        stats.count(Stats.Counter.DROPPED);
        call.cancel("bench: --churn", null);
        return true;
    }

    /** Says we are done; the server then ends the stream. Nothing is sent after this. */
    synchronized void halfClose() {
        closing = true;
        if (requests != null) {
            requests.onCompleted();
        }
    }

    /** Waits until the server ended the stream, at most until {@code deadline}; then cancels it. */
    void awaitEnd(long deadline) throws InterruptedException {
        if (connected && !ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            synchronized (this) {
                if (requests != null) {
                    requests.cancel("the bench is done", null);
                }
            }
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientEvent> requests) {
        this.requests = requests;
    }

    @Override
    public void onNext(ServerEvent event) {
        if (event.hasReady()) {
            onReady();
        } else {
            events.received(event);
        }
    }

    /** Ready: the first completes {@link #ready()}; a later one is a reopened call's. */
    private void onReady() {
        readyNanos = System.nanoTime();
        if (ready.complete(null)) {
            return;
        }
        stats.count(Stats.Counter.REOPENED);
        if (sender != null) {
            sender.resend();
        }
    }

    @Override
    public void onError(Throwable failure) {
        callEnded(Status.fromThrowable(failure).getCode().value(), Stats.reason(failure),
                events.takeStreamRetryDelayMillis(), failure);
    }

    @Override
    public void onCompleted() {
        callEnded(Status.Code.OK.value(), "", events.takeStreamRetryDelayMillis(),
                new IllegalStateException("the server ended the stream"));
    }

    /**
     * The call ended: the stream ends too when the bench closes it or the first call failed
     * without a retry delay (the run cannot start); else a new call resumes it, at once after a
     * drop, after a pause when the server ended it (at least the retry delay it gave).
     *
     * @param retryDelayMillis the retry delay of the server's StreamError before the end, or -1
     */
    private void callEnded(int code, String reason, long retryDelayMillis, Throwable failure) {
        boolean dropped;
        boolean reopen;
        synchronized (this) {
            requests = null;
            dropped = dropping;
            dropping = false;
            if (!closing && !dropped) {
                stats.error("stream closed", code, reason);
            }
            boolean started = ready.isDone() && !ready.isCompletedExceptionally();
            reopen = !closing && (started || (!ready.isDone() && retryDelayMillis >= 0));
            if (!reopen) {
                ended.countDown();
            }
        }
        if (!reopen) {
            ready.completeExceptionally(failure); // no-op after Ready
        } else {
            if (readyNanos != 0 && System.nanoTime() - readyNanos >= STEADY_NANOS) {
                reopenAttempts = 0;
            }
            long delay = dropped ? 0 : Math.max(retryDelayMillis,
                    Math.min(REOPEN_DELAY_MAX_MILLIS, REOPEN_DELAY_MILLIS << Math.min(reopenAttempts, 5)));
            reopenAttempts++;
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::reopen);
        }
    }

    /** Opens a new call that resumes the room from the last seq this stream got (none before the first Ready). */
    private synchronized void reopen() {
        if (closing) {
            ended.countDown();
            return;
        }
        Hello.Builder hello = Hello.newBuilder().setDeviceId("bench");
        if (ready.isDone()) {
            hello.addResumeFrom(RoomCursor.newBuilder().setRoomId(roomId).setSeq(events.lastSeq()));
        }
        open(hello);
    }
}
