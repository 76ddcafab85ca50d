// @-mentions: autocomplete among the room's members in a text box, the ids a text mentions when
// sent (SendMessageEvent.mentioned_user_ids, mention_room), and message text with its mentions
// highlighted.
import { MemberRole } from "../gen/chatmesh/room/v1/room_pb.js";
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";
import type { SendOptions } from "../state/timeline.js";
import type { AppContext } from "./context.js";
import { fill, h } from "./dom.js";

/** "@room" mentions everyone; owners and admins only. */
const ROOM = "room";
/** The "@word" the caret is at the end of. */
const TYPING_MENTION = /(?:^|\s)@([\w.-]{0,32})$/;
const MENTION = /@([\w.-]+)/g;
/** The server's limit on mentioned users per message. */
const MAX_MENTIONS = 50;
const SUGGESTIONS = 8;

interface Candidate {
  /** The user's id, or ROOM. */
  id: string;
  handle: string;
  name: string;
}

export interface MentionInput {
  /** The suggestion list, to place next to the text box. */
  element: HTMLElement;
  /** Whom the text mentions now: members named by @username, and @room when allowed. */
  mentions(text: string): SendOptions;
}

/**
 * Adds autocomplete to a text box: typing "@" and the start of a member's username lists matching
 * members; ↑/↓ choose, Enter or Tab (or a click) inserts "@username ". Its key handling must be
 * registered before the box's own (Enter sends), which it stops while the list is open.
 */
export function mentionInput(ctx: AppContext, roomId: string, input: HTMLTextAreaElement): MentionInput {
  const list = h("ul", { class: "mention-suggestions", role: "listbox", "aria-label": "Mention someone", hidden: true });
  const members = new Map<string, Candidate>(); // by lower-case handle
  let mayMentionRoom = false;
  let shown: Candidate[] = [];
  let active = 0;

  async function loadMembers(): Promise<void> {
    let pageToken = "";
    const ids: { id: string; role: MemberRole }[] = [];
    do {
      const page = await ctx.clients.rooms.listMembers({ roomId, pageSize: 500, pageToken });
      ids.push(...page.members.map((m) => ({ id: m.userId, role: m.role })));
      pageToken = page.nextPageToken;
    } while (pageToken);
    await ctx.people.load(ids.map((m) => m.id));
    for (const { id, role } of ids) {
      if (id === ctx.session.user?.userId) {
        mayMentionRoom = role === MemberRole.OWNER || role === MemberRole.ADMIN;
        continue;
      }
      const handle = ctx.people.username(id);
      if (handle) members.set(handle.toLowerCase(), { id, handle, name: ctx.people.name(id) });
    }
  }
  const loaded = loadMembers().catch(() => undefined);

  function typed(): string | undefined {
    return TYPING_MENTION.exec(input.value.slice(0, input.selectionStart ?? input.value.length))?.[1];
  }

  function render(): void {
    fill(list, ...shown.map((c, i) => h("li", {
      role: "option", id: `mention-${c.id}`, "aria-selected": String(i === active), class: i === active ? "active" : "",
      data: { userId: c.id },
      on: { mousedown: (e) => { e.preventDefault(); pick(c); } },
    }, h("strong", { text: `@${c.handle}` }), " ", h("span", { text: c.name }))));
    list.hidden = shown.length === 0;
  }

  async function suggest(): Promise<void> {
    await loaded;
    const prefix = typed()?.toLowerCase();
    if (prefix === undefined) {
      shown = [];
    } else {
      shown = [...members.values()].filter((c) => c.handle.toLowerCase().startsWith(prefix)).slice(0, SUGGESTIONS);
      if (mayMentionRoom && ROOM.startsWith(prefix)) shown.push({ id: ROOM, handle: ROOM, name: "everyone in this room" });
    }
    active = 0;
    render();
  }

  function pick(candidate: Candidate): void {
    const caret = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, caret).replace(/@[\w.-]*$/, `@${candidate.handle} `);
    input.value = before + input.value.slice(caret);
    input.setSelectionRange(before.length, before.length);
    input.focus();
    shown = [];
    render();
  }

  input.addEventListener("input", () => void suggest());
  input.addEventListener("blur", () => {
    shown = [];
    render();
  });
  input.addEventListener("keydown", (e) => {
    if (shown.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
      render();
    } else if (e.key === "Enter" || e.key === "Tab") {
      pick(shown[active]);
    } else if (e.key === "Escape") {
      shown = [];
      render();
    } else {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
  });

  return {
    element: list,
    mentions(text) {
      const ids = new Set<string>();
      let room = false;
      for (const [, handle] of text.matchAll(MENTION)) {
        const member = members.get(handle.toLowerCase());
        if (member) ids.add(member.id);
        else if (handle.toLowerCase() === ROOM && mayMentionRoom) room = true;
      }
      return { mentionedUserIds: [...ids].slice(0, MAX_MENTIONS), mentionRoom: room };
    },
  };
}

/** Whether a message mentions the person (by id, or the whole room), from someone else. */
export function mentionsMe(ctx: AppContext, message: Message): boolean {
  const me = ctx.session.user?.userId;
  return message.senderId !== me && (message.mentionRoom || message.mentionedUserIds.includes(me ?? ""));
}

/** The message's text with what it mentions ("@username" of a mentioned id, "@room") marked. */
export function mentionText(ctx: AppContext, message: Message): HTMLElement {
  const handles = new Set(message.mentionedUserIds.map((id) => ctx.people.username(id)?.toLowerCase()));
  if (message.mentionRoom) handles.add(ROOM);
  const text = h("span", { class: "text" });
  let at = 0;
  for (const match of message.text.matchAll(MENTION)) {
    if (!handles.has(match[1].toLowerCase())) continue;
    text.append(message.text.slice(at, match.index), h("mark", { class: "mention", text: match[0] }));
    at = match.index + match[0].length;
  }
  text.append(message.text.slice(at));
  return text;
}
