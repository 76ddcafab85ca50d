// The person's call invitations as WatchCalls reports them: the latest state of each call, and
// listeners for changes (the incoming-call banner, the room's call panel).
import { CallState, type Call } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import type { Clients } from "../api/clients.js";
import { CallWatch } from "./call-watch.js";

export class Invitations {
  private readonly calls = new Map<string, Call>();
  private readonly listeners = new Set<(call: Call) => void>();
  private readonly watch: CallWatch;

  constructor(clients: Clients) {
    this.watch = new CallWatch(clients, (call) => {
      this.calls.set(call.callId, call);
      this.listeners.forEach((listener) => listener(call));
    });
  }

  /** Called with every change from now on; returns what stops it. */
  onChange(listener: (call: Call) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The room's call that is ringing now, if any. */
  ringingIn(roomId: string): Call | undefined {
    return [...this.calls.values()].find((call) => call.roomId === roomId && call.state === CallState.RINGING);
  }

  stop(): void {
    this.watch.stop();
    this.listeners.clear();
  }
}
