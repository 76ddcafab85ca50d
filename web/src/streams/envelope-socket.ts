// One of the edge's WebSocket streams (/ws/chat, /ws/signaling) that stays up: one protobuf
// envelope per binary message, the token in the first one; reconnects with backoff when the
// socket drops (at once when the browser comes back online); sends the protocol's Ping at the
// heartbeat interval and reconnects when nothing, not even a Pong, came back for three of them; renews the stream's token in-band
// (reauthenticate) before it expires. What the envelopes mean is the Protocol's business.
import { SignedOut } from "../api/session.js";
import type { TokenSource } from "../api/clients.js";

export type SocketState = "connecting" | "live" | "reconnecting" | "offline" | "stopped";

export interface Protocol {
  /** The first envelope, carrying the access token (Hello, Join). */
  opening(accessToken: string): Uint8Array;
  ping(nonce: bigint): Uint8Array;
  reauthenticate(clientId: string, accessToken: string): Uint8Array;
  /** Every envelope the server sends. */
  receive(bytes: Uint8Array): void;
  /** The socket closed (not by stop()); "stop" gives up, otherwise it reconnects. */
  closed(code: number, reason: string): "reconnect" | "stop";
}

/** Close codes: 4000 + the gRPC code that ended the stream (docs/edge.md). */
export const CLOSE_UNAUTHENTICATED = 4016;

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
/** Renew the token this long before it expires (or at half its remaining life if sooner). */
const REAUTH_AHEAD_MS = 60_000;

export class EnvelopeSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  /** Getting a token for the next socket. */
  private connecting = false;
  private mustRefresh = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private reauthTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = 0;
  private nonce = 0n;
  private stateValue: SocketState = "connecting";
  private readonly stateListeners = new Set<(state: SocketState) => void>();
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.drop("offline");

  constructor(
    private readonly path: string,
    private readonly tokens: TokenSource,
    private readonly protocol: Protocol,
  ) {
    addEventListener("online", this.onOnline);
    addEventListener("offline", this.onOffline);
    void this.connect();
  }

  get state(): SocketState {
    return this.stateValue;
  }

  onState(listener: (state: SocketState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Sends an envelope; false when the socket is not open (the caller keeps it for later). */
  send(bytes: Uint8Array): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(bytes as Uint8Array<ArrayBuffer>);
    return true;
  }

  /**
   * The stream is live (Ready, Joined): from now on ping at its heartbeat interval and renew its
   * token before it expires.
   */
  live(heartbeatMs: number, tokenExpiresAt: number | undefined): void {
    this.attempt = 0;
    this.setState("live");
    clearInterval(this.heartbeatTimer);
    const interval = Math.max(1_000, heartbeatMs || 30_000);
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > 3 * interval + 2_000) {
        // nothing heard, not even a Pong: the network went away without telling the browser
        this.drop("reconnecting");
        return;
      }
      this.send(this.protocol.ping(++this.nonce));
    }, interval);
    this.renewBefore(tokenExpiresAt);
  }

  /** The server took a new token (Reauthenticated): renew again before this one expires. */
  renewBefore(tokenExpiresAt: number | undefined): void {
    clearTimeout(this.reauthTimer);
    if (!tokenExpiresAt) return;
    const left = tokenExpiresAt - Date.now();
    const delay = Math.max(0, left > 2 * REAUTH_AHEAD_MS ? left - REAUTH_AHEAD_MS : left / 2);
    this.reauthTimer = setTimeout(() => void this.reauthenticate(), delay);
  }

  /** Closes for good. */
  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.onOnline);
    removeEventListener("offline", this.onOffline);
    clearTimeout(this.retryTimer);
    this.clearTimers();
    this.ws?.close(1000);
    this.ws = null;
    this.setState("stopped");
  }

  private async reauthenticate(): Promise<void> {
    try {
      const token = await this.tokens.refresh();
      this.send(this.protocol.reauthenticate(`reauth-${Date.now()}`, token));
    } catch (err) {
      if (err instanceof SignedOut) this.stop();
      // otherwise the stream ends at expiry and the reconnect refreshes again
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    this.setState(this.attempt === 0 ? "connecting" : "reconnecting");
    let token: string;
    try {
      token = this.mustRefresh ? await this.tokens.refresh() : await this.tokens.accessToken();
      this.mustRefresh = false;
    } catch (err) {
      if (err instanceof SignedOut) {
        this.stop();
        return;
      }
      this.scheduleRetry();
      return;
    } finally {
      this.connecting = false;
    }
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${this.path}`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      ws.send(this.protocol.opening(token) as Uint8Array<ArrayBuffer>);
    };
    ws.onmessage = (e) => {
      this.lastHeard = Date.now();
      if (e.data instanceof ArrayBuffer) this.protocol.receive(new Uint8Array(e.data));
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return; // replaced or stopped
      this.ws = null;
      this.clearTimers();
      if (e.code === CLOSE_UNAUTHENTICATED) this.mustRefresh = true;
      if (this.protocol.closed(e.code, e.reason) === "stop") {
        this.stop();
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    // navigator.onLine is only a hint (false on a machine with loopback only, say): keep trying;
    // the online event tries again at once
    this.setState(navigator.onLine ? "reconnecting" : "offline");
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt++);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), base / 2 + (Math.random() * base) / 2);
  }

  private reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.ws || this.connecting) return; // open, or about to be
    clearTimeout(this.retryTimer);
    void this.connect();
  }

  /** Gives up on the current socket (offline, silent) and reconnects as usual. */
  private drop(state: SocketState): void {
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    ws?.close(1000);
    if (ws) this.protocol.closed(1006, "dropped by the client");
    this.scheduleRetry();
    if (state === "offline") this.setState("offline");
  }

  private clearTimers(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.reauthTimer);
  }

  private setState(state: SocketState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateListeners.forEach((listener) => listener(state));
  }
}
