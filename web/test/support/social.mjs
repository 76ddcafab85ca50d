// Relationships set up over the API (not through the app), for tests about something else that
// need two users to be friends — a direct room needs friendship unless the other user accepts
// direct messages from anyone.
import { RelationshipKind } from "../../src/gen/chatmesh/user/v1/user_pb.js";
import { auth, PASSWORD, users } from "./edge.mjs";

async function logIn(username) {
  const login = await users.logIn({ username, password: PASSWORD });
  return { id: login.user.id, token: login.tokens.accessToken };
}

/** Makes two existing users (signed up with the tests' PASSWORD) friends. */
export async function befriend(usernameA, usernameB) {
  const [a, b] = await Promise.all([logIn(usernameA), logIn(usernameB)]);
  const sent = await users.sendRelationshipRequest({ toUserId: b.id, kind: RelationshipKind.FRIEND }, auth(a.token));
  await users.acceptRelationshipRequest({ requestId: sent.request.id }, auth(b.token));
}

/** The first user (signed up with the tests' PASSWORD) blocks the second. */
export async function block(blockerUsername, blockedUsername) {
  const [blocker, blocked] = await Promise.all([logIn(blockerUsername), logIn(blockedUsername)]);
  await users.blockUser({ userId: blocked.id }, auth(blocker.token));
}
