package io.chatmesh.client

import io.chatmesh.proto.chat.v1.Ack
import io.chatmesh.proto.chat.v1.ChatServiceGrpcKt.ChatServiceCoroutineStub
import io.chatmesh.proto.chat.v1.ClientEvent
import io.chatmesh.proto.chat.v1.Hello
import io.chatmesh.proto.chat.v1.Ready
import io.chatmesh.proto.chat.v1.SendMessageEvent
import io.chatmesh.proto.chat.v1.ServerEvent
import io.chatmesh.proto.common.v1.StreamError
import io.grpc.Metadata
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.launch

/** The server refused one client event: the StreamError that names it (code is a google.rpc.Code value). */
class ChatEventRejectedException(val error: StreamError) :
    RuntimeException("client event ${error.clientId} rejected: code ${error.code} ${error.reason}")

/** The stream ended (closed, or by the server with OK) before the event was answered. */
class ChatStreamClosedException : IllegalStateException("the chat stream ended")

/**
 * One `ChatService.Connect` stream (open it with [ChatmeshClient.connect]).
 *
 * [events] is everything the server sends after Ready except the answers to this client's own
 * events: messages (the user's own too), receipts, typing, membership changes, stream-level
 * errors. [send] returns the event's Ack. Both directions are bounded and flow-controlled: collect
 * [events] steadily, or the stream stops reading the server and Acks wait behind the events.
 *
 * [cursors] is, per room, the newest seq handed to the collector of [events] (rooms it has seen
 * nothing of yet: the seq Ready gave). Pass it to the next [ChatmeshClient.connect] after the
 * stream ended to get exactly the messages in between.
 */
class ChatStream private constructor(resumeFrom: Map<String, Long>, bufferCapacity: Int) {

    private val outbound = Channel<ClientEvent>(bufferCapacity)
    private val inbound = Channel<ServerEvent>(bufferCapacity)
    private val answers = ConcurrentHashMap<String, CompletableDeferred<Ack>>()
    private val readyAnswer = CompletableDeferred<Ready>()
    @Volatile private var readyEvent: Ready? = null
    private val roomCursors = ConcurrentHashMap(resumeFrom)
    private lateinit var call: Job

    /** What the server said in Ready (the session id, the rooms, the token's expiry). */
    val ready: Ready
        get() = checkNotNull(readyEvent) { "the server has not said Ready yet" }

    /**
     * The server's events, in order, for one collector. Ends when the stream ends: normally when
     * the server closes it with OK or it is [close]d, else with the call's
     * `io.grpc.StatusException` (e.g. UNAVAILABLE: reconnect with [cursors]).
     */
    val events: Flow<ServerEvent> = inbound.receiveAsFlow().onEach { event ->
        if (event.hasMessageCreated()) {
            val message = event.messageCreated.message
            roomCursors.merge(message.roomId, message.seq, ::maxOf)
        }
    }

    /** A snapshot of the resume cursors: room id to the newest seq delivered by [events]. */
    fun cursors(): Map<String, Long> = HashMap(roomCursors)

    /**
     * Posts [text] to a room and returns its Ack (the message id and seq). [clientId] is the
     * idempotency key: after a failure, sending the same id again (on this or a new stream) returns
     * the first Ack and posts nothing new.
     *
     * @throws ChatEventRejectedException when the server answers with a StreamError
     */
    suspend fun send(roomId: String, text: String, clientId: String = UUID.randomUUID().toString()): Ack =
        request(ClientEvent.newBuilder().setClientId(clientId)
            .setSend(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build())

    /** Sends one state-changing event (it must carry a client_id) and returns its Ack. */
    suspend fun request(event: ClientEvent): Ack {
        require(event.clientId.isNotEmpty()) { "a state-changing event needs a client_id" }
        val answer = CompletableDeferred<Ack>()
        check(answers.putIfAbsent(event.clientId, answer) == null) { "${event.clientId} is already waiting for its answer" }
        try {
            outbound.send(event)
            return answer.await()
        } finally {
            answers.remove(event.clientId, answer)
        }
    }

    /** Ends the stream (cancels the call) and waits until it is over. */
    suspend fun close() {
        call.cancelAndJoin()
    }

    internal suspend fun awaitReady(): Ready = readyAnswer.await()

    private fun start(scope: CoroutineScope, stub: ChatServiceCoroutineStub, headers: Metadata, hello: Hello) {
        outbound.trySend(ClientEvent.newBuilder().setHello(hello).build()).getOrThrow()
        call = scope.launch {
            try {
                stub.connect(outbound.receiveAsFlow(), headers).collect(::dispatch)
                end(null)
            } catch (e: CancellationException) {
                end(null)
                throw e
            } catch (e: Exception) {
                end(e)
            }
        }
    }

    private suspend fun dispatch(event: ServerEvent) {
        when {
            event.hasReady() -> {
                event.ready.roomsList.forEach { roomCursors.putIfAbsent(it.roomId, it.seq) }
                readyEvent = event.ready
                readyAnswer.complete(event.ready)
            }
            event.hasAck() -> answers[event.ack.clientId]?.complete(event.ack)
            event.hasError() && answers.containsKey(event.error.clientId) ->
                answers[event.error.clientId]?.completeExceptionally(ChatEventRejectedException(event.error))
            else -> inbound.send(event)
        }
    }

    /** The stream is over: nothing more goes out, and whoever waits learns why. */
    private fun end(cause: Exception?) {
        val failure = cause ?: ChatStreamClosedException()
        outbound.close(failure)
        readyAnswer.completeExceptionally(failure)
        answers.values.forEach { it.completeExceptionally(failure) }
        inbound.close(cause)
    }

    internal companion object {
        const val DEFAULT_BUFFER_CAPACITY = 256

        fun open(
            scope: CoroutineScope,
            stub: ChatServiceCoroutineStub,
            headers: Metadata,
            hello: Hello,
            bufferCapacity: Int,
        ): ChatStream {
            require(bufferCapacity >= 1) { "bufferCapacity must be at least 1" }
            val stream = ChatStream(hello.resumeFromList.associate { it.roomId to it.seq }, bufferCapacity)
            stream.start(scope, stub, headers, hello)
            return stream
        }
    }
}
