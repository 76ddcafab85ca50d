// The edge's WebSocket bridges with the raw `ws` package and the generated message types: chat
// and signaling through /ws/chat and /ws/signaling, a garbage frame (error envelope, the socket
// stays), an oversized frame (1009), and a resume after a reconnect.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code } from "@connectrpc/connect";
import * as chat from "../../src/gen/chatmesh/chat/v1/chat_service_pb.js";
import * as signaling from "../../src/gen/chatmesh/signaling/v1/signaling_service_pb.js";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, newUser, rooms, uniqueName, users } from "../support/edge.mjs";
import { befriend } from "../support/social.mjs";
import { EnvelopeSocket } from "../support/socket.mjs";

const MAX_FRAME_BYTES = 8 * 1024 * 1024;
const SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

/** A chat stream after Hello and Ready: [socket, ready]. */
async function chatStream(token, resumeFrom = []) {
  const socket = await EnvelopeSocket.open("/ws/chat", chat.ClientEventSchema, chat.ServerEventSchema);
  socket.send({ event: { case: "hello", value: { accessToken: token, deviceId: "ws-test", resumeFrom } } });
  return [socket, await socket.next("ready")];
}

/** Two members of a new public room. */
async function roomOfTwo() {
  const ann = await newUser("wsann");
  const bob = await newUser("wsbob");
  const { room } = await rooms.createRoom({ kind: RoomKind.PUBLIC, name: uniqueName("ws") }, auth(ann.token));
  await rooms.joinRoom({ roomId: room.id }, auth(bob.token));
  return { ann, bob, room };
}

async function sendText(socket, roomId, clientId, text) {
  socket.send({ clientId, event: { case: "send", value: { roomId, text } } });
  return socket.next("ack", (ack) => ack.clientId === clientId);
}

test("chat over /ws/chat: Hello, Ready, a send acked and delivered to every member", async () => {
  const { ann, bob, room } = await roomOfTwo();
  const [annSocket, annReady] = await chatStream(ann.token);
  const [bobSocket, bobReady] = await chatStream(bob.token);
  assert.equal(annReady.userId, ann.user.id);
  assert.deepEqual(bobReady.rooms.map((r) => [r.roomId, r.seq]), [[room.id, 0n]]);
  assert.ok(annReady.heartbeatInterval.seconds > 0n);
  assert.ok(Number(annReady.tokenExpireTime.seconds) * 1000 > Date.now());

  const ack = await sendText(annSocket, room.id, "c-1", "hello over a WebSocket");
  assert.equal(ack.roomId, room.id);
  assert.ok(ack.seq > 0n);
  const delivered = await bobSocket.next("messageCreated");
  assert.equal(delivered.message.text, "hello over a WebSocket");
  assert.equal(delivered.message.seq, ack.seq);
  assert.equal(delivered.message.senderId, ann.user.id);
  assert.equal(delivered.message.clientId, "", "another member does not see the sender's client_id");
  const own = await annSocket.next("messageCreated");
  assert.equal(own.message.clientId, "c-1");

  // the same client_id again posts nothing new: the first answer comes back
  const again = await sendText(annSocket, room.id, "c-1", "a different text");
  assert.equal(again.messageId, ack.messageId);
  assert.equal(again.seq, ack.seq);

  annSocket.send({ event: { case: "ping", value: { nonce: 42n } } });
  assert.equal((await annSocket.next("pong")).nonce, 42n);
  await annSocket.close();
  await bobSocket.close();
});

test("a garbage frame gets an error envelope and the socket stays; anything before Hello is refused", async () => {
  const { ann, room } = await roomOfTwo();
  const early = await EnvelopeSocket.open("/ws/chat", chat.ClientEventSchema, chat.ServerEventSchema);
  early.send({ clientId: "too-soon", event: { case: "ping", value: { nonce: 1n } } });
  const refused = await early.next("error");
  assert.equal(refused.code, Code.FailedPrecondition);
  await early.close();

  const [socket] = await chatStream(ann.token);
  socket.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  const error = await socket.next("error");
  assert.equal(error.code, Code.InvalidArgument);
  assert.equal(error.clientId, "");
  const ack = await sendText(socket, room.id, "after-garbage", "still here");
  assert.ok(ack.seq > 0n);

  // an invalid event is answered by a StreamError naming it, with its field violations
  socket.send({ clientId: "empty", event: { case: "send", value: { roomId: room.id, text: "" } } });
  const invalid = await socket.next("error", (e) => e.clientId === "empty");
  assert.equal(invalid.code, Code.InvalidArgument);
  assert.ok(invalid.fieldViolations.length > 0);
  await socket.close();
});

test("a bad token ends the stream: StreamError UNAUTHENTICATED, then close 4016", async () => {
  const socket = await EnvelopeSocket.open("/ws/chat", chat.ClientEventSchema, chat.ServerEventSchema);
  socket.send({ event: { case: "hello", value: { accessToken: "not-a-token" } } });
  assert.equal((await socket.next("error")).code, Code.Unauthenticated);
  assert.equal((await socket.closed).code, 4016);
});

test("a frame over the size limit closes that socket with 1009; other sockets go on", async () => {
  const { ann, room } = await roomOfTwo();
  const [bystander] = await chatStream(ann.token);
  const [socket] = await chatStream(ann.token);
  socket.sendRaw(Buffer.alloc(MAX_FRAME_BYTES + 1));
  assert.equal((await socket.closed).code, 1009);
  const ack = await sendText(bystander, room.id, "after-oversized", "the other socket still works");
  assert.ok(ack.seq > 0n);
  await bystander.close();
});

