// What every web test shares: where the edge is (started by test/run-e2e.sh), gRPC-Web clients
// through Connect-ES, and fresh accounts.
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { randomBytes } from "node:crypto";
import { UserService } from "../../src/gen/chatmesh/user/v1/user_service_pb.js";
import { RoomService } from "../../src/gen/chatmesh/room/v1/room_service_pb.js";
import { MessageService } from "../../src/gen/chatmesh/message/v1/message_service_pb.js";

/** The edge's base URL, e.g. http://127.0.0.1:9090. */
export const edgeUrl = (() => {
  const url = process.env.CHATMESH_EDGE_URL;
  if (!url) {
    throw new Error("CHATMESH_EDGE_URL is not set: run the web tests with web/test/run-e2e.sh");
  }
  return url.replace(/\/$/, "");
})();

/** gRPC-Web over HTTP/1.1, as a browser speaks it. */
export const transport = createGrpcWebTransport({ baseUrl: edgeUrl, httpVersion: "1.1" });

export const users = createClient(UserService, transport);
export const rooms = createClient(RoomService, transport);
export const messages = createClient(MessageService, transport);

/** Call options carrying a user's access token. */
export function auth(accessToken) {
  return { headers: { authorization: `Bearer ${accessToken}` } };
}

/** A username no other test run has taken: prefix + random suffix, within 3-32 characters. */
export function uniqueName(prefix) {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export const PASSWORD = "correct horse battery";

/** Signs up and logs in a new user: { user, tokens, token }. */
export async function newUser(prefix) {
  const username = uniqueName(prefix);
  await users.signUp({ username, password: PASSWORD, displayName: `${prefix} (test)` });
  const login = await users.logIn({ username, password: PASSWORD });
  return { user: login.user, tokens: login.tokens, token: login.tokens.accessToken, username };
}
