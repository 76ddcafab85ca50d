// The person's privacy settings on the friends page (GetMe, UpdateSettings): whether anyone who
// is not blocked may open a direct room with them (else friends only), and whether follow
// requests wait for their approval (else following them takes effect at once).
import type { UserSettings } from "../gen/chatmesh/user/v1/user_pb.js";
import { describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { errorLine, h } from "./dom.js";

type Setting = "acceptDirectMessagesFromAnyone" | "requireFollowApproval";

const LABELS: Record<Setting, string> = {
  acceptDirectMessagesFromAnyone: "Anyone may message me directly (not only friends)",
  requireFollowApproval: "I approve followers before they follow me",
};

export function privacySettings(ctx: AppContext): HTMLElement {
  const error = errorLine();
  const boxes = Object.fromEntries((Object.keys(LABELS) as Setting[]).map((setting) => {
    const box = h("input", { type: "checkbox", name: setting, disabled: true });
    box.addEventListener("change", () => void save(setting, box));
    return [setting, box];
  })) as Record<Setting, HTMLInputElement>;

  function show(settings: UserSettings | undefined): void {
    for (const [setting, box] of Object.entries(boxes) as [Setting, HTMLInputElement][]) {
      box.checked = settings?.[setting] ?? false;
      box.disabled = false;
    }
  }

  async function save(setting: Setting, box: HTMLInputElement): Promise<void> {
    error.clear();
    box.disabled = true;
    try {
      const { settings } = await ctx.clients.users.updateSettings({ [setting]: box.checked });
      show(settings);
    } catch (err) {
      box.checked = !box.checked;
      box.disabled = false;
      error.show(describe(err));
    }
  }

  ctx.clients.users.getMe({}).then(({ settings }) => show(settings), (err) => error.show(describe(err)));
  return h("div", { class: "card wide privacy" },
    h("h3", { text: "Privacy" }),
    ...(Object.keys(LABELS) as Setting[]).map((setting) => h("label", { class: "check" }, boxes[setting], LABELS[setting])),
    error);
}
