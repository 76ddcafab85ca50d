// Message search (MessageService.SearchMessages) over every room of the person: a box in the side
// bar, results newest first on their own screen (#/search/<query>), each a link that opens its
// room at that message (#/room/<id>/<seq>).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Message } from "../gen/chatmesh/message/v1/message_pb.js";
import { describe } from "../api/errors.js";
import { roomTitle, type AppContext } from "./context.js";
import { errorLine, field, h } from "./dom.js";

const PAGE = 20;
/** SearchMessages' longest query (characters). */
const MAX_QUERY = 256;

/** The search box; submitting it shows the results screen. */
export function searchBox(ctx: AppContext): HTMLFormElement {
  const form = h("form", { class: "search-box", role: "search" },
    h("input", { name: "query", type: "search", placeholder: "Search messages", "aria-label": "Search messages", maxLength: MAX_QUERY, required: true }),
    h("button", { type: "submit", class: "secondary", text: "Find" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = field(form, "query");
    if (query) ctx.navigate(`#/search/${encodeURIComponent(query)}`);
  });
  return form;
}

/** The results of one query, with "More results" while there are more pages. */
export function searchView(ctx: AppContext, query: string): HTMLElement {
  const error = errorLine();
  const list = h("ol", { class: "search-results", "aria-label": "Search results" });
  const state = h("p", { class: "search-state", role: "status", text: "Searching…" });
  const more = h("button", { type: "button", class: "secondary", text: "More results", hidden: true });
  let pageToken = "";

  function resultItem(message: Message): HTMLElement {
    const room = ctx.myRooms.get(message.roomId);
    const time = message.createTime ? timestampDate(message.createTime) : new Date();
    return h("li", { class: "search-result", data: { roomId: message.roomId, seq: String(message.seq) } },
      h("a", { href: `#/room/${message.roomId}/${message.seq}` },
        h("span", { class: "room", text: room ? roomTitle(ctx, room) : "a room" }),
        h("span", { class: "who", text: ctx.people.name(message.senderId) }),
        h("span", { class: "text", text: message.text }),
        h("time", { dateTime: time.toISOString(), text: time.toLocaleString([], { dateStyle: "short", timeStyle: "short" }) })));
  }

  async function load(): Promise<void> {
    more.disabled = true;
    try {
      const page = await ctx.clients.messages.searchMessages({ query, pageSize: PAGE, pageToken });
      await ctx.people.load(page.messages.map((m) => m.senderId)).catch(() => undefined);
      list.append(...page.messages.map(resultItem));
      pageToken = page.nextPageToken;
      more.hidden = pageToken === "";
      state.textContent = list.children.length === 0 ? `Nothing found for “${query}”.` : "";
    } catch (err) {
      state.textContent = "";
      error.show(describe(err));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", () => void load());

  void load();
  return h("section", { class: "panel message-search" },
    h("h2", { text: `Messages matching “${query}”` }), error, state, list, more);
}
