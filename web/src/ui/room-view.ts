// One room: its messages live from the chat stream, older ones from history when scrolled to the
// top (MessageService.ListMessages, backwards), a composer whose sends show as pending until
// acked, and the room's call.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Direction } from "../gen/chatmesh/message/v1/message_service_pb.js";
import { MemberRole, RoomKind, type Room } from "../gen/chatmesh/room/v1/room_pb.js";
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";
import { describe } from "../api/errors.js";
import type { PendingSend } from "../state/timeline.js";
import { attachmentList, attachmentPicker } from "./attachments.js";
import { callPanel } from "./call-panel.js";
import { decorateMessage, quoting, ReplyBar } from "./message-actions.js";
import { roomTitle, type AppContext } from "./context.js";
import { memberList } from "./member-list.js";
import { errorLine, fill, h } from "./dom.js";
import { mentionInput, mentionText, mentionsMe } from "./mention-input.js";
import { ThreadLinks, threadPane } from "./thread-pane.js";

const PAGE = 50;
const BEGINNING = "This is the beginning of the room.";
const EMPTY = "No messages yet. Say hello!";

/**
 * Returns the view and a function that closes it (hangs up its call, stops listening). With
 * `focusSeq`, history is loaded back to that message, which is scrolled to and marked.
 */
