// What the app knows of each room's messages: confirmed messages by seq (each seq once, however
// often it arrives: live, replayed on resume, or from history), and the person's own sends that
// are not acked yet (by client_id).
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";

/** What a send may carry besides its text. */
export interface SendOptions {
  /** Members the message mentions (ids). */
  mentionedUserIds?: string[];
  /** Mentions the whole room (@room: owners and admins only). */
  mentionRoom?: boolean;
  /** A reply in this message's thread: shown in the thread pane, not the room's timeline. */
  threadRootId?: string;
}

export interface PendingSend extends SendOptions {
  clientId: string;
  roomId: string;
  text: string;
  /** Set when the server refused it for good. */
  error?: string;
}

export type TimelineChange =
  | { kind: "added"; message: Message }
  | { kind: "pending"; pending: PendingSend }
  | { kind: "settled"; clientId: string }
  | { kind: "history" };

export class Timeline {
  /** Confirmed messages, ascending by seq. */
  readonly messages: Message[] = [];
  private readonly seqs = new Set<bigint>();
  readonly pending = new Map<string, PendingSend>();
  /** No older message than messages[0] exists. */
  historyComplete = false;
  /** Some history was loaded (the newest page). */
  historyLoaded = false;
  private readonly listeners = new Set<(change: TimelineChange) => void>();

  constructor(readonly roomId: string) {}

  onChange(listener: (change: TimelineChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get newestSeq(): bigint {
    return this.messages.length ? this.messages[this.messages.length - 1].seq : 0n;
  }

  get oldestSeq(): bigint {
    return this.messages.length ? this.messages[0].seq : 0n;
  }

  /** Adds a message unless its seq is known; settles the own send it answers. */
  add(message: Message): boolean {
    if (message.clientId && this.pending.delete(message.clientId)) {
      this.emit({ kind: "settled", clientId: message.clientId });
    }
    if (this.seqs.has(message.seq)) return false;
    this.seqs.add(message.seq);
    let i = this.messages.length;
    while (i > 0 && this.messages[i - 1].seq > message.seq) i--;
    this.messages.splice(i, 0, message);
    this.emit({ kind: "added", message });
    return true;
  }

  /** Older messages from history (any order); returns how many were new. */
  addHistory(messages: Message[], complete: boolean): number {
    let added = 0;
    for (const message of messages) {
      if (this.seqs.has(message.seq)) continue;
      this.seqs.add(message.seq);
      let i = this.messages.length;
      while (i > 0 && this.messages[i - 1].seq > message.seq) i--;
      this.messages.splice(i, 0, message);
      added++;
    }
    this.historyLoaded = true;
    if (complete) this.historyComplete = true;
    this.emit({ kind: "history" });
    return added;
  }

  addPending(pending: PendingSend): void {
    this.pending.set(pending.clientId, pending);
    this.emit({ kind: "pending", pending });
  }

  failPending(clientId: string, error: string): void {
    const pending = this.pending.get(clientId);
    if (!pending) return;
    pending.error = error;
    this.emit({ kind: "pending", pending });
  }

  dropPending(clientId: string): void {
    if (this.pending.delete(clientId)) this.emit({ kind: "settled", clientId });
  }

  private emit(change: TimelineChange): void {
    this.listeners.forEach((listener) => listener(change));
  }
}

export class Timelines {
  private readonly rooms = new Map<string, Timeline>();

  get(roomId: string): Timeline {
    let timeline = this.rooms.get(roomId);
    if (!timeline) {
      timeline = new Timeline(roomId);
      this.rooms.set(roomId, timeline);
    }
    return timeline;
  }

  all(): Iterable<Timeline> {
    return this.rooms.values();
  }
}
