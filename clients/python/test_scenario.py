"""The Python client against a running chatmesh (run-scenario.sh starts one): two users chat
both ways on the stream, one drops its connection mid-stream, and on reconnecting with its
cursors gets exactly the messages sent meanwhile, in order, once, then live ones.

Needs CHATMESH_EDGE (host:port of the edge) and CHATMESH_DESCRIPTOR_SET (buf build output).
"""

import os
import threading
import unittest
import uuid

import grpc

from chatmesh_client import ChatEventRejected, ChatmeshClient, Contracts

PASSWORD = "correct horse battery staple"
# a well-formed room id (ULID) that names no room
UNKNOWN_ROOM_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
# An event that takes longer than this means something hangs, not that chatmesh is slow.
PATIENCE = 60.0


class Inbox:
    """Reads a stream's events from the start, keeping its messages and how the stream ended."""

    def __init__(self, stream):
        self._messages = []
        self._changed = threading.Condition()
        self.ended = None
        self.ended_with = None
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        error = None
        try:
            for event in stream.events():
                if event.HasField("message_created"):
                    with self._changed:
                        self._messages.append(event.message_created.message)
                        self._changed.notify_all()
        except grpc.RpcError as e:
            error = e
        with self._changed:
            self.ended, self.ended_with = True, error
            self._changed.notify_all()

    def take(self, count):
        """The next count messages (waits for them)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout=PATIENCE):
                raise AssertionError(f"expected {count} messages, got {len(self._messages)}")
            taken, self._messages = self._messages[:count], self._messages[count:]
            return taken

    def await_end(self):
        with self._changed:
            if not self._changed.wait_for(lambda: self.ended, timeout=PATIENCE):
                raise AssertionError("the stream did not end")
            return self.ended_with


class ChatScenarioTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.edge = os.environ["CHATMESH_EDGE"]
        cls.contracts = Contracts(os.environ["CHATMESH_DESCRIPTOR_SET"])

    def setUp(self):
        self.channels = []

    def tearDown(self):
        for channel in self.channels:
            channel.close()

    def client(self):
        channel = grpc.insecure_channel(self.edge)
        self.channels.append(channel)
        return channel, ChatmeshClient(channel, self.contracts)

    def test_two_users_chat_and_the_one_who_dropped_resumes_with_exactly_the_missed_messages(self):
        suffix = uuid.uuid4().hex[:8]  # the scenario may run again against the same server
        _, alice_client = self.client()
        bob_channel, bob_client = self.client()
        alice_client.sign_up(f"py-alice-{suffix}", PASSWORD)
        bob_client.sign_up(f"py-bob-{suffix}", PASSWORD)
        alice = alice_client.log_in(f"py-alice-{suffix}", PASSWORD)
        bob = bob_client.log_in(f"py-bob-{suffix}", PASSWORD)
        room = alice_client.create_room(alice, "python client")
        bob_client.join_room(bob, room.id)

        alice_stream = alice_client.connect(alice, "alice-laptop")
        alice_inbox = Inbox(alice_stream)
        bob_stream = bob_client.connect(bob, "bob-phone")
        bob_inbox = Inbox(bob_stream)
        self.assertIn(room.id, [r.room_id for r in bob_stream.ready.rooms])

        # A refused send is answered on its own; the stream stays open for the rest.
        with self.assertRaises(ChatEventRejected) as refused:
            bob_stream.send(UNKNOWN_ROOM_ID, "anyone?")
        self.assertEqual(grpc.StatusCode.NOT_FOUND.value[0], refused.exception.error.code)

        # Both ways on the stream: each sees the other's message, and their own, in seq order.
        hi = alice_stream.send(room.id, "hi bob")
        self.assertEqual(["hi bob"], [m.text for m in bob_inbox.take(1)])
        hello = bob_stream.send(room.id, "hello alice")
        self.assertEqual(["hi bob", "hello alice"], [m.text for m in alice_inbox.take(2)])
        self.assertEqual([hello.message_id], [m.id for m in bob_inbox.take(1)])
        self.assertGreater(hello.seq, hi.seq)

        # Bob's connection drops mid-stream.
        bob_channel.close()
        dropped = bob_inbox.await_end()
        self.assertIsInstance(dropped, grpc.RpcError)
        self.assertEqual(grpc.StatusCode.CANCELLED, dropped.code(), "what grpcio reports for a closed channel")
        cursors = bob_stream.cursors()
        self.assertEqual({room.id: hello.seq}, cursors)

        # Alice goes on meanwhile.
        missed = [alice_stream.send(room.id, f"while you were away {i}") for i in range(1, 6)]
        alice_inbox.take(len(missed))

        # Bob reconnects on a new channel with his cursors: the missed ones, in order, then live.
        _, bob_again_client = self.client()
        bob_again = bob_again_client.connect(bob_again_client.log_in(f"py-bob-{suffix}", PASSWORD), "bob-phone", cursors)
        bob_again_inbox = Inbox(bob_again)
        replayed = bob_again_inbox.take(len(missed))
        self.assertEqual([a.message_id for a in missed], [m.id for m in replayed])
        self.assertEqual([a.seq for a in missed], [m.seq for m in replayed])
        self.assertEqual([f"while you were away {i}" for i in range(1, 6)], [m.text for m in replayed])

        # Nothing is repeated after the replay: the next message Bob gets is the next one sent.
        live = alice_stream.send(room.id, "welcome back")
        self.assertEqual([live.message_id], [m.id for m in bob_again_inbox.take(1)])
        self.assertEqual({room.id: live.seq}, bob_again.cursors())

        alice_stream.close()
        bob_again.close()
        self.assertIsNone(alice_inbox.await_end(), "a stream the client closes ends without an error")


if __name__ == "__main__":
    unittest.main()