test("a page from another origin cannot open a socket", async () => {
  await assert.rejects(
    EnvelopeSocket.open("/ws/chat", chat.ClientEventSchema, chat.ServerEventSchema, "http://elsewhere.test"),
    /HTTP 403/);
});

test("after a reconnect, Hello.resume_from brings every missed message once, in order, then live ones", async () => {
  const { ann, bob, room } = await roomOfTwo();
  const [annSocket] = await chatStream(ann.token);
  const [bobSocket] = await chatStream(bob.token);
  const first = await sendText(annSocket, room.id, "r-0", "before the drop");
  const seen = await bobSocket.next("messageCreated");
  assert.equal(seen.message.seq, first.seq);
  await bobSocket.close();

  const missed = [];
  for (let i = 1; i <= 3; i++) missed.push(await sendText(annSocket, room.id, `r-${i}`, `missed ${i}`));

  const [resumed, ready] = await chatStream(bob.token, [{ roomId: room.id, seq: seen.message.seq }]);
  assert.equal(ready.rooms.find((r) => r.roomId === room.id).seq, missed[2].seq);
  const live = await sendText(annSocket, room.id, "r-4", "live again");
  const got = [];
  while (got.length < 4) got.push((await resumed.next("messageCreated")).message);
  assert.deepEqual(got.map((m) => m.seq), [...missed.map((a) => a.seq), live.seq]);
  assert.deepEqual(got.map((m) => m.text), ["missed 1", "missed 2", "missed 3", "live again"]);
  // a Pong comes after everything the stream queued before it
  resumed.send({ event: { case: "ping", value: { nonce: 5n } } });
  await resumed.next("pong");
  assert.equal(resumed.take("messageCreated").length, 0, "nothing twice");
  await resumed.close();
  await annSocket.close();
});

test("reauthenticate renews the stream's token in-band", async () => {
  const { ann, room } = await roomOfTwo();
  const [socket, ready] = await chatStream(ann.token);
  const fresh = await users.refreshToken({ refreshToken: ann.tokens.refreshToken });
  socket.send({ clientId: "reauth-1", event: { case: "reauthenticate", value: { accessToken: fresh.tokens.accessToken } } });
  const renewed = await socket.next("reauthenticated");
  assert.equal(renewed.clientId, "reauth-1");
  assert.ok(renewed.tokenExpireTime.seconds >= ready.tokenExpireTime.seconds);
  socket.send({ clientId: "reauth-2", event: { case: "reauthenticate", value: { accessToken: "forged" } } });
  assert.equal((await socket.next("error", (e) => e.clientId === "reauth-2")).code, Code.Unauthenticated);
  assert.ok((await sendText(socket, room.id, "after-reauth", "still on")).seq > 0n);
  await socket.close();
});

test("signaling over /ws/signaling: join, offer, answer and ICE by participant id, garbage, leave", async () => {
  const ann = await newUser("sigann");
  const bob = await newUser("sigbob");
  const carol = await newUser("sigcarol");
  await befriend(ann.username, bob.username); // a direct room needs friendship
  const { room } = await rooms.openDirectRoom({ userId: bob.user.id }, auth(ann.token));

  const join = async (user) => {
    const socket = await EnvelopeSocket.open("/ws/signaling", signaling.ClientEventSchema, signaling.ServerEventSchema);
    socket.send({ clientId: "join", event: { case: "join", value: { roomId: room.id, accessToken: user.token, media: { audio: true, video: true } } } });
    return socket;
  };
  const annSocket = await join(ann);
  const annJoined = await annSocket.next("joined");
  assert.deepEqual(annJoined.participants, []);
  assert.ok(annJoined.participantId);
  const bobSocket = await join(bob);
  const bobJoined = await bobSocket.next("joined");
  assert.deepEqual(bobJoined.participants.map((p) => [p.participantId, p.userId]), [[annJoined.participantId, ann.user.id]]);
  const arrived = await annSocket.next("participantJoined");
  assert.equal(arrived.participant.participantId, bobJoined.participantId);

  bobSocket.send({ clientId: "o1", event: { case: "offer", value: { participantId: annJoined.participantId, sdp: SDP } } });
  const offer = await annSocket.next("offer");
  assert.equal(offer.participantId, bobJoined.participantId, "names the sender");
  assert.equal(offer.sdp, SDP);
  annSocket.send({ clientId: "a1", event: { case: "answer", value: { participantId: bobJoined.participantId, sdp: SDP } } });
  assert.equal((await bobSocket.next("answer")).participantId, annJoined.participantId);
  const candidate = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";
  bobSocket.send({ clientId: "i1", event: { case: "iceCandidate", value: { participantId: annJoined.participantId, candidate, sdpMid: "0" } } });
  const ice = await annSocket.next("iceCandidate");
  assert.equal(ice.candidate, candidate);
  assert.equal(ice.participantId, bobJoined.participantId);

  annSocket.sendRaw(Buffer.from("no protobuf here"));
  const garbage = await annSocket.next("error");
  assert.equal(garbage.code, Code.InvalidArgument);
  annSocket.send({ event: { case: "ping", value: { nonce: 7n } } });
  assert.equal((await annSocket.next("pong")).nonce, 7n);

  // someone outside the room cannot join its call, and learns nothing about it
  const carolSocket = await join(carol);
  const refused = await carolSocket.next("error");
  assert.equal(refused.code, Code.NotFound);
  assert.equal(refused.clientId, "join");
  await carolSocket.close();

  bobSocket.send({ event: { case: "leave", value: {} } });
  const left = await annSocket.next("participantLeft");
  assert.equal(left.participantId, bobJoined.participantId);
  assert.equal((await bobSocket.closed).code, 1000);
  await annSocket.close();
});
