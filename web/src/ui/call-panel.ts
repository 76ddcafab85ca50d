// The room's video call: a button to start or join it, the person's own camera, the others'
// video, and hang up. Camera and microphone are asked for only when the call starts.
import { MeshCall } from "../call/mesh-call.js";
import type { AppContext } from "./context.js";
import { fill, h } from "./dom.js";

export interface CallPanel {
  /** Start / join, for the room's header. */
  button: HTMLButtonElement;
  element: HTMLElement;
  close(): void;
}

export function callPanel(ctx: AppContext, roomId: string): CallPanel {
  const status = h("p", { class: "call-status", role: "status" });
  const localVideo = h("video", { class: "local", autoplay: true, muted: true, playsInline: true });
  const remotes = h("div", { class: "remotes" });
  const hangUpButton = h("button", { type: "button", class: "danger", text: "Hang up" });
  const element = h("div", { class: "call", hidden: true }, status, h("div", { class: "videos" }, remotes, localVideo), hangUpButton);
  const button = h("button", { type: "button", class: "call-button", text: "Video call" });
  let call: MeshCall | null = null;

  function end(reason?: string): void {
    call?.hangUp();
    call = null;
    fill(remotes);
    localVideo.srcObject = null;
    button.disabled = false;
    if (reason) {
      status.textContent = reason;
      hangUpButton.hidden = true;
    } else {
      element.hidden = true;
    }
  }

  function showCount(): void {
    const others = remotes.children.length;
    status.textContent = others === 0 ? "Waiting for someone to join the call…" : `In a call with ${others === 1 ? "1 person" : `${others} people`}.`;
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    element.hidden = false;
    hangUpButton.hidden = false;
    status.textContent = "Starting your camera…";
    let local: MediaStream;
    try {
      local = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (err) {
      end(mediaError(err));
      return;
    }
    localVideo.srcObject = local;
    status.textContent = "Joining the call…";
    call = new MeshCall(roomId, ctx.session, local, {
      remote: (participantId, userId, stream) => {
        let tile = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
        if (!stream) {
          tile?.remove();
        } else if (!tile) {
          const video = h("video", { autoplay: true, playsInline: true });
          video.srcObject = stream;
          tile = h("figure", { class: "remote", data: { participantId, ice: "new" } }, video,
            h("figcaption", { text: userId ? ctx.people.name(userId) : "" }));
          remotes.append(tile);
          void ctx.people.load([userId]).then(() => (tile!.querySelector("figcaption")!.textContent = ctx.people.name(userId)), () => undefined);
        }
        showCount();
      },
      iceState: (participantId, state) => {
        const tile = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
        if (tile) tile.dataset.ice = state;
        if (state === "disconnected" || state === "failed") status.textContent = "The connection to the other side is unstable…";
        else if (state === "connected" || state === "completed") showCount();
      },
      ended: (reason) => end(reason ?? "The call ended."),
    });
    call.onState((state) => {
      if (state === "live") showCount();
      else if (state === "reconnecting" || state === "offline") status.textContent = "Reconnecting the call…";
    });
  });
  hangUpButton.addEventListener("click", () => end());

  return { button, element, close: () => end() };
}

function mediaError(err: unknown): string {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError") return "The call needs your camera and microphone: allow them in the browser and try again.";
  if (name === "NotFoundError") return "No camera or microphone was found.";
  if (name === "NotReadableError") return "The camera or microphone is in use by another program.";
  return "The camera and microphone could not be started.";
}
