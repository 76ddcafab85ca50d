// A gRPC-Web server stream that should last as long as the page (WatchCalls, WatchPresence):
// opened again whenever it ends (an expired token ends it by design, a network drop by accident),
// after a pause that grows with consecutive failures, until the signal aborts.
import { Code, ConnectError } from "@connectrpc/connect";

const RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

export async function keepWatching<T>(
  signal: AbortSignal,
  open: (signal: AbortSignal) => AsyncIterable<T>,
  each: (response: T) => void,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      for await (const response of open(signal)) {
        failures = 0;
        each(response);
      }
    } catch (err) {
      if (signal.aborted) return;
      // an expired token ends the stream UNAUTHENTICATED: the next attempt carries a fresh one
      if (!(err instanceof ConnectError) || err.code !== Code.Unauthenticated) failures++;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]));
  }
}