export function roomView(ctx: AppContext, roomId: string, focusSeq?: bigint): [HTMLElement, () => void] {
  const timeline = ctx.timelines.get(roomId);
  const error = errorLine();
  const header = h("header", { class: "room-header" }, h("h2", { text: "…" }));
  const list = h("ol", { class: "messages", "aria-live": "polite", "aria-label": "Messages" });
  const scroller = h("div", { class: "scroller" }, h("p", { class: "history-state", text: "" }), list);
  const historyState = scroller.firstElementChild as HTMLElement;
  const composer = h("form", { class: "composer" });
  const members = memberList(ctx, roomId);
  const call = callPanel(ctx, roomId);
  const threadSlot = h("div", { class: "thread-slot" });
  const view = h("section", { class: "room", data: { roomId } }, header, call.element, error, scroller, composer, threadSlot);
  const rendered = new Map<bigint, HTMLElement>();
  let closeThread = () => {};
  const threads = new ThreadLinks((root) => {
    closeThread();
    const [pane, stop] = threadPane(ctx, roomId, root, () => closeThread());
    closeThread = () => {
      stop();
      fill(threadSlot);
      closeThread = () => {};
    };
    fill(threadSlot, pane);
  });
  let olderLoad: Promise<boolean> | null = null;
  let myRole = MemberRole.UNSPECIFIED;
  const replyBar = new ReplyBar(ctx, () => composer.querySelector("textarea")?.focus());
  const actionOptions = {
    roomId, timeline, reply: (m: Message) => replyBar.set(m),
    canModerate: () => myRole === MemberRole.OWNER || myRole === MemberRole.ADMIN,
  };

  function messageItem(message: Message): HTMLElement {
    const mine = message.senderId === ctx.session.user?.userId;
    const time = message.createTime ? timestampDate(message.createTime) : new Date();
    const item = h("li", { class: `msg${mine ? " mine" : ""}${mentionsMe(ctx, message) ? " mentions-me" : ""}`, data: { seq: String(message.seq), state: "sent" } },
      h("span", { class: "who", text: mine ? "You" : ctx.people.name(message.senderId) }),
      mentionText(ctx, message),
      message.attachments.length > 0 && attachmentList(ctx, message.attachments),
      h("time", { dateTime: time.toISOString(), text: time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) }),
      threads.link(message));
    decorateMessage(ctx, item, message, actionOptions);
    return item;
  }

  /** Renders a changed message again, and the replies quoting it. */
  function rerender(message: Message): void {
    for (const m of [message, ...quoting(timeline, message.id)]) {
      const old = rendered.get(m.seq);
      if (!old) continue;
      const item = messageItem(m);
      old.replaceWith(item);
      rendered.set(m.seq, item);
    }
  }

  function pendingItem(pending: PendingSend): HTMLElement {
    const item = h("li", { class: "msg mine", data: { clientId: pending.clientId, state: pending.error ? "failed" : "pending" } },
      h("span", { class: "who", text: "You" }),
      h("span", { class: "text", text: pending.text }),
      h("span", { class: "status", text: pending.error ? pending.error : "sending…" }));
    if (pending.error) {
      item.append(h("button", { type: "button", class: "link", text: "Try again", on: { click: () => ctx.chat.retry(roomId, pending.clientId) } }));
    }
    return item;
  }

  function nearBottom(): boolean {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function insert(message: Message): void {
    if (message.threadRootId) return threads.replyAdded(message); // shown in its thread
    if (rendered.has(message.seq)) return;
    const item = messageItem(message);
    rendered.set(message.seq, item);
    // before the first rendered message with a greater seq, else before the pending ones
    let next: Element | null = null;
    for (const el of list.children) {
      const seq = (el as HTMLElement).dataset.seq;
      if (seq === undefined || BigInt(seq) > message.seq) {
        next = el;
        break;
      }
    }
    list.insertBefore(item, next);
  }

  function renderPending(pending: PendingSend): void {
    if (pending.threadRootId) return; // shown in the thread pane
    const existing = list.querySelector(`[data-client-id="${pending.clientId}"]`);
    const item = pendingItem(pending);
    if (existing) existing.replaceWith(item);
    else list.append(item);
  }

  async function renderAll(messages: Message[]): Promise<void> {
    await ctx.people.load(messages.flatMap((m) => [m.senderId, ...m.mentionedUserIds])).catch(() => undefined);
    messages.forEach(insert);
  }

  const stopListening = timeline.onChange(async (change) => {
    const stick = nearBottom();
    if (historyState.textContent === EMPTY) historyState.textContent = BEGINNING;
    if (change.kind === "added") {
      await ctx.people.load([change.message.senderId, ...change.message.mentionedUserIds]).catch(() => undefined);
      insert(change.message);
    } else if (change.kind === "pending") {
      renderPending(change.pending);
    } else if (change.kind === "changed") {
      rerender(change.message);
    } else if (change.kind === "settled") {
      list.querySelector(`[data-client-id="${change.clientId}"]`)?.remove();
    }
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  });

  /** Loads the next older page (once at a time: a second call gets the load in flight); whether it did. */
  function loadOlder(): Promise<boolean> {
    if (timeline.historyComplete) return Promise.resolve(false);
    olderLoad ??= loadOlderPage().finally(() => (olderLoad = null));
    return olderLoad;
  }

  async function loadOlderPage(): Promise<boolean> {
    historyState.textContent = "Loading earlier messages…";
    const before = scroller.scrollHeight - scroller.scrollTop;
    let loaded = false;
    try {
      const page = await ctx.clients.messages.listMessages({
        roomId, direction: Direction.BACKWARD, fromSeq: timeline.oldestSeq, pageSize: PAGE,
      });
      timeline.addHistory(page.messages, page.nextPageToken === "" || page.messages.length === 0);
      await renderAll(page.messages);
      scroller.scrollTop = scroller.scrollHeight - before; // keep what the person was reading in place
      historyState.textContent = timeline.historyComplete ? BEGINNING : "";
      loaded = true;
    } catch (err) {
      historyState.textContent = "";
      error.show(describe(err));
    }
    if (loaded && !timeline.historyComplete && scroller.scrollHeight <= scroller.clientHeight) setTimeout(() => void loadOlder());
    return loaded;
  }

  /** Loads older pages until the message with this seq is shown, then scrolls to it and marks it. */
  async function reveal(seq: bigint): Promise<void> {
    while (!rendered.has(seq) && timeline.oldestSeq > seq && (await loadOlder()));
    const item = rendered.get(seq);
    if (!item) {
      error.show("That message is not in the room's main timeline (a thread reply, or gone).");
      return;
    }
    item.classList.add("found");
    item.scrollIntoView({ block: "center" });
  }
  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop < 60) void loadOlder();
  });

  async function open(): Promise<void> {
    let room: Room;
    let member: boolean;
    try {
      const got = await ctx.clients.rooms.getRoom({ roomId });
      room = got.room!;
      member = got.myRole !== MemberRole.UNSPECIFIED;
      myRole = got.myRole;
      await ctx.people.load(room.directUserIds);
    } catch (err) {
      error.show(describe(err));
      return;
    }
    fill(header,
      h("h2", { text: roomTitle(ctx, room) }),
      room.topic && h("p", { class: "topic", text: room.topic }),
      h("span", { class: "kind", text: kindName(room.kind) }),
      member && call.button,
      member && members.element);
    if (!member) {
      fill(composer, h("p", {}, "You are not in this room yet. "),
        h("button", { type: "button", text: "Join room", on: { click: () => void join() } }));
      return;
    }
    composeForm();
    if (!timeline.historyLoaded) {
      // the newest page first; the stream's live messages merge in by seq
      const page = await ctx.clients.messages.listMessages({ roomId, direction: Direction.BACKWARD, pageSize: PAGE })
        .catch((err) => {
          error.show(describe(err));
          return null;
        });
      if (!page) return;
      timeline.addHistory(page.messages, page.nextPageToken === "" || page.messages.length < PAGE);
      if (timeline.messages.length) ctx.chat.know(roomId, timeline.newestSeq);
    }
    await renderAll(timeline.messages);
    timeline.pending.forEach(renderPending);
    historyState.textContent = !timeline.historyComplete ? "" : timeline.messages.length || timeline.pending.size ? BEGINNING : EMPTY;
    scroller.scrollTop = scroller.scrollHeight;
    if (focusSeq !== undefined) {
      await reveal(focusSeq);
      return;
    }
    // a first page too short to scroll: nothing could ask for the older ones
    if (scroller.scrollHeight <= scroller.clientHeight) void loadOlder();
  }

  async function join(): Promise<void> {
    try {
      const joined = await ctx.clients.rooms.joinRoom({ roomId });
      ctx.chat.know(roomId, joined.room?.lastMessageSeq ?? 0n);
      await ctx.refreshRooms();
      void open();
    } catch (err) {
      error.show(describe(err));
    }
  }

  function composeForm(): void {
    const input = h("textarea", { name: "text", rows: 1, placeholder: "Write a message…", "aria-label": "Message", maxLength: 4000 });
    const files = attachmentPicker(ctx, roomId, (text) => error.show(text));
    const mentions = mentionInput(ctx, roomId, input); // before Enter-to-send: it takes Enter while suggesting
    const send = () => {
      const text = input.value.trim();
      if (files.hasFiles()) {
        void files.send(text);
        input.value = "";
        return;
      }
      if (!text) return;
      ctx.chat.send(roomId, text, { ...mentions.mentions(text), replyToId: replyBar.replyToId });
      replyBar.clear();
      input.value = "";
      scroller.scrollTop = scroller.scrollHeight;
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
    fill(composer, replyBar.element, mentions.element, files.element, input, h("button", { type: "submit", text: "Send" }));
  }

  void open();
  return [view, () => {
    stopListening();
    closeThread();
    call.close();
    members.close();
  }];
}

function kindName(kind: RoomKind): string {
  switch (kind) {
    case RoomKind.PUBLIC: return "public";
    case RoomKind.PRIVATE: return "private";
    case RoomKind.GROUP: return "group";
    case RoomKind.DIRECT: return "direct";
    default: return "";
  }
}

