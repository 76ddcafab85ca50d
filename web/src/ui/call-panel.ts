// The room's video call: a button that rings the room's other members and joins its call, the
// person's own camera, a tile per other participant (name, video, and what they have switched
// off: microphone, camera, screen sharing, reconnecting), mute / camera / screen-share buttons,
// and hang up. Camera and microphone are asked for only when the call starts.
import { Code, ConnectError } from "@connectrpc/connect";
import { CallState, type Call, type MediaState } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import { describe } from "../api/errors.js";
import { MeshCall, type LocalMedia } from "../call/mesh-call.js";
import type { AppContext } from "./context.js";
import { fill, h } from "./dom.js";

export interface CallPanel {
  /** Start / join, for the room's header. */
  button: HTMLButtonElement;
  element: HTMLElement;
  close(): void;
}

/** Open panels by room, and rooms whose call should be joined as soon as their panel opens. */
const openPanels = new Map<string, () => void>();
const joinWhenOpen = new Set<string>();

/** Joins the room's call (after accepting a ring): now if its panel is open, else when it opens. */
export function joinCallIn(roomId: string): void {
  const join = openPanels.get(roomId);
  if (join) join();
  else joinWhenOpen.add(roomId);
}

export function callPanel(ctx: AppContext, roomId: string): CallPanel {
  const status = h("p", { class: "call-status", role: "status" });
  const localVideo = h("video", { class: "local", autoplay: true, muted: true, playsInline: true });
  const remotes = h("div", { class: "remotes" });
  const muteButton = h("button", { type: "button", class: "secondary", text: "Mute", "aria-pressed": "false" });
  const cameraButton = h("button", { type: "button", class: "secondary", text: "Camera off", "aria-pressed": "false" });
  const screenButton = h("button", { type: "button", class: "secondary", text: "Share screen", "aria-pressed": "false" });
  const hangUpButton = h("button", { type: "button", class: "danger", text: "Hang up" });
  const controls = h("div", { class: "call-controls" }, muteButton, cameraButton, screenButton, hangUpButton);
  const element = h("div", { class: "call", hidden: true }, status, h("div", { class: "videos" }, remotes, localVideo), controls);
  const button = h("button", { type: "button", class: "call-button", text: "Video call" });
  let call: MeshCall | null = null;
  let local: MediaStream | null = null;
  let screen: MediaStream | null = null;
  let sending: LocalMedia = { audio: true, video: true, screen: false, speaking: false };
  let stopVoice = () => {};
  /** The ring this device started, while it rings. */
  let ringingCallId = "";
  const media = new Map<string, MediaState>();

  function tile(participantId: string, userId: string): HTMLElement {
    let existing = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
    if (existing) return existing;
    const caption = h("figcaption", {}, h("span", { class: "name", text: userId ? ctx.people.name(userId) : "" }),
      h("span", { class: "indicators" }));
    existing = h("figure", { class: "remote", data: { participantId, userId, ice: "new" } },
      h("video", { autoplay: true, playsInline: true }), caption);
    remotes.append(existing);
    void ctx.people.load([userId]).then(() => (caption.querySelector(".name")!.textContent = ctx.people.name(userId)), () => undefined);
    showMedia(participantId);
    showCount();
    return existing;
  }

  function showMedia(participantId: string): void {
    const t = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
    const m = media.get(participantId);
    if (!t || !m) return;
    t.dataset.muted = String(!m.audio);
    t.dataset.cameraOff = String(!m.video);
    t.dataset.screen = String(m.screen);
    t.dataset.speaking = String(m.speaking);
    fill(t.querySelector(".indicators")!,
      !m.audio && h("span", { class: "muted", text: "muted" }),
      !m.video && !m.screen && h("span", { class: "camera-off", text: "camera off" }),
      m.screen && h("span", { class: "screen", text: "sharing screen" }),
      t.dataset.reconnecting === "true" && h("span", { class: "reconnecting", text: "reconnecting…" }));
  }

  function end(reason?: string): void {
    if (ringingCallId) void ctx.clients.signaling.cancelCall({ callId: ringingCallId }).catch(() => undefined);
    ringingCallId = "";
    stopVoice();
    stopVoice = () => {};
    call?.hangUp();
    screen?.getTracks().forEach((track) => track.stop());
    call = null;
    local = screen = null;
    media.clear();
    fill(remotes);
    localVideo.srcObject = null;
    button.disabled = false;
    if (reason) {
      status.textContent = reason;
      controls.hidden = true;
    } else {
      element.hidden = true;
    }
  }

  function showCount(): void {
    const others = remotes.children.length;
    if (others === 0 && ringingCallId) {
      status.textContent = "Ringing…";
      return;
    }
    status.textContent = others === 0 ? "Waiting for someone to join the call…" : `In a call with ${others === 1 ? "1 person" : `${others} people`}.`;
  }

  function setSending(next: LocalMedia): void {
    sending = next;
    local?.getAudioTracks().forEach((track) => (track.enabled = next.audio));
    local?.getVideoTracks().forEach((track) => (track.enabled = next.video));
    muteButton.textContent = next.audio ? "Mute" : "Unmute";
    muteButton.setAttribute("aria-pressed", String(!next.audio));
    cameraButton.textContent = next.video ? "Camera off" : "Camera on";
    cameraButton.setAttribute("aria-pressed", String(!next.video));
    screenButton.textContent = next.screen ? "Stop sharing" : "Share screen";
    screenButton.setAttribute("aria-pressed", String(next.screen));
    call?.setMedia(next);
  }

  /**
   * Rings the room's other members, unless the room rings already: then this person is joining
   * a call they were rung for, which answers the ring (their other devices stop ringing).
   */
  async function ring(): Promise<void> {
    const incoming = ctx.invitations.ringingIn(roomId);
    if (incoming && incoming.callerId !== ctx.session.user?.userId) {
      await ctx.clients.signaling.acceptCall({ callId: incoming.callId }).catch(() => undefined);
      return;
    }
    try {
      const { call: rung } = await ctx.clients.signaling.ringCall({ roomId, video: true });
      if (rung && rung.state === CallState.RINGING && call) {
        ringingCallId = rung.callId;
        showCount();
      }
    } catch (err) {
      // already ringing, or nobody else in the room: joining is all there is to do
      if (!(err instanceof ConnectError) || err.code !== Code.FailedPrecondition) ctx.notify(describe(err));
    }
  }

  function ringChanged(changed: Call): void {
    if (changed.callId !== ringingCallId) return;
    if (changed.state === CallState.RINGING) {
      if (changed.declinedUserIds.length > 0) status.textContent = `Ringing… (${changed.declinedUserIds.map((id) => ctx.people.name(id)).join(", ")} declined)`;
      return;
    }
    ringingCallId = "";
    if (changed.state === CallState.DECLINED) status.textContent = "Declined.";
    else if (changed.state === CallState.MISSED) status.textContent = "No answer.";
    else showCount();
  }

  async function start(ringOthers: boolean): Promise<void> {
    if (call) return;
    button.disabled = true;
    element.hidden = false;
    controls.hidden = false;
    status.textContent = "Starting your camera…";
    try {
      local = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (err) {
      end(mediaError(err));
      return;
    }
    localVideo.srcObject = local;
    status.textContent = "Joining the call…";
    sending = { audio: true, video: true, screen: false, speaking: false };
    stopVoice = voiceActivity(local, (speaking) => {
      if (speaking !== sending.speaking && (sending.audio || !speaking)) setSending({ ...sending, speaking });
    });
    call = new MeshCall(roomId, ctx.session, local, {
      remote: (participantId, userId, stream) => {
        if (!stream) {
          remotes.querySelector(`[data-participant-id="${participantId}"]`)?.remove();
          media.delete(participantId);
        } else {
          tile(participantId, userId).querySelector("video")!.srcObject = stream;
        }
        showCount();
      },
      participant: (participantId, userId) => void tile(participantId, userId),
      media: (participantId, state) => {
        media.set(participantId, state);
        showMedia(participantId);
      },
      reconnecting: (participantId, reconnecting) => {
        const t = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
        if (t) t.dataset.reconnecting = String(reconnecting);
        showMedia(participantId);
      },
      iceState: (participantId, state) => {
        const t = remotes.querySelector<HTMLElement>(`[data-participant-id="${participantId}"]`);
        if (t) t.dataset.ice = state;
        if (state === "disconnected" || state === "failed") status.textContent = "The connection to the other side is unstable…";
        else if (state === "connected" || state === "completed") showCount();
      },
      ended: (reason) => end(reason ?? "The call ended."),
    });
    setSending(sending);
    call.onState((state) => {
      element.dataset.signaling = state;
      if (state === "live") showCount();
      else if (state === "reconnecting" || state === "offline") status.textContent = "Reconnecting the call…";
    });
    if (ringOthers) await ring();
  }

  const stopWatching = ctx.invitations.onChange(ringChanged);
  openPanels.set(roomId, () => void start(false));
  button.addEventListener("click", () => void start(true));
  hangUpButton.addEventListener("click", () => end());
  muteButton.addEventListener("click", () => setSending({ ...sending, audio: !sending.audio, speaking: false }));
  cameraButton.addEventListener("click", () => setSending({ ...sending, video: !sending.video }));
  screenButton.addEventListener("click", async () => {
    if (!call || !local) return;
    if (screen) {
      screen.getTracks().forEach((track) => track.stop());
      screen = null;
      await call.replaceVideo(local.getVideoTracks()[0]);
      setSending({ ...sending, screen: false });
      return;
    }
    try {
      screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    } catch (err) {
      ctx.notify(mediaError(err));
      return;
    }
    const track = screen.getVideoTracks()[0];
    track.addEventListener("ended", () => {
      if (screen) screenButton.click(); // stopped from the browser's own UI
    });
    await call.replaceVideo(track);
    setSending({ ...sending, screen: true });
  });
  if (joinWhenOpen.delete(roomId)) queueMicrotask(() => void start(false));

  return {
    button,
    element,
    close: () => {
      stopWatching();
      openPanels.delete(roomId);
      end();
    },
  };
}

/**
 * Calls back when the microphone starts or stops picking up a voice: the level of the audio
 * track, sampled four times a second, with a little hysteresis so it does not flicker.
 * Returns what stops it.
 */
function voiceActivity(stream: MediaStream, changed: (speaking: boolean) => void): () => void {
  if (stream.getAudioTracks().length === 0) return () => {};
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 512;
  audio.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let speaking = false;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    const level = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
    const now = speaking ? level > 0.01 : level > 0.03;
    if (now !== speaking) changed((speaking = now));
  }, 250);
  return () => {
    clearInterval(timer);
    void audio.close();
  };
}

function mediaError(err: unknown): string {
  const name = err instanceof DOMException ? err.name : "";
  if (name === "NotAllowedError") return "The call needs your camera and microphone: allow them in the browser and try again.";
  if (name === "NotFoundError") return "No camera or microphone was found.";
  if (name === "NotReadableError") return "The camera or microphone is in use by another program.";
  return "The camera and microphone could not be started.";
}
