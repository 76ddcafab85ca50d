// Finding and making rooms: the public directory (ListPublicRooms, JoinRoom), a new room
// (CreateRoom) and a direct room with someone by username (SearchUsers, OpenDirectRoom).
import { RoomKind, type Room } from "../gen/chatmesh/room/v1/room_pb.js";
import { describe } from "../api/errors.js";
import type { RoomCounts } from "../state/unread.js";
import type { AppContext } from "./context.js";
import { errorLine, field, fill, h, onSubmit } from "./dom.js";

export function directoryView(ctx: AppContext): HTMLElement {
  const error = errorLine();
  const list = h("ul", { class: "directory" });
  const more = h("button", { type: "button", class: "secondary", text: "More rooms", hidden: true });
  let query = "";
  let pageToken = "";

  async function load(reset: boolean): Promise<void> {
    error.clear();
    try {
      const page = await ctx.clients.rooms.listPublicRooms({ query, pageSize: 50, pageToken: reset ? "" : pageToken });
      if (reset) fill(list);
      if (reset && page.rooms.length === 0) list.append(h("li", { class: "empty", text: "No public rooms match." }));
      page.rooms.forEach((room) => list.append(entry(room)));
      pageToken = page.nextPageToken;
      more.hidden = !pageToken;
    } catch (err) {
      error.show(describe(err));
    }
  }

  function entry(room: Room): HTMLElement {
    const member = ctx.myRooms.has(room.id);
    const button = h("button", { type: "button", text: member ? "Open" : "Join" });
    button.addEventListener("click", async () => {
      error.clear();
      try {
        if (!member) {
          const joined = await ctx.clients.rooms.joinRoom({ roomId: room.id });
          ctx.chat.know(room.id, joined.room?.lastMessageSeq ?? room.lastMessageSeq);
          await ctx.refreshRooms();
        }
        ctx.navigate(`#/room/${room.id}`);
      } catch (err) {
        error.show(describe(err));
      }
    });
    return h("li", { data: { roomId: room.id } },
      h("div", {}, h("strong", { text: room.name }), room.topic && h("span", { class: "topic", text: ` — ${room.topic}` })),
      h("span", { class: "count", text: `${room.memberCount} member${room.memberCount === 1 ? "" : "s"}` }),
      button);
  }

  const search = h("form", { class: "search", role: "search" },
    h("input", { name: "query", placeholder: "Room name starts with…", "aria-label": "Search public rooms", maxLength: 80 }),
    h("button", { type: "submit", text: "Search" }));
  onSubmit(search, async () => {
    query = field(search, "query");
    await load(true);
  });
  more.addEventListener("click", () => void load(false));
  void load(true);
  return h("section", { class: "panel" }, h("h2", { text: "Public rooms" }), search, error, list, more);
}

export function newRoomView(ctx: AppContext): HTMLElement {
  const error = errorLine();
  const kind = h("select", { name: "kind" },
    h("option", { value: String(RoomKind.PUBLIC), text: "Public — anyone can find and join it" }),
    h("option", { value: String(RoomKind.PRIVATE), text: "Private — members are invited" }),
    h("option", { value: String(RoomKind.GROUP), text: "Group — a small group, any member invites" }));
  const form = h("form", { class: "card", "aria-label": "New room" },
    h("h2", { text: "New room" }),
    h("label", {}, "Name", h("input", { name: "name", required: true, maxLength: 80 })),
    h("label", {}, "Topic (optional)", h("input", { name: "topic", maxLength: 512 })),
    h("label", {}, "Kind", kind),
    error,
    h("button", { type: "submit", text: "Create room" }));
  onSubmit(form, async () => {
    error.clear();
    try {
      const { room } = await ctx.clients.rooms.createRoom({
        name: field(form, "name"), topic: field(form, "topic"), kind: Number(kind.value) as RoomKind,
      });
      ctx.chat.know(room!.id, room!.lastMessageSeq);
      await ctx.refreshRooms();
      ctx.navigate(`#/room/${room!.id}`);
    } catch (err) {
      error.show(describe(err));
    }
  });
  return h("section", { class: "panel" }, form);
}

export function directView(ctx: AppContext): HTMLElement {
  const error = errorLine();
  const form = h("form", { class: "card", "aria-label": "Direct message" },
    h("h2", { text: "Message someone directly" }),
    h("label", {}, "Their username", h("input", { name: "username", required: true, maxLength: 32, autocomplete: "off" })),
    error,
    h("button", { type: "submit", text: "Open chat" }));
  onSubmit(form, async () => {
    error.clear();
    const username = field(form, "username").toLowerCase();
    try {
      const { users } = await ctx.clients.users.searchUsers({ query: username, pageSize: 100 });
      const user = users.find((u) => u.username === username);
      if (!user) {
        error.show(`Nobody is called “${username}”.`);
        return;
      }
      if (user.id === ctx.session.user?.userId) {
        error.show("That is you. Pick someone else.");
        return;
      }
      ctx.people.remember(user);
      const { room } = await ctx.clients.rooms.openDirectRoom({ userId: user.id });
      ctx.chat.know(room!.id, room!.lastMessageSeq);
      await ctx.refreshRooms();
      ctx.navigate(`#/room/${room!.id}`);
    } catch (err) {
      error.show(describe(err));
    }
  });
  return h("section", { class: "panel" }, form);
}

/** A room's unread badge and, when someone mentioned the person, its mention badge ("@3"). */
export function roomBadges(counts: RoomCounts): HTMLElement | false {
  if (counts.unread === 0 && counts.mentions === 0) return false;
  return h("span", { class: "badges" },
    counts.unread > 0 && h("span", { class: "badge", title: "Unread messages", text: String(counts.unread) }),
    counts.mentions > 0 && h("span", { class: "badge mention", title: "Mentions of you", text: `@${counts.mentions}` }));
}
