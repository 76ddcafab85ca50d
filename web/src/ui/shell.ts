// The signed-in page: a header (connection state, who is signed in, log out), the person's rooms
// on the side, and the current screen (a room, the directory, a new room, a direct message).
import type { Room } from "../gen/chatmesh/room/v1/room_pb.js";
import { MembershipChange } from "../gen/chatmesh/chat/v1/room_event_pb.js";
import { authedClients } from "../api/clients.js";
import { describe } from "../api/errors.js";
import type { Session } from "../api/session.js";
import { ChatStream } from "../streams/chat-stream.js";
import type { SocketState } from "../streams/envelope-socket.js";
import { People } from "../state/people.js";
import { Timelines } from "../state/timeline.js";
import { UnreadCounts } from "../state/unread.js";
import { roomTitle, type AppContext } from "./context.js";
import { fill, h } from "./dom.js";
import { incomingCalls } from "./incoming-call.js";
import { roomView } from "./room-view.js";
import { Invitations } from "../call/invitations.js";
import { directView, directoryView, newRoomView, roomBadges } from "./rooms-views.js";
import { searchBox, searchView } from "./search-view.js";

const STATE_TEXT: Record<SocketState, string> = {
  connecting: "Connecting…",
  live: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline — messages will arrive when you are back",
  stopped: "Disconnected",
};

export interface Shell {
  element: HTMLElement;
  /** Shows the screen for a route (the part of the hash after "#/"). */
  route(path: string): void;
  close(): void;
}

export function shell(session: Session): Shell {
  const clients = authedClients(session);
  const timelines = new Timelines();
  const people = new People(clients);
  const unread = new UnreadCounts(clients);
  let openRoomId = "";
  const roomList = h("ul", { class: "room-list", "aria-label": "Your rooms" });
  const connection = h("span", { class: "connection", data: { state: "connecting" }, text: STATE_TEXT.connecting });
  const banner = h("p", { class: "banner", role: "status", hidden: true });
  const main = h("main", { class: "content" });
  let closeView = () => {};

  const chat = new ChatStream(session, timelines, {
    message: (message) => {
      if (message.roomId === openRoomId) void unread.read(message.roomId, message.seq);
      else if (message.senderId !== session.user?.userId) unread.refreshSoon();
      if (!ctx.myRooms.has(message.roomId)) void ctx.refreshRooms();
    },
    membership: (change) => {
      const mine = change.userId === session.user?.userId;
      if (mine || change.change === MembershipChange.JOINED) void ctx.refreshRooms();
      if (mine && (change.change === MembershipChange.REMOVED || change.change === MembershipChange.LEFT) && change.roomId === openRoomId) {
        ctx.notify("You are no longer in this room.");
      }
    },
    notice: (text) => ctx.notify(text),
    counted: (readies, reauthentications) => {
      // for the curious (and the browser tests): sessions opened, tokens renewed in-band
      connection.dataset.sessions = String(readies);
      connection.dataset.reauthentications = String(reauthentications);
    },
  });
  chat.onState((state) => {
    connection.dataset.state = state;
    connection.textContent = STATE_TEXT[state];
  });

  const ctx: AppContext = {
    session, clients, chat, timelines, people, unread,
    invitations: new Invitations(clients),
    myRooms: new Map<string, Room>(),
    async refreshRooms() {
      try {
        const rooms: Room[] = [];
        let pageToken = "";
        do {
          const page = await clients.rooms.listMyRooms({ pageSize: 200, pageToken });
          rooms.push(...page.rooms);
          pageToken = page.nextPageToken;
        } while (pageToken);
        await people.load(rooms.flatMap((room) => room.directUserIds));
        ctx.myRooms = new Map(rooms.map((room) => [room.id, room]));
        renderRooms();
        await unread.track(rooms.map((room) => room.id));
      } catch (err) {
        ctx.notify(describe(err));
      }
    },
    navigate(hash) {
      location.hash = hash;
    },
    notify(text) {
      banner.textContent = text;
      banner.hidden = false;
    },
    async signOut() {
      const user = session.user;
      chat.stop();
      ctx.invitations.stop();
      let reason: string | undefined;
      try {
        if (user) await clients.users.logOut({ refreshToken: user.refreshToken });
      } catch (err) {
        reason = `You are signed out on this device, but the server could not be told: ${describe(err)}`;
      }
      session.signOut(reason);
    },
  };

  function renderRooms(): void {
    const items = [...ctx.myRooms.values()].map((room) => {
      const open = room.id === openRoomId;
      return h("li", { class: open ? "active" : "", data: { roomId: room.id } },
        h("a", { href: `#/room/${room.id}` }, roomTitle(ctx, room), !open && roomBadges(unread.of(room.id))));
    });
    if (items.length === 0) items.push(h("li", { class: "empty", text: "No rooms yet: create one or join a public room." }));
    fill(roomList, ...items);
  }

  unread.onChange(renderRooms);

  const logOut = h("button", { type: "button", class: "secondary", text: "Log out" });
  logOut.addEventListener("click", () => void ctx.signOut());
  banner.addEventListener("click", () => (banner.hidden = true));

  const element = h("div", { class: "app" },
    h("header", { class: "top" },
      h("a", { class: "brand", href: "#/", text: "chatmesh" }),
      connection,
      h("span", { class: "me", text: `@${session.user?.username ?? ""}` }),
      logOut),
    banner,
    incomingCalls(ctx),
    h("nav", { class: "side" },
      h("div", { class: "actions" },
        h("a", { class: "button", href: "#/new", text: "New room" }),
        h("a", { class: "button secondary", href: "#/directory", text: "Public rooms" }),
        h("a", { class: "button secondary", href: "#/direct", text: "Direct message" })),
      searchBox(ctx),
      h("h2", { text: "Your rooms" }),
      roomList),
    main);

  void ctx.refreshRooms();

  return {
    element,
    route(path) {
      closeView();
      closeView = () => {};
      banner.hidden = true;
      const [screen, id, at] = path.split("/");
      openRoomId = screen === "room" && id ? id : "";
      if (openRoomId) {
        void unread.read(openRoomId);
        // #/room/<id>/<seq>: opened at that message (a search result)
        const [view, close] = roomView(ctx, openRoomId, at && /^[1-9][0-9]*$/.test(at) ? BigInt(at) : undefined);
        closeView = close;
        fill(main, view);
      } else if (screen === "search" && id) {
        fill(main, searchView(ctx, decodeURIComponent(id)));
      } else if (screen === "directory") {
        fill(main, directoryView(ctx));
      } else if (screen === "new") {
        fill(main, newRoomView(ctx));
      } else if (screen === "direct") {
        fill(main, directView(ctx));
      } else {
        fill(main, h("section", { class: "panel welcome" },
          h("h2", { text: `Hello, ${session.user?.displayName ?? ""}` }),
          h("p", { text: "Pick a room on the left, create one, or find a public room to join." })));
      }
      renderRooms();
    },
    close() {
      closeView();
      chat.stop();
      ctx.invitations.stop();
      unread.stop();
    },
  };
}
