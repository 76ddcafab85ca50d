// Presence as the page shows it: a coloured dot (online, away, do not disturb, offline) and a
// "last seen" line. Both are plain elements marked with the user's id; `showPresenceChanges`
// (installed once by the shell) updates every mark of a user when their presence changes, so a
// view that renders a dot needs no listener of its own.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { PresenceStatus, type Presence } from "../gen/chatmesh/user/v1/user_pb.js";
import type { Presences } from "../state/presence.js";
import { h } from "./dom.js";

const STATUS: Record<PresenceStatus, { key: string; label: string }> = {
  [PresenceStatus.UNSPECIFIED]: { key: "unknown", label: "presence unknown" },
  [PresenceStatus.OFFLINE]: { key: "offline", label: "offline" },
  [PresenceStatus.ONLINE]: { key: "online", label: "online" },
  [PresenceStatus.AWAY]: { key: "away", label: "away" },
  [PresenceStatus.DO_NOT_DISTURB]: { key: "dnd", label: "do not disturb" },
};

/** A dot for the user's presence (role=img with a label, so it is not colour alone). */
export function presenceDot(presences: Presences, userId: string): HTMLElement {
  const dot = h("span", { class: "presence-dot", role: "img", data: { presenceOf: userId } });
  markDot(dot, presences.get(userId));
  return dot;
}

/** "last seen …" (or the status text) of the user; empty while unknown. */
export function lastSeen(presences: Presences, userId: string): HTMLElement {
  const line = h("span", { class: "last-seen", data: { lastSeenOf: userId } });
  markLastSeen(line, presences.get(userId));
  return line;
}

/** Keeps every dot and last-seen line on the page up to date; returns what stops it. */
export function showPresenceChanges(presences: Presences): () => void {
  return presences.onChange((presence) => {
    const id = CSS.escape(presence.userId);
    document.querySelectorAll<HTMLElement>(`[data-presence-of="${id}"]`).forEach((dot) => markDot(dot, presence));
    document.querySelectorAll<HTMLElement>(`[data-last-seen-of="${id}"]`).forEach((line) => markLastSeen(line, presence));
  });
}

/** The words for a status (the status selector and the dots share them). */
export function statusLabel(status: PresenceStatus): string {
  return STATUS[status].label;
}

function markDot(dot: HTMLElement, presence: Presence | undefined): void {
  const status = STATUS[presence?.status ?? PresenceStatus.UNSPECIFIED];
  dot.dataset.status = status.key;
  const label = presence?.statusText ? `${status.label}: ${presence.statusText}` : status.label;
  dot.setAttribute("aria-label", label);
  dot.title = label;
}

function markLastSeen(line: HTMLElement, presence: Presence | undefined): void {
  if (presence?.status === PresenceStatus.OFFLINE && presence.lastSeenTime) {
    line.textContent = `last seen ${when(timestampDate(presence.lastSeenTime))}`;
  } else if (presence && presence.status !== PresenceStatus.OFFLINE && presence.statusText) {
    line.textContent = presence.statusText;
  } else {
    line.textContent = "";
  }
}

function when(date: Date): string {
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === new Date().toDateString()) return `today at ${time}`;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })} at ${time}`;
}
