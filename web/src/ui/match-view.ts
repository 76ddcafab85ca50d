// "Find someone to chat with" (#/match): RoomService.MatchRandom, a long-poll that answers when
// another waiting user is matched with the person (first come, first matched; optional interests
// narrow it), with the direct room the two now share, which the page then opens. Cancel (or
// leaving the page) aborts the call, which takes the person out of the queue.
import "./social.css";
import { Code } from "@connectrpc/connect";
import { codeOf, describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { errorLine, field, h } from "./dom.js";

/** How long one wait lasts before the page says nobody came (the server's queue has no limit). */
const WAIT_MS = 10 * 60_000;
const ALREADY_WAITING = { [Code.FailedPrecondition]: "You are already waiting for a match (in another tab or on another device)." };

export function matchView(ctx: AppContext): [HTMLElement, () => void] {
  const error = errorLine();
  let waiting: AbortController | null = null;
  const status = h("p", { class: "match-status", role: "status", text: "" });
  const start = h("button", { type: "submit", text: "Find someone to chat with" });
  const cancel = h("button", { type: "button", class: "secondary", text: "Cancel", hidden: true });
  const form = h("form", { class: "card", "aria-label": "Random chat" },
    h("h2", { text: "Find someone to chat with" }),
    h("p", { class: "hint", text: "You are matched with the next person who is looking too, in a direct room of your own." }),
    h("label", {}, "Interests (optional, separated by commas)", h("input", { name: "interests", maxLength: 200, autocomplete: "off" })),
    error, status, start, cancel);

  function searching(on: boolean): void {
    start.hidden = on;
    cancel.hidden = !on;
    form.dataset.state = on ? "waiting" : "idle";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (waiting) return;
    error.clear();
    const interests = field(form, "interests").split(",").map((i) => i.trim()).filter(Boolean);
    const abort = new AbortController();
    waiting = abort;
    searching(true);
    status.textContent = "Looking for someone…";
    try {
      const { room, matchedUserId } = await ctx.clients.rooms.matchRandom({ interests }, { signal: abort.signal, timeoutMs: WAIT_MS });
      await ctx.people.load([matchedUserId]);
      status.textContent = `Matched with ${ctx.people.name(matchedUserId)}.`;
      ctx.chat.know(room!.id, room!.lastMessageSeq);
      await ctx.refreshRooms();
      ctx.navigate(`#/room/${room!.id}`);
    } catch (err) {
      if (abort.signal.aborted) {
        status.textContent = "Cancelled: you are not waiting any more.";
      } else {
        status.textContent = "";
        error.show(codeOf(err) === Code.DeadlineExceeded ? "Nobody else was looking. Try again later." : describe(err, ALREADY_WAITING));
      }
    } finally {
      waiting = null;
      searching(false);
    }
  });
  cancel.addEventListener("click", () => waiting?.abort());
  searching(false);
  return [h("section", { class: "panel" }, form), () => waiting?.abort()];
}
