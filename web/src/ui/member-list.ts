// A room's members (RoomService.ListMembers) behind a "Members" toggle in the room's header: each
// with presence (dot, last seen), role, and what the person can do about them: "Add friend" (the
// seeds' "add a chat partner as a friend"), or the state of that ("Friend", "Request sent"),
// "Accept friend request" when they asked first. Listed again each time it is opened.
import "./social.css";
import { Code } from "@connectrpc/connect";
import { MemberRole, type Member } from "../gen/chatmesh/room/v1/room_pb.js";
import { RelationshipKind } from "../gen/chatmesh/user/v1/user_pb.js";
import { describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { errorLine, fill, h } from "./dom.js";
import { lastSeen, presenceDot } from "./presence-dot.js";
import { actionButton } from "./social-actions.js";

const ALREADY = { [Code.AlreadyExists]: "There is already a request between you, or you are already friends." };

/** The toggle and list, and what stops it listening (when the room view closes). */
export function memberList(ctx: AppContext, roomId: string): { element: HTMLElement; close: () => void } {
  const error = errorLine();
  const items = h("ul", { class: "people members-list", "aria-label": "Members" });
  const summary = h("summary", { text: "Members" });
  const panel = h("details", { class: "members" }, summary, error, items);
  let members: Member[] = [];

  function render(): void {
    fill(items, ...members.map((member) => {
      const id = member.userId;
      return h("li", { data: { userId: id } },
        presenceDot(ctx.presences, id),
        h("span", { class: "who" }, h("strong", { text: ctx.people.name(id) }),
          ctx.people.username(id) && h("span", { class: "username", text: ` @${ctx.people.username(id)}` }),
          member.role === MemberRole.OWNER && h("span", { class: "role", text: " owner" }),
          member.role === MemberRole.ADMIN && h("span", { class: "role", text: " admin" })),
        lastSeen(ctx.presences, id),
        h("span", { class: "actions" }, action(id)));
    }));
  }

  function action(userId: string): Node | string {
    const befriend = (text: string) => actionButton(text, async () => {
      error.clear();
      await ctx.clients.users.sendRelationshipRequest({ toUserId: userId, kind: RelationshipKind.FRIEND });
      await ctx.social.refresh();
    }, (text) => error.show(text), { wording: ALREADY });
    switch (ctx.social.standing(userId)) {
      case "self": return h("span", { class: "standing", text: "you" });
      case "friend": return h("span", { class: "standing", text: "Friend" });
      case "request-sent": return h("span", { class: "standing", text: "Request sent" });
      // a friend request to someone who asked first accepts theirs
      case "request-received": return befriend("Accept friend request");
      case "blocked": return h("span", { class: "standing", text: "Blocked" });
      default: return befriend("Add friend");
    }
  }

  async function load(): Promise<void> {
    error.clear();
    try {
      const page = await ctx.clients.rooms.listMembers({ roomId, pageSize: 500 });
      await Promise.all([ctx.people.load(page.members.map((m) => m.userId)), ctx.social.refresh()]);
      members = page.members;
      summary.textContent = `Members (${members.length}${page.nextPageToken ? "+" : ""})`;
      ctx.presences.watch(members.map((m) => m.userId));
      render();
    } catch (err) {
      error.show(describe(err));
    }
  }

  panel.addEventListener("toggle", () => {
    if (panel.open) void load();
  });
  const stopListening = ctx.social.onChange(() => panel.open && render());
  return { element: panel, close: stopListening };
}
