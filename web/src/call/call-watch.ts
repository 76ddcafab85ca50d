// The person's call invitations, live: WatchCalls (gRPC-Web server streaming) opened again
// whenever it ends (token expiry ends it by design, a network drop by accident), so every tab
// and device of the person hears every ring of every room they are in.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Call } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import type { Clients } from "../api/clients.js";

const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

export class CallWatch {
  private readonly abort = new AbortController();
  private failures = 0;

  constructor(
    private readonly clients: Clients,
    private readonly changed: (call: Call) => void,
  ) {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        for await (const response of this.clients.signaling.watchCalls({}, { signal: this.abort.signal })) {
          this.failures = 0;
          if (response.call) this.changed(response.call);
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        // an expired token ends the stream UNAUTHENTICATED: the next attempt carries a fresh one
        if (!(err instanceof ConnectError) || err.code !== Code.Unauthenticated) this.failures++;
      }
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
