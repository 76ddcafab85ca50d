// The header's status selector: online, away or do not disturb (UserService.SetPresence). Offline
// is not a choice: the server derives it from the person's connected devices.
import { PresenceStatus } from "../gen/chatmesh/user/v1/user_pb.js";
import { describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { h } from "./dom.js";
import { statusLabel } from "./presence-dot.js";

const CHOICES = [PresenceStatus.ONLINE, PresenceStatus.AWAY, PresenceStatus.DO_NOT_DISTURB];

export function statusSelect(ctx: AppContext): HTMLElement {
  const select = h("select", { class: "status-select", "aria-label": "Your status" },
    ...CHOICES.map((status) => h("option", { value: String(status), text: capitalized(statusLabel(status)) })));
  let chosen = String(PresenceStatus.ONLINE);
  select.addEventListener("change", async () => {
    select.disabled = true;
    try {
      const { presence } = await ctx.clients.users.setPresence({ status: Number(select.value) as PresenceStatus });
      chosen = select.value;
      if (presence) ctx.presences.heard(presence);
    } catch (err) {
      select.value = chosen;
      ctx.notify(`Your status was not changed: ${describe(err)}`);
    } finally {
      select.disabled = false;
    }
  });
  // the chosen status as the server knows it (another tab or device may have set it)
  ctx.presences.onChange((presence) => {
    if (presence.userId === ctx.session.user?.userId && CHOICES.includes(presence.status)) {
      chosen = String(presence.status);
      if (!select.disabled) select.value = chosen;
    }
  });
  return h("span", { class: "status" }, select);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
