// Presence of the people the app shows (friends, direct-room peers, members of the open room),
// live from UserService.WatchPresence over gRPC-Web: the server answers the current state of
// every watched id first, then each change. A stream takes at most 100 ids, so the watched ids
// are split into streams of 100, each opened again whenever it ends; adding ids reopens the
// streams with the new set.
import { PresenceStatus, type Presence } from "../gen/chatmesh/user/v1/user_pb.js";
import type { Clients } from "../api/clients.js";
import { keepWatching } from "../streams/keep-watching.js";

const PER_STREAM = 100;

export class Presences {
  private readonly known = new Map<string, Presence>();
  private readonly watched = new Set<string>();
  private readonly listeners = new Set<(presence: Presence) => void>();
  private streams = new AbortController();
  private stopped = false;
  private reopen: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly clients: Clients) {}

  /** The last known presence of a user, if watched and heard of. */
  get(userId: string): Presence | undefined {
    return this.known.get(userId);
  }

  /** Called with every presence heard from now on; returns what stops it. */
  onChange(listener: (presence: Presence) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Watches these users too (ids already watched are ignored). */
  watch(userIds: Iterable<string>): void {
    let added = false;
    for (const id of userIds) {
      if (id && !this.watched.has(id)) {
        this.watched.add(id);
        added = true;
      }
    }
    // several views add ids at once (room list, member list): one reopening for all of them
    if (added && !this.stopped && this.reopen === undefined) {
      this.reopen = setTimeout(() => {
        this.reopen = undefined;
        this.restart();
      }, 50);
    }
  }

  /**
   * Asks again for these users' presence (GetPresence): after a friendship began or ended, what
   * the person may see of them changed, and WatchPresence tells only at their next change.
   */
  async recheck(userIds: string[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += PER_STREAM) {
      const { presences } = await this.clients.users.getPresence({ userIds: userIds.slice(i, i + PER_STREAM) });
      presences.forEach((presence) => this.heard(presence));
    }
  }

  /** Takes a presence learnt elsewhere (the person's own SetPresence answer, the chat stream's presence_changed). */
  heard(presence: Presence): void {
    this.known.set(presence.userId, presence);
    this.listeners.forEach((listener) => listener(presence));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reopen);
    this.streams.abort();
    this.listeners.clear();
  }

  private restart(): void {
    this.streams.abort();
    this.streams = new AbortController();
    const ids = [...this.watched];
    const signal = this.streams.signal;
    for (let i = 0; i < ids.length; i += PER_STREAM) {
      const userIds = ids.slice(i, i + PER_STREAM);
      void keepWatching(signal, (s) => this.clients.users.watchPresence({ userIds }, { signal: s }), (response) => {
        if (response.presence) this.heard(response.presence);
      });
    }
  }
}

/** Whether the user is reachable (online, away or do not disturb). */
export function isConnected(presence: Presence | undefined): boolean {
  return presence !== undefined && presence.status !== PresenceStatus.OFFLINE && presence.status !== PresenceStatus.UNSPECIFIED;
}
