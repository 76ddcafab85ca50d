// Edits, deletions and reactions applied to what the app shows. They arrive in the room's order
// with their own seqs (event_seq), live or replayed on resume; applying them in that order to
// what the app has gives the server's state: an edit replaces the text, a deletion is final, a
// reaction is one (emoji, user) pair added or removed.
import { create } from "@bufbuild/protobuf";
import { ReactionSummarySchema, type Message } from "../gen/chatmesh/message/v1/message_pb.js";
import type { MessageDeleted, MessageEdited, ReactionChanged } from "../gen/chatmesh/chat/v1/room_event_pb.js";
import type { Timelines } from "./timeline.js";

/** Up to this many users per emoji are known by id (the server's sample); beyond, only the count. */
const SAMPLE = 10;

export function applyEdited(timelines: Timelines, edited: MessageEdited): void {
  const next = edited.message;
  if (!next) return;
  timelines.get(next.roomId).update(next.id, (message) => {
    if (message.deleteTime) return;
    message.text = next.text;
    message.editTime = next.editTime;
  });
}

export function applyDeleted(timelines: Timelines, deleted: MessageDeleted): void {
  timelines.get(deleted.roomId).update(deleted.messageId, (message) => {
    message.text = "";
    message.attachments = [];
    message.reactions = [];
    message.deleteTime = deleted.deleteTime;
  });
}

export function applyReaction(timelines: Timelines, change: ReactionChanged): void {
  timelines.get(change.roomId).update(change.messageId, (message) => {
    if (message.deleteTime) return;
    toggle(message, change.emoji, change.userId, change.added);
  });
}

/** Adds or removes the user's reaction in the message's summaries (idempotent for known users). */
export function toggle(message: Message, emoji: string, userId: string, added: boolean): void {
  let summary = message.reactions.find((r) => r.emoji === emoji);
  const known = summary?.sampleUserIds.includes(userId) ?? false;
  if (added) {
    if (known) return;
    if (!summary) {
      summary = create(ReactionSummarySchema, { emoji, count: 0, sampleUserIds: [] });
      message.reactions.push(summary);
    }
    summary.count++;
    if (summary.sampleUserIds.length < SAMPLE) summary.sampleUserIds.push(userId);
    return;
  }
  if (!summary) return;
  if (known) summary.sampleUserIds = summary.sampleUserIds.filter((id) => id !== userId);
  else if (summary.count <= summary.sampleUserIds.length) return; // this user had not reacted
  summary.count--;
  if (summary.count <= 0) message.reactions = message.reactions.filter((r) => r !== summary);
}

/** Whether the user reacted with the emoji (as far as the sample tells). */
export function reacted(message: Message, emoji: string, userId: string): boolean {
  return message.reactions.find((r) => r.emoji === emoji)?.sampleUserIds.includes(userId) ?? false;
}
