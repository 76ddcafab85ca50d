// What a message offers besides its text: the quote of the message it replies to, its reactions
// (chips that toggle the person's own), and actions — react (emoji picker), reply, and for the
// person's own messages edit and delete (owners and admins may delete anyone's). Changes go over
// the chat stream and show when the room's event comes back (state/message-changes.ts).
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";
import type { StreamError } from "../gen/chatmesh/common/v1/common_pb.js";
import { describeStreamError } from "../api/errors.js";
import { reacted } from "../state/message-changes.js";
import type { Timeline } from "../state/timeline.js";
import type { AppContext } from "./context.js";
import { fill, h } from "./dom.js";

/** The picker's emojis: each is one emoji as the server counts them (docs/chat.md, "Reactions"). */
export const PICKER_EMOJIS = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];
const PREVIEW = 80;

export interface MessageActionsOptions {
  roomId: string;
  timeline: Timeline;
  /** Whether the person may delete others' messages (room owner or admin). */
  canModerate(): boolean;
  /** Starts a reply to the message in the composer. */
  reply(message: Message): void;
}

/** Adds the quote, reactions and actions to a rendered confirmed message. */
export function decorateMessage(ctx: AppContext, item: HTMLElement, message: Message, options: MessageActionsOptions): void {
  const me = ctx.session.user?.userId ?? "";
  const mine = message.senderId === me;
  item.dataset.messageId = message.id;
  const text = item.querySelector<HTMLElement>(".text");
  if (message.deleteTime) {
    item.dataset.deleted = "true";
    if (text) text.textContent = "This message was deleted.";
    return;
  }
  if (message.replyToId) item.querySelector(".who")?.after(quote(ctx, options.timeline, message.replyToId));
  if (message.editTime) text?.after(h("span", { class: "edited", text: "(edited)" }));
  const status = h("span", { class: "action-status", role: "status" });
  const fail = (err: unknown) => {
    status.textContent = isStreamError(err) ? describeStreamError(err) : String((err as Error)?.message ?? err);
  };
  const toggleReaction = (emoji: string) => {
    const added = !reacted(message, emoji, me);
    ctx.chat.change({ case: "react", value: { roomId: options.roomId, messageId: message.id, emoji, remove: !added } })
      .catch(fail);
  };

  const reactions = h("div", { class: "reactions" },
    ...message.reactions.map((r) => h("button", {
      type: "button", class: "reaction", text: `${r.emoji} ${r.count}`, "aria-pressed": String(r.sampleUserIds.includes(me)),
      "aria-label": `${r.emoji} ${r.count}`, on: { click: () => toggleReaction(r.emoji) },
    })));
  const picker = h("div", { class: "emoji-picker", hidden: true, role: "menu" },
    ...PICKER_EMOJIS.map((emoji) => h("button", {
      type: "button", role: "menuitem", text: emoji, "aria-label": `React with ${emoji}`,
      on: { click: () => { picker.hidden = true; toggleReaction(emoji); } },
    })));
  const actions = h("div", { class: "actions" },
    h("button", { type: "button", class: "link", text: "React", on: { click: () => (picker.hidden = !picker.hidden) } }),
    h("button", { type: "button", class: "link", text: "Reply", on: { click: () => options.reply(message) } }),
    mine && h("button", { type: "button", class: "link", text: "Edit", on: { click: () => editInPlace(ctx, item, message, options.roomId, fail) } }),
    (mine || options.canModerate()) && deleteButton(ctx, message, options.roomId, fail),
    picker, status);
  item.append(reactions, actions);
}

function quote(ctx: AppContext, timeline: Timeline, replyToId: string): HTMLElement {
  const original = timeline.messages.find((m) => m.id === replyToId);
  const said = !original ? "an earlier message"
    : original.deleteTime ? "a deleted message"
    : `${ctx.people.name(original.senderId)}: ${preview(original.text)}`;
  return h("blockquote", { class: "quote", data: { replyTo: replyToId, deleted: String(!!original?.deleteTime) } },
    h("span", { class: "quote-text", text: `Replying to ${said}` }));
}

function editInPlace(ctx: AppContext, item: HTMLElement, message: Message, roomId: string, fail: (err: unknown) => void): void {
  const text = item.querySelector<HTMLElement>(".text");
  if (!text || item.querySelector(".edit-form")) return;
  const input = h("input", { name: "edit", value: message.text, "aria-label": "Edit message", maxLength: 4000 });
  const form = h("form", { class: "edit-form" }, input,
    h("button", { type: "submit", text: "Save" }),
    h("button", { type: "button", class: "link", text: "Cancel", on: { click: () => form.replaceWith(text) } }));
  form.onsubmit = (e) => {
    e.preventDefault();
    const next = input.value.trim();
    if (!next || next === message.text) {
      form.replaceWith(text);
      return;
    }
    ctx.chat.change({ case: "edit", value: { roomId, messageId: message.id, text: next } })
      .catch((err) => {
        form.replaceWith(text);
        fail(err);
      });
  };
  text.replaceWith(form);
  input.focus();
}

/** Two clicks: Delete, then Confirm delete. */
function deleteButton(ctx: AppContext, message: Message, roomId: string, fail: (err: unknown) => void): HTMLElement {
  const button = h("button", { type: "button", class: "link danger", text: "Delete" });
  button.addEventListener("click", () => {
    if (button.dataset.armed !== "true") {
      button.dataset.armed = "true";
      button.textContent = "Confirm delete";
      return;
    }
    ctx.chat.change({ case: "delete", value: { roomId, messageId: message.id } }).catch(fail);
  });
  return button;
}

/** The bar above the composer while replying: what is quoted, and a way out. */
export class ReplyBar {
  readonly element = h("div", { class: "reply-bar", hidden: true });
  private target: Message | undefined;

  constructor(private readonly ctx: AppContext, private readonly focus: () => void) {}

  get replyToId(): string | undefined {
    return this.target?.id;
  }

  set(message: Message): void {
    this.target = message;
    fill(this.element,
      h("span", { class: "quote-text", text: `Replying to ${this.ctx.people.name(message.senderId)}: ${preview(message.text)}` }),
      h("button", { type: "button", class: "link", text: "Cancel reply", on: { click: () => this.clear() } }));
    this.element.hidden = false;
    this.focus();
  }

  clear(): void {
    this.target = undefined;
    this.element.hidden = true;
    fill(this.element);
  }
}

/** The messages whose rendering shows this one (their quotes): to render again when it changes. */
export function quoting(timeline: Timeline, messageId: string): Message[] {
  return timeline.messages.filter((m) => m.replyToId === messageId);
}

function preview(text: string): string {
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

function isStreamError(err: unknown): err is StreamError {
  return typeof err === "object" && err !== null && "code" in err && "fieldViolations" in err;
}
