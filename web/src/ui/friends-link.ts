// The side bar's "Friends" link, with the number of requests waiting for the person. The server
// pushes no relationship changes: the app lists them when it starts and every 30 s (the friends
// page itself lists them every few seconds while open).
import type { AppContext } from "./context.js";
import { h } from "./dom.js";

const REFRESH_MS = 30_000;

/** The link, and what stops its refreshing. */
export function friendsLink(ctx: AppContext): [HTMLElement, () => void] {
  const badge = h("span", { class: "badge", hidden: true, "aria-label": "requests waiting" });
  const link = h("a", { class: "button secondary friends-link", href: "#/friends" }, "Friends", badge);
  const stopListening = ctx.social.onChange(() => {
    badge.textContent = String(ctx.social.incoming.length);
    badge.hidden = ctx.social.incoming.length === 0;
  });
  const refresh = () => void ctx.social.refresh().catch(() => undefined); // the friends page shows why
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return [link, () => {
    clearInterval(timer);
    stopListening();
  }];
}
