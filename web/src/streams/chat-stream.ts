// The chat stream (/ws/chat): Hello with the cursor of every room the app knows, Ready, then every
// event of the person's rooms. Sends carry a client_id and stay pending until their Ack; after a
// reconnect the stream resumes from the cursors (no gap, no duplicate: timelines dedupe by seq)
// and sends again what was not acked, with the same client_id (the server posts it once).
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import {
  ClientEventSchema,
  RoomCursorSchema,
  ServerEventSchema,
  type ServerEvent,
} from "../gen/chatmesh/chat/v1/chat_service_pb.js";
import { MessageSchema, type Message } from "../gen/chatmesh/message/v1/message_pb.js";
import type { MembershipChanged } from "../gen/chatmesh/chat/v1/room_event_pb.js";
import type { StreamError } from "../gen/chatmesh/common/v1/common_pb.js";
import type { TokenSource } from "../api/clients.js";
import { describeStreamError } from "../api/errors.js";
import type { SendOptions, Timelines } from "../state/timeline.js";
import { EnvelopeSocket, type SocketState } from "./envelope-socket.js";
import { newId } from "./ids.js";

export interface ChatStreamEvents {
  /** A new message in a room (not one already known). */
  message(message: Message): void;
  membership(change: MembershipChanged): void;
  /** A problem with the stream as a whole, in words. */
  notice(text: string): void;
  /** How many sessions this stream opened (Ready) and how often it renewed its token in-band. */
  counted(readies: number, reauthentications: number): void;
}

const DEVICE_KEY = "chatmesh.device";

interface UnackedSend extends SendOptions {
  roomId: string;
  text: string;
}

export class ChatStream {
  /** Per room, the newest seq the app has: what Hello.resume_from sends. */
  private readonly cursors = new Map<string, bigint>();
  /** Sends not acked yet, in the order they were made. */
  private readonly unacked = new Map<string, UnackedSend>();
  private readonly socket: EnvelopeSocket;
  private userId = "";
  private readies = 0;
  private reauthentications = 0;

  constructor(
    tokens: TokenSource,
    private readonly timelines: Timelines,
    private readonly events: ChatStreamEvents,
  ) {
    this.socket = new EnvelopeSocket("/ws/chat", tokens, {
      opening: (accessToken) => this.encode({
        case: "hello",
        value: {
          accessToken,
          deviceId: deviceId(),
          resumeFrom: [...this.cursors].map(([roomId, seq]) => create(RoomCursorSchema, { roomId, seq })),
        },
      }),
      ping: (nonce) => this.encode({ case: "ping", value: { nonce } }),
      reauthenticate: (clientId, accessToken) =>
        this.encode({ case: "reauthenticate", value: { accessToken } }, clientId),
      receive: (bytes) => this.receive(fromBinary(ServerEventSchema, bytes)),
      closed: () => "reconnect",
    });
  }

  get state(): SocketState {
    return this.socket.state;
  }

  onState(listener: (state: SocketState) => void): () => void {
    return this.socket.onState(listener);
  }

  /** The app has this room up to seq (a joined or opened room, or loaded history). */
  know(roomId: string, seq: bigint): void {
    if ((this.cursors.get(roomId) ?? -1n) < seq) this.cursors.set(roomId, seq);
  }

  /** Posts a message; it shows as pending until acked. */
  send(roomId: string, text: string, options: SendOptions = {}): void {
    const clientId = newId();
    this.unacked.set(clientId, { roomId, text, ...options });
    this.timelines.get(roomId).addPending({ clientId, roomId, text, ...options });
    this.sendMessage(clientId);
  }

  /** Sends a failed message again, with its client_id. */
  retry(roomId: string, clientId: string): void {
    const pending = this.timelines.get(roomId).pending.get(clientId);
    if (!pending) return;
    pending.error = undefined;
    this.unacked.set(clientId, { ...pending, roomId, text: pending.text });
    this.timelines.get(roomId).addPending(pending);
    this.sendMessage(clientId);
  }

  stop(): void {
    this.socket.stop();
  }

  private sendMessage(clientId: string): void {
    const send = this.unacked.get(clientId);
    if (send && this.socket.state === "live") {
      this.socket.send(this.encode({
        case: "send",
        value: {
          roomId: send.roomId, text: send.text, threadRootId: send.threadRootId ?? "",
          mentionedUserIds: send.mentionedUserIds ?? [], mentionRoom: send.mentionRoom ?? false,
        },
      }, clientId));
    } // else: sent once the stream is live again (Ready)
  }

  private receive(event: ServerEvent): void {
    const e = event.event;
    switch (e.case) {
      case "ready": {
        this.userId = e.value.userId;
        for (const room of e.value.rooms) {
          // a room without a cursor starts here: older messages come from history when opened
          if (!this.cursors.has(room.roomId)) this.cursors.set(room.roomId, room.seq);
        }
        const heartbeat = e.value.heartbeatInterval ? durationMs(e.value.heartbeatInterval) : 30_000;
        const expiry = e.value.tokenExpireTime ? timestampMs(e.value.tokenExpireTime) : undefined;
        this.socket.live(heartbeat, expiry);
        this.events.counted(++this.readies, this.reauthentications);
        [...this.unacked.keys()].forEach((clientId) => this.sendMessage(clientId));
        break;
      }
      case "messageCreated": {
        const message = e.value.message;
        if (!message) break;
        this.know(message.roomId, message.seq);
        if (this.timelines.get(message.roomId).add(message)) this.events.message(message);
        if (message.clientId) this.unacked.delete(message.clientId);
        break;
      }
      case "ack": {
        const ack = e.value;
        const send = this.unacked.get(ack.clientId);
        if (!send) break;
        this.unacked.delete(ack.clientId);
        const message = create(MessageSchema, {
          id: ack.messageId,
          roomId: ack.roomId,
          seq: ack.seq,
          senderId: this.userId,
          clientId: ack.clientId,
          text: send.text,
          threadRootId: send.threadRootId ?? "",
          mentionedUserIds: send.mentionedUserIds ?? [],
          mentionRoom: send.mentionRoom ?? false,
          createTime: ack.serverTime,
        });
        if (this.timelines.get(ack.roomId).add(message)) this.events.message(message);
        break;
      }
      case "error":
        this.failed(e.value);
        break;
      case "membershipChanged":
        this.events.membership(e.value);
        break;
      case "reauthenticated":
        this.socket.renewBefore(e.value.tokenExpireTime ? timestampMs(e.value.tokenExpireTime) : undefined);
        this.events.counted(this.readies, ++this.reauthentications);
        break;
      default:
        break; // pongs, typing, receipts: nothing to show yet
    }
  }

  private failed(error: StreamError): void {
    const send = this.unacked.get(error.clientId);
    if (!send) {
      if (!error.clientId) this.events.notice(describeStreamError(error));
      return;
    }
    if (error.code === Code.Unavailable || error.code === Code.ResourceExhausted) {
      // not posted yet: the same client_id again after the wait the server asked for
      const wait = error.retryDelay ? durationMs(error.retryDelay) : 1_000;
      setTimeout(() => this.sendMessage(error.clientId), Math.max(wait, 500));
      return;
    }
    this.unacked.delete(error.clientId);
    this.timelines.get(send.roomId).failPending(error.clientId, describeStreamError(error));
  }

  private encode(event: MessageInitShape<typeof ClientEventSchema>["event"], clientId = ""): Uint8Array {
    return toBinary(ClientEventSchema, create(ClientEventSchema, { clientId, event }));
  }
}

function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = newId().slice(0, 32);
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}
