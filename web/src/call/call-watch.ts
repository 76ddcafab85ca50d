// The person's call invitations, live: WatchCalls (gRPC-Web server streaming) opened again
// whenever it ends, so every tab and device of the person hears every ring of every room they
// are in.
import type { Call } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import type { Clients } from "../api/clients.js";
import { keepWatching } from "../streams/keep-watching.js";

export class CallWatch {
  private readonly abort = new AbortController();

  constructor(clients: Clients, changed: (call: Call) => void) {
    void keepWatching(this.abort.signal, (signal) => clients.signaling.watchCalls({}, { signal }), (response) => {
      if (response.call) changed(response.call);
    });
  }

  stop(): void {
    this.abort.abort();
  }
}
