// Unread and mention counts of the person's rooms, as the server keeps them
// (MessageService.GetUnreadCounts; its read markers move with MarkRead). Refreshed when messages
// arrive, at most once per REFRESH_MS, so a busy room does not turn into a call per message.
import type { Clients } from "../api/clients.js";

export interface RoomCounts {
  unread: number;
  mentions: number;
}

const REFRESH_MS = 300;
/** MarkRead never moves a marker past the room's newest stored message: this means "all of it". */
const EVERYTHING = 2n ** 63n - 1n;

export class UnreadCounts {
  private readonly counts = new Map<string, RoomCounts>();
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private roomIds: string[] = [];

  constructor(private readonly clients: Clients) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  of(roomId: string): RoomCounts {
    return this.counts.get(roomId) ?? { unread: 0, mentions: 0 };
  }

  /** The rooms to count (the person's rooms, at most 200 per call); counts them now. */
  async track(roomIds: string[]): Promise<void> {
    this.roomIds = roomIds;
    await this.load();
  }

  /** Counts again soon (coalescing bursts). */
  refreshSoon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.load();
    }, REFRESH_MS);
  }

  /**
   * Marks the room read up to seq (default: everything stored), the person having it open. A
   * message seen live may be stored a moment later, and the marker never passes the newest
   * stored message: so this asks again, a few times, until the marker reached seq.
   */
  async read(roomId: string, seq = EVERYTHING): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const { room } = await this.clients.messages.markRead({ roomId, seq });
        if (room) this.counts.set(roomId, { unread: Number(room.unreadCount), mentions: Number(room.mentionCount) });
        this.listeners.forEach((listener) => listener());
        if (seq === EVERYTHING || (room?.lastReadSeq ?? 0n) >= seq) return;
      } catch {
        return; // counts stay as they were; the next refresh tells
      }
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private async load(roomIds = this.roomIds): Promise<void> {
    try {
      for (let i = 0; i < roomIds.length; i += 200) {
        const { rooms } = await this.clients.messages.getUnreadCounts({ roomIds: roomIds.slice(i, i + 200) });
        rooms.forEach((r) => this.counts.set(r.roomId, { unread: Number(r.unreadCount), mentions: Number(r.mentionCount) }));
      }
      this.listeners.forEach((listener) => listener());
    } catch {
      // a room left meanwhile, or the network: the next refresh tries again
    }
  }
}
