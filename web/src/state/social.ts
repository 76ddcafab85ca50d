// The person's social graph as last listed: friends, followers, following, pending requests in
// and out, and the users they blocked (UserService.ListRelationships, ListRelationshipRequests,
// ListBlockedUsers). The server pushes no relationship changes, so screens that show them ask for
// a refresh (on opening, after an action, and every few seconds while the friends page is open).
import { RelationshipKind, type RelationshipRequest, type User } from "../gen/chatmesh/user/v1/user_pb.js";
import { RelationshipListing, RequestDirection } from "../gen/chatmesh/user/v1/user_service_pb.js";
import type { Clients } from "../api/clients.js";
import type { People } from "./people.js";
import type { Presences } from "./presence.js";

/** How the person stands with another user, as far as the app can offer actions. */
export type Standing = "self" | "friend" | "request-sent" | "request-received" | "blocked" | "none";

export class Social {
  friends: User[] = [];
  followers: User[] = [];
  following: User[] = [];
  incoming: RelationshipRequest[] = [];
  outgoing: RelationshipRequest[] = [];
  blocked: User[] = [];
  /** Whether anything was listed yet. */
  loaded = false;
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly clients: Clients,
    private readonly people: People,
    private readonly presences: Presences,
    private readonly selfId: () => string | undefined,
  ) {}

  /** Called after every refresh; returns what stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lists everything again (one refresh at a time: a second call gets the one in flight). */
  refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  standing(userId: string): Standing {
    if (userId === this.selfId()) return "self";
    if (this.blocked.some((u) => u.id === userId)) return "blocked";
    if (this.friends.some((u) => u.id === userId)) return "friend";
    const friendRequest = (r: RelationshipRequest) => r.kind === RelationshipKind.FRIEND;
    if (this.outgoing.some((r) => friendRequest(r) && r.toUserId === userId)) return "request-sent";
    if (this.incoming.some((r) => friendRequest(r) && r.fromUserId === userId)) return "request-received";
    return "none";
  }

  private async load(): Promise<void> {
    const users = this.clients.users;
    const [friends, followers, following, incoming, outgoing, blocked] = await Promise.all([
      allPages((pageToken) => users.listRelationships({ listing: RelationshipListing.FRIENDS, pageSize: 100, pageToken })
        .then((p) => [p.users, p.nextPageToken] as const)),
      allPages((pageToken) => users.listRelationships({ listing: RelationshipListing.FOLLOWERS, pageSize: 100, pageToken })
        .then((p) => [p.users, p.nextPageToken] as const)),
      allPages((pageToken) => users.listRelationships({ listing: RelationshipListing.FOLLOWING, pageSize: 100, pageToken })
        .then((p) => [p.users, p.nextPageToken] as const)),
      allPages((pageToken) => users.listRelationshipRequests({ direction: RequestDirection.INCOMING, pendingOnly: true, pageSize: 100, pageToken })
        .then((p) => [p.requests, p.nextPageToken] as const)),
      allPages((pageToken) => users.listRelationshipRequests({ direction: RequestDirection.OUTGOING, pendingOnly: true, pageSize: 100, pageToken })
        .then((p) => [p.requests, p.nextPageToken] as const)),
      allPages((pageToken) => users.listBlockedUsers({ pageSize: 100, pageToken })
        .then((p) => [p.users, p.nextPageToken] as const)),
    ]);
    [...friends, ...followers, ...following, ...blocked].forEach((user) => this.people.remember(user));
    await this.people.load([...incoming.map((r) => r.fromUserId), ...outgoing.map((r) => r.toUserId)]);
    const lists = { friends, followers, following, incoming, outgoing, blocked };
    // listeners re-render: only when something changed (the friends page refreshes every few seconds)
    const changed = !this.loaded || JSON.stringify(ids(lists)) !== JSON.stringify(ids(this));
    const before = new Set(this.friends.map((u) => u.id));
    const after = new Set(friends.map((u) => u.id));
    const newOrFormerFriends = [...after, ...before].filter((id) => before.has(id) !== after.has(id));
    Object.assign(this, lists, { loaded: true });
    this.presences.watch(after);
    if (newOrFormerFriends.length) await this.presences.recheck(newOrFormerFriends);
    if (changed) this.listeners.forEach((listener) => listener());
  }
}

type Lists = Pick<Social, "friends" | "followers" | "following" | "incoming" | "outgoing" | "blocked">;

function ids(lists: Lists): string[][] {
  return [lists.friends, lists.followers, lists.following, lists.incoming, lists.outgoing, lists.blocked]
    .map((items) => items.map((item: User | RelationshipRequest) => item.id));
}

async function allPages<T>(page: (token: string) => Promise<readonly [T[], string]>): Promise<T[]> {
  const all: T[] = [];
  let token = "";
  do {
    const [items, next] = await page(token);
    all.push(...items);
    token = next;
  } while (token);
  return all;
}
