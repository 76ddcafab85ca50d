// Threads: the "N replies" link under a thread root in the room (its count follows replies live),
// and the thread pane: the root, its replies (MessageService.ListThread, then live from the chat
// stream) and a composer that replies in the thread.
import { timestampDate, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";
import { describe } from "../api/errors.js";
import type { PendingSend } from "../state/timeline.js";
import type { AppContext } from "./context.js";
import { errorLine, fill, h } from "./dom.js";
import { mentionInput, mentionsMe, mentionText } from "./mention-input.js";

const PAGE = 200;

/** The "reply"/"N replies" links of a room's thread roots, counted as replies arrive live. */
export class ThreadLinks {
  /** Per root id: the root as shown, its link. */
  private readonly roots = new Map<string, { root: Message; link: HTMLButtonElement }>();
  /** Per root id: the replies seen on the stream, with their create times. */
  private readonly live = new Map<string, Map<string, number>>();

  constructor(private readonly open: (root: Message) => void) {}

  /** The link under a main-timeline message. */
  link(root: Message): HTMLButtonElement {
    const link = h("button", { type: "button", class: "link thread-link", on: { click: () => this.open(root) } });
    this.roots.set(root.id, { root, link });
    this.render(root.id);
    return link;
  }

  /** A reply arrived on the stream. */
  replyAdded(reply: Message): void {
    let replies = this.live.get(reply.threadRootId);
    if (!replies) this.live.set(reply.threadRootId, (replies = new Map()));
    replies.set(reply.id, reply.createTime ? timestampMs(reply.createTime) : Date.now());
    this.render(reply.threadRootId);
  }

  /** The root's count as loaded, plus the live replies newer than its last reply then. */
  private render(rootId: string): void {
    const entry = this.roots.get(rootId);
    if (!entry) return;
    const { root, link } = entry;
    const counted = root.threadLastReplyTime ? timestampMs(root.threadLastReplyTime) : -Infinity;
    const newer = [...(this.live.get(rootId)?.values() ?? [])].filter((time) => time > counted).length;
    const count = root.threadReplyCount + newer;
    link.textContent = count === 0 ? "Reply in thread" : `${count} ${count === 1 ? "reply" : "replies"}`;
    link.dataset.replies = String(count);
  }
}

/** The thread pane of one root; returns it and a function that closes it. */
export function threadPane(ctx: AppContext, roomId: string, root: Message, close: () => void): [HTMLElement, () => void] {
  const timeline = ctx.timelines.get(roomId);
  const error = errorLine();
  const replies = h("ol", { class: "messages thread-replies", "aria-label": "Replies", "aria-live": "polite" });
  const shown = new Set<bigint>();
  const input = h("textarea", { name: "text", rows: 1, placeholder: "Reply in thread…", "aria-label": "Reply", maxLength: 4000 });
  const mentions = mentionInput(ctx, roomId, input);
  const composer = h("form", { class: "composer" }, mentions.element, input, h("button", { type: "submit", text: "Reply" }));
  const pane = h("aside", { class: "thread-pane", "aria-label": "Thread", data: { rootId: root.id } },
    h("header", {}, h("h3", { text: "Thread" }),
      h("button", { type: "button", class: "secondary", text: "Close", on: { click: close } })),
    h("ol", { class: "messages thread-root", "aria-label": "Thread root" }, item(root)),
    error, replies, composer);

  function item(message: Message): HTMLElement {
    const mine = message.senderId === ctx.session.user?.userId;
    const time = message.createTime ? timestampDate(message.createTime) : new Date();
    return h("li", { class: `msg${mine ? " mine" : ""}${mentionsMe(ctx, message) ? " mentions-me" : ""}`, data: { seq: String(message.seq) } },
      h("span", { class: "who", text: mine ? "You" : ctx.people.name(message.senderId) }),
      mentionText(ctx, message),
      h("time", { dateTime: time.toISOString(), text: time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) }));
  }

  async function add(message: Message): Promise<void> {
    if (message.threadRootId !== root.id || shown.has(message.seq)) return;
    shown.add(message.seq);
    await ctx.people.load([message.senderId, ...message.mentionedUserIds]).catch(() => undefined);
    const next = [...replies.children].find((el) => {
      const seq = (el as HTMLElement).dataset.seq;
      return seq === undefined || BigInt(seq) > message.seq;
    }) ?? null;
    replies.insertBefore(item(message), next);
  }

  function pendingItem(pending: PendingSend): void {
    if (pending.threadRootId !== root.id) return;
    const existing = replies.querySelector(`[data-client-id="${pending.clientId}"]`);
    const el = h("li", { class: "msg mine", data: { clientId: pending.clientId, state: pending.error ? "failed" : "pending" } },
      h("span", { class: "who", text: "You" }), h("span", { class: "text", text: pending.text }),
      h("span", { class: "status", text: pending.error ?? "sending…" }));
    if (existing) existing.replaceWith(el);
    else replies.append(el);
  }

  const stopListening = timeline.onChange((change) => {
    if (change.kind === "added") void add(change.message);
    else if (change.kind === "pending") pendingItem(change.pending);
    else if (change.kind === "settled") replies.querySelector(`[data-client-id="${change.clientId}"]`)?.remove();
  });

  async function load(): Promise<void> {
    let pageToken = "";
    try {
      do {
        const page = await ctx.clients.messages.listThread({ threadRootId: root.id, pageSize: PAGE, pageToken });
        for (const reply of page.replies) await add(reply);
        pageToken = page.nextPageToken;
      } while (pageToken);
    } catch (err) {
      error.show(describe(err));
    }
    // replies that arrived live before the pane opened
    for (const message of timeline.messages) await add(message);
    timeline.pending.forEach(pendingItem);
  }

  const send = () => {
    const text = input.value.trim();
    if (!text) return;
    ctx.chat.send(roomId, text, { ...mentions.mentions(text), threadRootId: root.id });
    input.value = "";
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  });
  composer.onsubmit = (e) => {
    e.preventDefault();
    send();
  };

  void ctx.people.load([root.senderId]).then(() => fill(pane.querySelector(".thread-root")!, item(root))).catch(() => undefined);
  void load();
  return [pane, stopListening];
}
