// Who is signed in, and their tokens: kept in localStorage so a reload (or another tab) stays
// signed in. Access tokens are short-lived; refresh() exchanges the refresh token for a new pair
// (UserService.RefreshToken). A refresh token is single use and presenting a spent one ends every
// session of the user, so tabs refresh one at a time (Web Locks) and take each other's result.
import { Code, ConnectError } from "@connectrpc/connect";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { User } from "../gen/chatmesh/user/v1/user_pb.js";
import type { TokenPair } from "../gen/chatmesh/user/v1/user_service_pb.js";
import { publicUsers, type TokenSource } from "./clients.js";

export interface SignedIn {
  userId: string;
  username: string;
  displayName: string;
  accessToken: string;
  /** Epoch millis. */
  accessExpiresAt: number;
  /** When the app got the access token (epoch millis): its lifetime is what is left at first. */
  accessReceivedAt: number;
  refreshToken: string;
}

/** Thrown when the session is over (logged out here or elsewhere, or its refresh token refused). */
export class SignedOut extends Error {
  override name = "SignedOut";
}

const KEY = "chatmesh.session";
/** A token that expires sooner than this (or a third of its lifetime) is refreshed before use. */
const MIN_VALIDITY_MS = 30_000;

export class Session implements TokenSource {
  private current: SignedIn | null = load();
  private refreshing: Promise<string> | null = null;
  private readonly listeners = new Set<(reason?: string) => void>();

  constructor() {
    // another tab refreshed, signed in or signed out
    addEventListener("storage", (e) => {
      if (e.key !== KEY) return;
      const before = this.current?.userId;
      this.current = load();
      if (this.current?.userId !== before) this.emit();
    });
  }

  get user(): SignedIn | null {
    return this.current;
  }

  /** Called with a reason when the session ends by itself (e.g. refused refresh token). */
  onChange(listener: (reason?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signIn(user: User, tokens: TokenPair): void {
    this.current = {
      userId: user.id,
      username: user.username,
      displayName: user.displayName || user.username,
      ...fromPair(tokens),
    };
    save(this.current);
    this.emit();
  }

  signOut(reason?: string): void {
    this.current = null;
    save(null);
    this.emit(reason);
  }

  async accessToken(): Promise<string> {
    const user = this.requireUser();
    return stillValid(user) ? user.accessToken : this.refresh();
  }

  /** A fresh access token; one refresh at a time in this tab, and across tabs where locks exist. */
  refresh(): Promise<string> {
    if (!this.refreshing) {
      const seen = this.requireUser().refreshToken;
      this.refreshing = withLock(() => this.exchange(seen)).finally(() => (this.refreshing = null));
    }
    return this.refreshing;
  }

  private async exchange(seenRefreshToken: string): Promise<string> {
    const stored = load();
    const user = this.requireUser();
    if (stored && stored.userId === user.userId && stored.refreshToken !== seenRefreshToken) {
      // another tab refreshed meanwhile: its tokens are ours too
      this.current = stored;
      if (stillValid(stored)) return stored.accessToken;
    }
    try {
      const { tokens } = await publicUsers.refreshToken({ refreshToken: this.requireUser().refreshToken });
      this.current = { ...this.requireUser(), ...fromPair(tokens!) };
      save(this.current);
      return this.current.accessToken;
    } catch (err) {
      if (err instanceof ConnectError && err.code === Code.Unauthenticated) {
        this.signOut("Your session has ended. Please log in again.");
        throw new SignedOut("Your session has ended. Please log in again.");
      }
      throw err;
    }
  }

  private requireUser(): SignedIn {
    if (!this.current) throw new SignedOut("You are signed out.");
    return this.current;
  }

  private emit(reason?: string): void {
    this.listeners.forEach((listener) => listener(reason));
  }
}

function fromPair(tokens: TokenPair) {
  return {
    accessToken: tokens.accessToken,
    accessExpiresAt: tokens.accessTokenExpireTime ? timestampMs(tokens.accessTokenExpireTime) : Date.now() + 60_000,
    accessReceivedAt: Date.now(),
    refreshToken: tokens.refreshToken,
  };
}

function stillValid(user: SignedIn): boolean {
  const margin = Math.min(MIN_VALIDITY_MS, (user.accessExpiresAt - (user.accessReceivedAt ?? 0)) / 3);
  return user.accessExpiresAt - Date.now() > margin;
}

function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request("chatmesh.token-refresh", task) : task();
}

function load(): SignedIn | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as SignedIn) : null;
  } catch {
    return null;
  }
}

function save(user: SignedIn | null): void {
  if (user) localStorage.setItem(KEY, JSON.stringify(user));
  else localStorage.removeItem(KEY);
}
