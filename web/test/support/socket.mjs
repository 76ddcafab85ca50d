// A raw WebSocket to one of the edge's stream bridges (/ws/chat, /ws/signaling) with the `ws`
// package: one protobuf envelope per binary message, encoded and decoded with the generated
// message types (no gRPC stubs), as a browser sends them.
import WebSocket from "ws";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { edgeUrl } from "./edge.mjs";

/** Fails a wait that would otherwise hang; the tests assert what arrives, not how fast. */
const GUARD_MS = 20_000;

export class EnvelopeSocket {
  /**
   * @param path "/ws/chat" or "/ws/signaling"
   * @param clientSchema, serverSchema the stream's ClientEvent and ServerEvent
   */
  static async open(path, clientSchema, serverSchema, origin = edgeUrl) {
    const socket = new EnvelopeSocket(new WebSocket(edgeUrl.replace(/^http/, "ws") + path, { origin }), clientSchema, serverSchema);
    await new Promise((resolve, reject) => {
      socket.ws.once("open", resolve);
      socket.ws.once("error", reject);
      socket.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return socket;
  }

  constructor(ws, clientSchema, serverSchema) {
    this.ws = ws;
    this.clientSchema = clientSchema;
    this.serverSchema = serverSchema;
    /** Events received and not yet taken by next(). */
    this.inbox = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return;
      this.inbox.push(fromBinary(serverSchema, new Uint8Array(data)));
      this.wake();
    });
    ws.once("close", () => this.wake());
  }

  /** Sends one ClientEvent, given as its init shape ({ clientId, event: { case, value } }). */
  send(init) {
    this.ws.send(toBinary(this.clientSchema, create(this.clientSchema, init)));
  }

  /** Sends raw bytes as one binary message. */
  sendRaw(bytes) {
    this.ws.send(bytes);
  }

  /** The first received event whose oneof case is `kind` and that `match` accepts; others stay in the inbox. */
  async next(kind, match = () => true) {
    const deadline = Date.now() + GUARD_MS;
    for (;;) {
      const i = this.inbox.findIndex((e) => e.event.case === kind && match(e.event.value));
      if (i >= 0) {
        const [found] = this.inbox.splice(i, 1);
        return found.event.value;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${kind}`);
      if (Date.now() > deadline) throw new Error(`no ${kind} arrived; got ${this.inbox.map((e) => e.event.case).join(", ")}`);
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  /** Every event received so far of this kind, taken from the inbox. */
  take(kind) {
    const taken = this.inbox.filter((e) => e.event.case === kind).map((e) => e.event.value);
    this.inbox = this.inbox.filter((e) => e.event.case !== kind);
    return taken;
  }

  close() {
    this.ws.close(1000);
    return this.closed;
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
