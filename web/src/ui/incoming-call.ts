// The incoming-call banner, on every open tab of the person: who is calling in which room, with
// Accept (answers, opens the room and joins its call) and Decline. It goes away when the call
// stops ringing for this person (accepted on another device, declined, cancelled, timed out); a
// call that timed out leaves "Missed call from …" until dismissed (the room's history keeps a
// "Missed call" message too).
import { CallState, type Call } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import { describe } from "../api/errors.js";
import { joinCallIn } from "./call-panel.js";
import type { AppContext } from "./context.js";
import { h } from "./dom.js";

export function incomingCalls(ctx: AppContext): HTMLElement {
  const element = h("div", { class: "incoming-calls", "aria-live": "assertive" });
  const banners = new Map<string, HTMLElement>();
  const me = () => ctx.session.user?.userId ?? "";

  function drop(callId: string): void {
    banners.get(callId)?.remove();
    banners.delete(callId);
  }

  function ringing(call: Call): void {
    if (banners.has(call.callId)) return;
    const who = h("strong", { text: ctx.people.name(call.callerId) });
    void ctx.people.load([call.callerId]).then(() => (who.textContent = ctx.people.name(call.callerId)), () => undefined);
    const accept = h("button", { type: "button", text: "Accept" });
    const decline = h("button", { type: "button", class: "danger", text: "Decline" });
    const banner = h("div", { class: "incoming-call", role: "alertdialog", data: { callId: call.callId, roomId: call.roomId } },
      h("span", {}, who, call.video ? " is video calling you" : " is calling you"), accept, decline);
    accept.addEventListener("click", async () => {
      accept.disabled = decline.disabled = true;
      try {
        await ctx.clients.signaling.acceptCall({ callId: call.callId });
        drop(call.callId);
        ctx.navigate(`#/room/${call.roomId}`);
        joinCallIn(call.roomId);
      } catch (err) {
        drop(call.callId);
        ctx.notify(describe(err));
      }
    });
    decline.addEventListener("click", async () => {
      accept.disabled = decline.disabled = true;
      drop(call.callId);
      try {
        await ctx.clients.signaling.declineCall({ callId: call.callId });
      } catch (err) {
        ctx.notify(describe(err));
      }
    });
    banners.set(call.callId, banner);
    element.append(banner);
  }

  function missed(call: Call): void {
    drop(call.callId);
    const dismiss = h("button", { type: "button", class: "secondary", text: "Dismiss" });
    const banner = h("div", { class: "missed-call", role: "status", data: { callId: call.callId, roomId: call.roomId } },
      h("a", { href: `#/room/${call.roomId}`, text: `Missed call from ${ctx.people.name(call.callerId)}` }), dismiss);
    dismiss.addEventListener("click", () => drop(call.callId));
    banner.querySelector("a")!.addEventListener("click", () => drop(call.callId));
    banners.set(call.callId, banner);
    element.append(banner);
  }

  ctx.invitations.onChange((call) => {
    if (call.callerId === me() || !call.calleeIds.includes(me())) return; // the caller's side is the room's panel
    const answered = call.declinedUserIds.includes(me()) || call.acceptedUserIds.includes(me());
    if (call.state === CallState.RINGING && !answered) ringing(call);
    else if (call.state === CallState.MISSED || (call.state === CallState.ACCEPTED && !answered)) missed(call);
    else drop(call.callId);
  });
  return element;
}
