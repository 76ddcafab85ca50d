// What several screens do with another person: open the direct room with them, and run an action
// from a button (disabled while it runs, its refusal shown in the screen's error line).
import { describe, type Wording } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { h } from "./dom.js";

/** Opens (creating it the first time) the direct room with the user and shows it. */
export async function openDirect(ctx: AppContext, userId: string): Promise<void> {
  const { room } = await ctx.clients.rooms.openDirectRoom({ userId });
  ctx.chat.know(room!.id, room!.lastMessageSeq);
  await ctx.refreshRooms();
  ctx.navigate(`#/room/${room!.id}`);
}

/** A button running `action`; what the server refuses is shown with `showError`. */
export function actionButton(
  text: string,
  action: () => Promise<unknown>,
  showError: (text: string) => void,
  options: { secondary?: boolean; wording?: Wording } = {},
): HTMLButtonElement {
  const button = h("button", { type: "button", class: options.secondary ? "secondary" : "", text });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await action();
    } catch (err) {
      showError(describe(err, options.wording));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
