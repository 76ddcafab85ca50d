// Turns what the server refused into a sentence for the person using the app: a gRPC status
// (ConnectError, with google.rpc details) from a unary call, or a StreamError from a stream.
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import type { StreamError } from "../gen/chatmesh/common/v1/common_pb.js";

export interface Violation {
  field: string;
  description: string;
}

/** Overrides for a screen where a code means something specific (e.g. a wrong password). */
export type Wording = Partial<Record<Code, string>>;

/** Field paths as the person knows them. */
const FIELD_LABELS: Record<string, string> = {
  username: "Username",
  password: "Password",
  display_name: "Display name",
  name: "Room name",
  topic: "Topic",
  query: "Search",
  text: "Message",
  "send.text": "Message",
  "message.text": "Message",
  interests: "Interests",
  status_text: "Status text",
};

/** One sentence for a gRPC code, its chatmesh reason (ErrorInfo / StreamError) and bad fields. */
export function sentence(code: Code, reason: string, violations: Violation[], wording: Wording = {}): string {
  if (wording[code]) {
    return wording[code]!;
  }
  switch (code) {
    case Code.InvalidArgument:
      if (violations.length > 0) {
        // a list's element (interests[2]) is labelled as its list
        return violations.map((v) => `${FIELD_LABELS[v.field.replace(/\[\d+\]$/, "")] ?? v.field}: ${v.description}.`).join(" ");
      }
      return reason === "TOO_LARGE" ? "That is too large to send." : "That was not accepted: please check what you entered.";
    case Code.Unauthenticated:
      return "You are not signed in any more. Please log in again.";
    case Code.PermissionDenied:
      if (reason === "NOT_A_MEMBER") return "Join the room first.";
      if (reason === "BLOCKED") return "Not possible: one of you has blocked the other.";
      if (reason === "NOT_ALLOWED") return "Only friends can message each other directly. Send a friend request first.";
      return "You are not allowed to do that.";
    case Code.NotFound:
      return "That does not exist, or you cannot see it.";
    case Code.AlreadyExists:
      return "That name is already taken.";
    case Code.ResourceExhausted:
      if (reason === "RATE_LIMITED") return "You are sending too fast. Wait a moment and try again.";
      if (reason === "LIMIT_REACHED") return "That is full.";
      if (reason === "SLOW_CONSUMER") return "The connection fell behind; reconnecting.";
      return "chatmesh is busy right now. Try again in a moment.";
    case Code.FailedPrecondition:
      return "That is not possible right now.";
    case Code.Unavailable:
      return "chatmesh cannot be reached right now. Check your connection and try again.";
    case Code.DeadlineExceeded:
      return "That took too long. Try again.";
    case Code.Unimplemented:
      return "That is not available yet.";
    case Code.Canceled:
      return "That was cancelled.";
    default:
      return "Something went wrong on the server. Try again later.";
  }
}

/** The sentence for anything a unary call threw. */
export function describe(err: unknown, wording: Wording = {}): string {
  if (!(err instanceof ConnectError) && err instanceof Error && err.name === "SignedOut") {
    return err.message;
  }
  const e = ConnectError.from(err);
  const reason = e.findDetails(ErrorInfoSchema)[0]?.reason ?? "";
  const violations = e.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations);
  return sentence(e.code, reason, violations, wording);
}

/** The code of anything a unary call threw. */
export function codeOf(err: unknown): Code {
  return ConnectError.from(err).code;
}

/** The sentence for a StreamError. */
export function describeStreamError(error: StreamError, wording: Wording = {}): string {
  return sentence(error.code as Code, error.reason, error.fieldViolations, wording);
}
