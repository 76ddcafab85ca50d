// Friends, blocks, presence and random matching through the edge's gRPC-Web route with
// Connect-ES, as the browser reaches them (test/e2e/social.test.mjs drives the app's screens).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";
import { PresenceStatus, RelationshipKind, RelationshipRequestState } from "../../src/gen/chatmesh/user/v1/user_pb.js";
import { RelationshipListing, RequestDirection } from "../../src/gen/chatmesh/user/v1/user_service_pb.js";
import { auth, newUser, rooms, users } from "../support/edge.mjs";

/** Runs a call that must fail and returns its ConnectError. */
async function refused(call) {
  try {
    await call();
  } catch (e) {
    return ConnectError.from(e);
  }
  assert.fail("the call succeeded");
}

test("a friend request accepted by the other user makes both friends; a block then refuses a direct room", async () => {
  const ann = await newUser("fann");
  const bob = await newUser("fbob");

  const notYet = await refused(() => rooms.openDirectRoom({ userId: bob.user.id }, auth(ann.token)));
  assert.equal(notYet.code, Code.PermissionDenied);
  assert.equal(notYet.findDetails(ErrorInfoSchema)[0].reason, "NOT_ALLOWED");

  const { request } = await users.sendRelationshipRequest(
    { toUserId: bob.user.id, kind: RelationshipKind.FRIEND, message: "hi" }, auth(ann.token));
  const incoming = await users.listRelationshipRequests(
    { direction: RequestDirection.INCOMING, pendingOnly: true }, auth(bob.token));
  assert.deepEqual(incoming.requests.map((r) => r.id), [request.id]);
  const accepted = await users.acceptRelationshipRequest({ requestId: request.id }, auth(bob.token));
  assert.equal(accepted.request.state, RelationshipRequestState.ACCEPTED);
  const friends = await users.listRelationships({ listing: RelationshipListing.FRIENDS }, auth(ann.token));
  assert.deepEqual(friends.users.map((u) => u.id), [bob.user.id]);
  const { room } = await rooms.openDirectRoom({ userId: bob.user.id }, auth(ann.token));
  assert.deepEqual([...room.directUserIds].sort(), [ann.user.id, bob.user.id].sort());

  await users.blockUser({ userId: ann.user.id }, auth(bob.token));
  const blocked = await refused(() => rooms.openDirectRoom({ userId: bob.user.id }, auth(ann.token)));
  assert.equal(blocked.code, Code.PermissionDenied);
  assert.equal(blocked.findDetails(ErrorInfoSchema)[0].reason, "BLOCKED");
  const after = await users.listRelationships({ listing: RelationshipListing.FRIENDS }, auth(ann.token));
  assert.deepEqual(after.users, []);
});

test("presence: a friend's chosen status, OFFLINE while no device is connected", async () => {
  const ann = await newUser("pann");
  const bob = await newUser("pbob");
  const { request } = await users.sendRelationshipRequest({ toUserId: bob.user.id, kind: RelationshipKind.FRIEND }, auth(ann.token));
  await users.acceptRelationshipRequest({ requestId: request.id }, auth(bob.token));

  const set = await users.setPresence({ status: PresenceStatus.AWAY, statusText: "lunch" }, auth(ann.token));
  assert.equal(set.presence.status, PresenceStatus.OFFLINE, "no chat stream: offline whatever the choice");
  const seen = await users.getPresence({ userIds: [ann.user.id] }, auth(bob.token));
  assert.equal(seen.presences[0].status, PresenceStatus.OFFLINE);
  const bad = await refused(() => users.setPresence({ status: PresenceStatus.OFFLINE }, auth(ann.token)));
  assert.equal(bad.code, Code.InvalidArgument);
});

test("random matching over gRPC-Web: two waiting users are matched, a third waits until it cancels", async () => {
  const ann = await newUser("mann");
  const ben = await newUser("mben");
  const cyd = await newUser("mcyd");

  const [annMatch, benMatch] = await Promise.all([
    rooms.matchRandom({}, auth(ann.token)),
    rooms.matchRandom({}, auth(ben.token)),
  ]);
  assert.equal(annMatch.matchedUserId, ben.user.id);
  assert.equal(benMatch.matchedUserId, ann.user.id);
  assert.equal(annMatch.room.id, benMatch.room.id);

  const cancel = new AbortController();
  let cydDone = false;
  const cydWaits = rooms.matchRandom({}, { ...auth(cyd.token), signal: cancel.signal }).finally(() => { cydDone = true; });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(cydDone, false, "nobody else waits: cyd keeps waiting");
  cancel.abort();
  const ended = await refused(() => cydWaits);
  assert.equal(ended.code, Code.Canceled);

  // the cancel reached chat-service through the edge: cyd may wait again (while the first call
  // still waited, a second one would be FAILED_PRECONDITION); this one ends at its deadline
  for (let tries = 0; ; tries++) {
    const again = await refused(() => rooms.matchRandom({}, { ...auth(cyd.token), timeoutMs: 1000 }));
    if (again.code === Code.DeadlineExceeded) {
      break;
    }
    assert.equal(again.code, Code.FailedPrecondition);
    assert.ok(tries < 60, "the cancelled call left the queue");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});
