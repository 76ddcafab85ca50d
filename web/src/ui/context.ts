// What every screen of a signed-in person shares.
import type { Room } from "../gen/chatmesh/room/v1/room_pb.js";
import type { Clients } from "../api/clients.js";
import type { Invitations } from "../call/invitations.js";
import type { Session } from "../api/session.js";
import type { ChatStream } from "../streams/chat-stream.js";
import type { People } from "../state/people.js";
import type { Timelines } from "../state/timeline.js";
import type { UnreadCounts } from "../state/unread.js";

export interface AppContext {
  session: Session;
  clients: Clients;
  chat: ChatStream;
  timelines: Timelines;
  people: People;
  /** Unread and mention counts per room (GetUnreadCounts), and marking rooms read. */
  unread: UnreadCounts;
  /** Call invitations (ringing) of the person, live from WatchCalls. */
  invitations: Invitations;
  /** The person's rooms as last listed (ListMyRooms), by id. */
  myRooms: Map<string, Room>;
  /** Lists the person's rooms again (after a create, join or membership change). */
  refreshRooms(): Promise<void>;
  navigate(hash: string): void;
  /** A short message at the top of the page. */
  notify(text: string): void;
  signOut(): Promise<void>;
}

/** A room's name as the person knows it: a direct room is named after the other person. */
export function roomTitle(ctx: AppContext, room: Room): string {
  if (room.directUserIds.length > 0) {
    const other = room.directUserIds.find((id) => id !== ctx.session.user?.userId) ?? room.directUserIds[0];
    return `@${ctx.people.username(other) ?? ctx.people.name(other)}`;
  }
  return room.name;
}
