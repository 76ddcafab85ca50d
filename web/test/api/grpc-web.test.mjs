// The edge's gRPC-Web route with Connect-ES, as the web app uses it: accounts, rooms, and a
// refused call arriving as a ConnectError with its google.rpc details.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "../../src/gen/google/rpc/error_details_pb.js";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, messages, newUser, PASSWORD, rooms, uniqueName, users } from "../support/edge.mjs";

/** Runs a call that must fail and returns its ConnectError. */
async function refused(call) {
  try {
    await call();
  } catch (e) {
    return ConnectError.from(e);
  }
  assert.fail("the call succeeded");
}

test("sign up, log in, create a room and find it in my rooms", async () => {
  const username = uniqueName("ann");
  const signUp = await users.signUp({ username, password: PASSWORD });
  assert.equal(signUp.user.username, username);
  assert.match(signUp.user.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);

  const login = await users.logIn({ username, password: PASSWORD });
  assert.equal(login.user.id, signUp.user.id);
  assert.ok(login.tokens.accessToken.length > 0);
  assert.ok(login.tokens.refreshToken.length > 0);
  const me = await users.getMe({}, auth(login.tokens.accessToken));
  assert.equal(me.user.id, signUp.user.id);

  const before = await rooms.listMyRooms({}, auth(login.tokens.accessToken));
  assert.deepEqual(before.rooms, []);
  const created = await rooms.createRoom({ kind: RoomKind.PUBLIC, name: "web test room" }, auth(login.tokens.accessToken));
  const after = await rooms.listMyRooms({}, auth(login.tokens.accessToken));
  assert.deepEqual(after.rooms.map((room) => room.id), [created.room.id]);
  const history = await messages.listMessages({ roomId: created.room.id }, auth(login.tokens.accessToken));
  assert.deepEqual(history.messages, []);
});

test("an invalid sign-up is INVALID_ARGUMENT with a field violation per bad field", async () => {
  const err = await refused(() => users.signUp({ username: "x", password: "short" }));
  assert.equal(err.code, Code.InvalidArgument);
  const [badRequest] = err.findDetails(BadRequestSchema);
  assert.ok(badRequest, "a google.rpc.BadRequest detail");
  assert.deepEqual(badRequest.fieldViolations.map((v) => v.field).sort(), ["password", "username"]);
  const [info] = err.findDetails(ErrorInfoSchema);
  assert.equal(info.domain, "chatmesh.io");
  assert.equal(info.reason, "INVALID_FIELD");
});

test("a taken username is ALREADY_EXISTS; a wrong password UNAUTHENTICATED", async () => {
  const { username } = await newUser("bob");
  const taken = await refused(() => users.signUp({ username: username.toUpperCase(), password: PASSWORD }));
  assert.equal(taken.code, Code.AlreadyExists);
  assert.equal(taken.findDetails(ErrorInfoSchema)[0].reason, "ALREADY_EXISTS");

  const wrong = await refused(() => users.logIn({ username, password: "not the password" }));
  assert.equal(wrong.code, Code.Unauthenticated);
});

test("a call without a token, or with a logged-out session's token, is UNAUTHENTICATED", async () => {
  const none = await refused(() => rooms.listMyRooms({}));
  assert.equal(none.code, Code.Unauthenticated);

  const carol = await newUser("carol");
  await users.logOut({ refreshToken: carol.tokens.refreshToken }, auth(carol.token));
  const after = await refused(() => rooms.listMyRooms({}, auth(carol.token)));
  assert.equal(after.code, Code.Unauthenticated);
  const refresh = await refused(() => users.refreshToken({ refreshToken: carol.tokens.refreshToken }));
  assert.equal(refresh.code, Code.Unauthenticated);
});

test("a private room is NOT_FOUND to others; a public one they have not joined is PERMISSION_DENIED", async () => {
  const owner = await newUser("dora");
  const other = await newUser("eve");
  const secret = await rooms.createRoom({ kind: RoomKind.PRIVATE, name: "secret" }, auth(owner.token));
  const open = await rooms.createRoom({ kind: RoomKind.PUBLIC, name: "open" }, auth(owner.token));

  const hidden = await refused(() => messages.listMessages({ roomId: secret.room.id }, auth(other.token)));
  assert.equal(hidden.code, Code.NotFound);
  const notJoined = await refused(() => messages.listMessages({ roomId: open.room.id }, auth(other.token)));
  assert.equal(notJoined.code, Code.PermissionDenied);
  assert.equal(notJoined.findDetails(ErrorInfoSchema)[0].reason, "NOT_A_MEMBER");

  await rooms.joinRoom({ roomId: open.room.id }, auth(other.token));
  const joined = await messages.listMessages({ roomId: open.room.id }, auth(other.token));
  assert.deepEqual(joined.messages, []);
});

test("refreshing a token rotates it: the new pair works, the old refresh token is spent", async () => {
  const fay = await newUser("fay");
  const fresh = await users.refreshToken({ refreshToken: fay.tokens.refreshToken });
  assert.notEqual(fresh.tokens.refreshToken, fay.tokens.refreshToken);
  const me = await users.getMe({}, auth(fresh.tokens.accessToken));
  assert.equal(me.user.id, fay.user.id);
});
