// Names of the people the app shows (message senders, the other side of a direct room), fetched
// in batches with UserService.BatchGetUsers and kept for the page's life.
import type { User } from "../gen/chatmesh/user/v1/user_pb.js";
import type { Clients } from "../api/clients.js";

export class People {
  private readonly known = new Map<string, User>();

  constructor(private readonly clients: Clients) {}

  remember(user: User): void {
    this.known.set(user.id, user);
  }

  /** Loads whoever of these is not known yet (unknown ids stay unknown). */
  async load(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => id && !this.known.has(id));
    for (let i = 0; i < missing.length; i += 100) {
      const { users } = await this.clients.users.batchGetUsers({ userIds: missing.slice(i, i + 100) });
      users.forEach((user) => this.remember(user));
    }
  }

  /** The user with exactly this username (SearchUsers is a prefix search), remembered. */
  async byUsername(username: string): Promise<User | undefined> {
    const wanted = username.trim().toLowerCase();
    const { users } = await this.clients.users.searchUsers({ query: wanted, pageSize: 100 });
    const user = users.find((u) => u.username === wanted);
    if (user) this.remember(user);
    return user;
  }

  name(id: string): string {
    const user = this.known.get(id);
    return user ? user.displayName || user.username : "someone";
  }

  username(id: string): string | undefined {
    return this.known.get(id)?.username;
  }
}
