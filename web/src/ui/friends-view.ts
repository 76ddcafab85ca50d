// The friends page (#/friends): add someone by username (friend request, follow, block), the
// requests waiting for the person (accept, decline) and those they sent (cancel), their friends
// with presence (message, unfriend, block), following and followers, and the users they blocked
// (unblock), and their privacy settings. Relationship changes are not pushed by the server: the page lists them again after
// each action and every few seconds while it is open.
import "./social.css";
import { Code } from "@connectrpc/connect";
import { RelationshipKind, RelationshipRequestState, type RelationshipRequest, type User } from "../gen/chatmesh/user/v1/user_pb.js";
import { RelationshipListing } from "../gen/chatmesh/user/v1/user_service_pb.js";
import { describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { errorLine, field, fill, h, onSubmit } from "./dom.js";
import { lastSeen, presenceDot } from "./presence-dot.js";
import { privacySettings } from "./privacy-settings.js";
import { actionButton, openDirect } from "./social-actions.js";

const REFRESH_MS = 5_000;
const ALREADY = { [Code.AlreadyExists]: "There is already a request between you, or you are already connected." };

export function friendsView(ctx: AppContext): [HTMLElement, () => void] {
  const error = errorLine();
  const social = ctx.social;
  const sections = {
    incoming: list("Requests for you", "No requests waiting for you."),
    outgoing: list("Requests you sent", "No requests waiting for an answer."),
    friends: list("Your friends", "No friends yet: send someone a friend request."),
    following: list("Following", "You follow nobody."),
    followers: list("Followers", "Nobody follows you."),
    blocked: list("Blocked", "You blocked nobody."),
  };

  /** Runs an action, then lists everything again. */
  const act = (text: string, action: () => Promise<unknown>, options: { secondary?: boolean } = {}) =>
    actionButton(text, async () => {
      error.clear();
      await action();
      await social.refresh();
    }, (text) => error.show(text), { ...options, wording: ALREADY });

  const users = ctx.clients.users;
  const request = (userId: string, kind: RelationshipKind) => users.sendRelationshipRequest({ toUserId: userId, kind });

  function person(user: User | string, ...extra: (Node | string)[]): HTMLElement {
    const id = typeof user === "string" ? user : user.id;
    const username = typeof user === "string" ? ctx.people.username(id) : user.username;
    return h("li", { data: { userId: id } },
      presenceDot(ctx.presences, id),
      h("span", { class: "who" }, h("strong", { text: ctx.people.name(id) }), username && h("span", { class: "username", text: ` @${username}` })),
      lastSeen(ctx.presences, id),
      h("span", { class: "actions" }, ...extra));
  }

  function incoming(r: RelationshipRequest): HTMLElement {
    return person(r.fromUserId, h("span", { class: "kind", text: kindText(r.kind) }), r.message && h("q", { text: r.message }) || "",
      act("Accept", () => users.acceptRelationshipRequest({ requestId: r.id })),
      act("Decline", () => users.declineRelationshipRequest({ requestId: r.id }), { secondary: true }));
  }

  function outgoing(r: RelationshipRequest): HTMLElement {
    return person(r.toUserId, h("span", { class: "kind", text: kindText(r.kind) }),
      act("Cancel request", () => users.cancelRelationshipRequest({ requestId: r.id }), { secondary: true }));
  }

  function render(): void {
    show(sections.incoming, social.incoming.map(incoming));
    show(sections.outgoing, social.outgoing.map(outgoing));
    show(sections.friends, social.friends.map((u) => person(u,
      act("Message", () => openDirect(ctx, u.id)),
      act("Unfriend", () => users.removeRelationship({ userId: u.id, listing: RelationshipListing.FRIENDS }), { secondary: true }),
      act("Block", () => users.blockUser({ userId: u.id }), { secondary: true }))));
    show(sections.following, social.following.map((u) => person(u,
      act("Unfollow", () => users.removeRelationship({ userId: u.id, listing: RelationshipListing.FOLLOWING }), { secondary: true }))));
    show(sections.followers, social.followers.map((u) => person(u,
      act("Remove follower", () => users.removeRelationship({ userId: u.id, listing: RelationshipListing.FOLLOWERS }), { secondary: true }))));
    show(sections.blocked, social.blocked.map((u) => person(u,
      act("Unblock", () => users.unblockUser({ userId: u.id }), { secondary: true }))));
  }

  // add someone by username: the submit button that was pressed says what to do
  const add = h("form", { class: "add-person", "aria-label": "Add someone" },
    h("label", {}, "Username", h("input", { name: "username", required: true, maxLength: 32, autocomplete: "off" })),
    h("div", { class: "buttons" },
      h("button", { type: "submit", value: "friend", text: "Send friend request" }),
      h("button", { type: "submit", value: "follow", class: "secondary", text: "Follow" }),
      h("button", { type: "submit", value: "block", class: "secondary", text: "Block" })));
  const added = h("p", { class: "done", role: "status" });
  let pressed = "friend";
  add.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => (pressed = b.value)));
  onSubmit(add, async () => {
    error.clear();
    added.textContent = "";
    const username = field(add, "username");
    try {
      const user = await ctx.people.byUsername(username);
      if (!user) return error.show(`Nobody is called “${username.toLowerCase()}”.`);
      if (user.id === ctx.session.user?.userId) return error.show("That is you. Pick someone else.");
      if (pressed === "block") {
        await users.blockUser({ userId: user.id });
        added.textContent = `You blocked @${user.username}.`;
      } else {
        const { request: sent } = await request(user.id, pressed === "follow" ? RelationshipKind.FOLLOW : RelationshipKind.FRIEND);
        added.textContent = sent?.state === RelationshipRequestState.ACCEPTED
          ? (pressed === "follow" ? `You follow @${user.username}.` : `You and @${user.username} are friends now.`)
          : `Request sent to @${user.username}.`;
      }
      (add.elements.namedItem("username") as HTMLInputElement).value = "";
      await social.refresh();
    } catch (err) {
      error.show(describe(err, ALREADY));
    }
  });

  const stopListening = social.onChange(render);
  if (social.loaded) render();
  const refresh = () => social.refresh().catch((err) => error.show(describe(err)));
  void refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  const view = h("section", { class: "panel friends" },
    h("h2", { text: "Friends" }),
    h("div", { class: "card wide" }, h("h3", { text: "Add someone" }), add, added),
    error,
    ...Object.values(sections).map((s) => s.element),
    privacySettings(ctx));
  return [view, () => {
    stopListening();
    clearInterval(timer);
  }];
}

interface Section {
  element: HTMLElement;
  items: HTMLUListElement;
  empty: string;
}

function list(title: string, empty: string): Section {
  const items = h("ul", { class: "people", "aria-label": title }, h("li", { class: "empty", text: "Loading…" }));
  return { element: h("section", { class: "people-section" }, h("h3", { text: title }), items), items, empty };
}

function show(section: Section, items: HTMLElement[]): void {
  fill(section.items, ...(items.length ? items : [h("li", { class: "empty", text: section.empty })]));
}

function kindText(kind: RelationshipKind): string {
  return kind === RelationshipKind.FOLLOW ? "follow request" : "friend request";
}
