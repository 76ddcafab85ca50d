// Two people in two browser contexts use the app served by the edge: sign up, share a room, chat
// both ways live, reload and see history, and one of them goes offline while the other sends:
// back online, every message is there once, in order.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { ChatService } from "../../src/gen/chatmesh/chat/v1/chat_service_pb.js";
import { SendMessageEventSchema } from "../../src/gen/chatmesh/chat/v1/chat_service_pb.js";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, newUser, PASSWORD, rooms, transport, uniqueName } from "../support/edge.mjs";
import { launch, personPage, screenshot, send, shownTexts, signUp, waitForTexts } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("two people chat live, see history after a reload, and miss nothing while one is offline", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  await signUp(ann, "ann");
  await signUp(bob, "bob");
  await screenshot(ann, "01-signed-in");

  // ann creates a public room; bob finds it in the directory and joins
  const roomName = uniqueName("lounge");
  await ann.getByRole("link", { name: "New room" }).click();
  await ann.getByLabel("Name").fill(roomName);
  await ann.getByLabel("Topic (optional)").fill("where the tests meet");
  await ann.getByRole("button", { name: "Create room" }).click();
  await ann.locator(".room-header h2", { hasText: roomName }).waitFor();
  await ann.getByText("No messages yet. Say hello!").waitFor();

  await bob.getByRole("link", { name: "Public rooms" }).click();
  await bob.getByLabel("Search public rooms").fill(roomName);
  await bob.getByRole("button", { name: "Search" }).click();
  await screenshot(bob, "02-public-rooms");
  await bob.locator(".directory li", { hasText: roomName }).getByRole("button", { name: "Join" }).click();
  await bob.locator(".room-header h2", { hasText: roomName }).waitFor();
  await bob.locator(".room-list li", { hasText: roomName }).waitFor();

  // live, both ways
  await send(ann, "hello bob");
  await waitForTexts(bob, ["hello bob"]);
  await send(bob, "hi ann");
  await waitForTexts(ann, ["hello bob", "hi ann"]);
  await waitForTexts(bob, ["hello bob", "hi ann"]);
  assert.equal(await ann.locator('.msg[data-state="pending"]').count(), 0, "every send was acked");
  await screenshot(ann, "03-room-live");

  // a reload shows the history
  await bob.reload();
  await waitForTexts(bob, ["hello bob", "hi ann"]);
  assert.deepEqual(await shownTexts(bob), ["hello bob", "hi ann"]);

  // bob goes offline; ann sends; bob writes something meanwhile (pending until back). The app
  // notices by the browser's offline event, or (where the browser does not tell, as in a network
  // namespace with loopback only) by its Pings going unanswered: test/run-e2e.sh runs chatmesh
  // with a 2 s chat heartbeat.
  await bob.context().setOffline(true);
  await bob.locator('.connection:not([data-state="live"])').waitFor({ timeout: 60_000 });
  const whileAway = ["one", "two", "three", "four", "five"].map((n) => `while you were away: ${n}`);
  for (const text of whileAway) await send(ann, text);
  await waitForTexts(ann, whileAway);
  await send(bob, "typed while offline");
  await bob.locator('.msg[data-state="pending"]', { hasText: "typed while offline" }).waitFor();
  await screenshot(bob, "04-offline-pending");

  await bob.context().setOffline(false);
  const all = ["hello bob", "hi ann", ...whileAway];
  await waitForTexts(bob, [...all, "typed while offline"], { timeout: 60_000 });
  await bob.locator('.connection[data-state="live"]').waitFor();
  assert.ok(Number(await bob.locator(".connection").getAttribute("data-sessions")) >= 2, "a new stream, resumed from the cursor");
  assert.deepEqual(await shownTexts(bob), [...all, "typed while offline"], "every message once, in order");
  await waitForTexts(ann, [...whileAway, "typed while offline"]);
  assert.deepEqual(await shownTexts(ann), [...all, "typed while offline"]);
  assert.equal(await bob.locator('.msg[data-state="pending"]').count(), 0);

  await ann.context().close();
  await bob.context().close();
});

test("older messages load on scrolling up, each once, up to the room's beginning", async () => {
  const poster = await newUser("poster");
  const { room } = await rooms.createRoom({ kind: RoomKind.PUBLIC, name: uniqueName("archive") }, auth(poster.token));
  const chat = createClient(ChatService, transport);
  const texts = Array.from({ length: 80 }, (_, i) => `archived message ${i + 1}`);
  for (const [i, text] of texts.entries()) {
    await chat.sendMessage({ clientId: `seed-${i}`, message: create(SendMessageEventSchema, { roomId: room.id, text }) }, auth(poster.token));
  }

  // the poster logs in through the app and opens the room: the newest page first
  const page = await personPage(browser);
  await page.goto("/#/login");
  await page.getByLabel("Username").fill(poster.username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator(".room-list li", { hasText: room.name }).click();
  await waitForTexts(page, texts.slice(-3));
  assert.ok((await shownTexts(page)).length < texts.length, "not everything at once");

  const scroller = page.locator(".scroller");
  while (!(await page.getByText("This is the beginning of the room.").isVisible())) {
    await scroller.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
    await page.waitForFunction(() => !document.querySelector(".history-state")?.textContent?.startsWith("Loading"));
  }
  assert.deepEqual(await shownTexts(page), texts);
  await screenshot(page, "05-history");
  await page.context().close();
});

test("what the server refuses is said in words", async () => {
  const taken = await newUser("taken");
  const page = await personPage(browser);
  await page.goto("/#/signup");
  await page.getByLabel("Username").fill(taken.username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("alert").filter({ hasText: "That username is taken. Pick another one." }).waitFor();

  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByLabel("Username").fill(taken.username);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong username or password." }).waitFor();
  await screenshot(page, "00-login-error");

  // log in, then log out: back at the login screen, and the session's refresh token is spent
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator('.connection[data-state="live"]').waitFor();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("chatmesh.session")));
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem("chatmesh.session")), null);
  const { users } = await import("../support/edge.mjs");
  await assert.rejects(users.refreshToken({ refreshToken: stored.refreshToken }), (err) => err.code === 16);
  await page.context().close();
});
