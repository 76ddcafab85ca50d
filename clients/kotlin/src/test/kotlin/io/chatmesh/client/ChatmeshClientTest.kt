package io.chatmesh.client

import io.chatmesh.proto.message.v1.Message
import io.grpc.ManagedChannel
import io.grpc.Status
import io.grpc.StatusException
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlin.time.Duration.Companion.minutes
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The Kotlin client against a real chatmesh (the launcher's jar in a child JVM) over loopback
 * sockets: two users chat both ways, one drops its connection mid-stream, and on reconnecting
 * with its cursors gets exactly the messages sent meanwhile, in order, once, then live ones.
 */
class ChatmeshClientTest {

    private val channels = mutableListOf<ManagedChannel>()

    @AfterEach
    fun closeChannels() {
        channels.forEach { it.shutdownNow().awaitTermination(10, TimeUnit.SECONDS) }
    }

    @Test
    fun twoUsersChatAndTheOneWhoDroppedResumesWithExactlyTheMissedMessages() = runBlocking {
        // a guard against a hang, far above what the scenario takes
        withTimeout(3.minutes) {
            coroutineScope { scenario(this) }
        }
    }

    private suspend fun scenario(scope: CoroutineScope) {
        val aliceClient = ChatmeshClient(channel())
        val bobChannel = channel()
        val bobClient = ChatmeshClient(bobChannel)

        aliceClient.signUp("kt-alice", PASSWORD)
        bobClient.signUp("kt-bob", PASSWORD)
        val alice = aliceClient.logIn("kt-alice", PASSWORD)
        val bob = bobClient.logIn("kt-bob", PASSWORD)
        val room = aliceClient.createRoom(alice, "kotlin client")
        bobClient.joinRoom(bob, room.id)

        val aliceStream = aliceClient.connect(scope, alice, "alice-phone")
        val aliceInbox = Inbox(scope, aliceStream)
        val bobStream = bobClient.connect(scope, bob, "bob-phone")
        val bobInbox = Inbox(scope, bobStream)
        assertTrue(bobStream.ready.roomsList.any { it.roomId == room.id }, "Ready lists the room Bob joined")

        // A refused send is answered on its own; the stream stays open for the rest.
        val refused = assertFailsWith<ChatEventRejectedException> { bobStream.send(UNKNOWN_ROOM_ID, "anyone?") }
        assertEquals(Status.Code.NOT_FOUND.value(), refused.error.code)

        // Both ways on the stream: each sees the other's message, and their own, in seq order.
        val hi = aliceStream.send(room.id, "hi bob")
        assertEquals("hi bob", bobInbox.next().text)
        val hello = bobStream.send(room.id, "hello alice")
        assertEquals(listOf("hi bob", "hello alice"), listOf(aliceInbox.next(), aliceInbox.next()).map(Message::getText))
        val bobsOwn = bobInbox.next()
        assertEquals(hello.messageId, bobsOwn.id)
        assertTrue(hello.seq > hi.seq)

        // Bob's connection drops mid-stream.
        bobChannel.shutdownNow()
        val dropped = bobInbox.ended.await()
        assertIs<StatusException>(dropped)
        assertEquals(Status.Code.UNAVAILABLE, dropped.status.code)
        val cursors = bobStream.cursors()
        assertEquals(mapOf(room.id to hello.seq), cursors)

        // Alice goes on meanwhile.
        val missed = (1..5).map { aliceStream.send(room.id, "while you were away $it") }
        repeat(missed.size) { aliceInbox.next() }

        // Bob reconnects on a new channel with his cursors: the missed ones, in order, then live.
        val bobAgainClient = ChatmeshClient(channel())
        val bobAgain = bobAgainClient.connect(scope, bobAgainClient.logIn("kt-bob", PASSWORD), "bob-phone", cursors)
        val bobAgainInbox = Inbox(scope, bobAgain)
        val replayed = List(missed.size) { bobAgainInbox.next() }
        assertEquals(missed.map { it.messageId }, replayed.map(Message::getId))
        assertEquals(missed.map { it.seq }, replayed.map(Message::getSeq))
        assertEquals((1..5).map { "while you were away $it" }, replayed.map(Message::getText))

        // Nothing is repeated after the replay: the next message Bob gets is the next one sent.
        val live = aliceStream.send(room.id, "welcome back")
        val next = bobAgainInbox.next()
        assertEquals(live.messageId, next.id)
        assertEquals(mapOf(room.id to live.seq), bobAgain.cursors())

        aliceStream.close()
        bobAgain.close()
    }

    /** Collects a stream's events from the start and hands out its messages one at a time. */
    private class Inbox(scope: CoroutineScope, stream: ChatStream) {
        private val messages = Channel<Message>(Channel.UNLIMITED)
        val ended = CompletableDeferred<Throwable?>()

        init {
            scope.launch {
                try {
                    stream.events.collect { if (it.hasMessageCreated()) messages.send(it.messageCreated.message) }
                    ended.complete(null)
                } catch (e: StatusException) {
                    ended.complete(e)
                }
            }
        }

        suspend fun next(): Message = messages.receive()
    }

    private fun channel(): ManagedChannel =
        NettyChannelBuilder.forAddress(chatmesh.host, chatmesh.edgePort).usePlaintext().build().also(channels::add)

    companion object {
        private const val PASSWORD = "correct horse battery staple"
        // a well-formed room id (ULID) that names no room
        private const val UNKNOWN_ROOM_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"

        private lateinit var chatmesh: EmbeddedChatmesh

        @JvmStatic
        @BeforeAll
        fun startChatmesh(@TempDir dataDir: Path) {
            chatmesh = EmbeddedChatmesh.start(dataDir)
        }

        @JvmStatic
        @AfterAll
        fun stopChatmesh() {
            chatmesh.close()
        }
    }
}
