// gRPC-Web clients for the edge that served this page (same origin). Calls that need a user go
// through `authed`, which adds the access token and, when a call is refused as UNAUTHENTICATED,
// refreshes the token once and retries.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { UserService } from "../gen/chatmesh/user/v1/user_service_pb.js";
import { RoomService } from "../gen/chatmesh/room/v1/room_service_pb.js";
import { MessageService } from "../gen/chatmesh/message/v1/message_service_pb.js";
import { ChatService } from "../gen/chatmesh/chat/v1/chat_service_pb.js";
import { SignalingService } from "../gen/chatmesh/signaling/v1/signaling_service_pb.js";

/** Supplies access tokens: a valid one, and a fresh one after the server refused one. */
export interface TokenSource {
  accessToken(): Promise<string>;
  refresh(): Promise<string>;
}

const baseUrl = location.origin;

/** SignUp, LogIn and RefreshToken need no token. */
export const publicUsers = createClient(UserService, createGrpcWebTransport({ baseUrl }));

export function authedClients(tokens: TokenSource) {
  const bearer: Interceptor = (next) => async (req) => {
    req.header.set("authorization", `Bearer ${await tokens.accessToken()}`);
    try {
      return await next(req);
    } catch (err) {
      if (!(err instanceof ConnectError) || err.code !== Code.Unauthenticated || req.stream) {
        throw err;
      }
      req.header.set("authorization", `Bearer ${await tokens.refresh()}`);
      return await next(req);
    }
  };
  const transport = createGrpcWebTransport({ baseUrl, interceptors: [bearer] });
  return {
    users: createClient(UserService, transport),
    rooms: createClient(RoomService, transport),
    messages: createClient(MessageService, transport),
    // SendMessage for messages with attachments (ui/attachments.ts); the rest of the chat goes over the stream
    chat: createClient(ChatService, transport),
    // RingCall & co. and WatchCalls (server streaming works over gRPC-Web)
    signaling: createClient(SignalingService, transport),
  };
}

export type Clients = ReturnType<typeof authedClients>;
