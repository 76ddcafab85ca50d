// Message search in the app: two people, one shared room and one room only ann is in. Each
// searches with the side bar's box and sees matches from their own rooms only, newest first; a
// result opens its room at that message, loading history back to it (it is older than the first
// page), and marks it. Korean text is found inside a word (김치 in 김치찌개).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { ChatService, SendMessageEventSchema } from "../../src/gen/chatmesh/chat/v1/chat_service_pb.js";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, messages, newUser, PASSWORD, rooms, transport, uniqueName } from "../support/edge.mjs";
import { launch, personPage, screenshot } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const chat = createClient(ChatService, transport);

async function post(user, roomId, text) {
  const { message } = await chat.sendMessage(
    { clientId: uniqueName("seed"), message: create(SendMessageEventSchema, { roomId, text }) }, auth(user.token));
  return message;
}

/** Messages are stored from the event bus, a moment after their ack: waits until search sees this one. */
async function searchable(user, query, messageId) {
  for (;;) {
    const found = await messages.searchMessages({ query }, auth(user.token));
    if (found.messages.some((m) => m.id === messageId)) return;
    await sleep(100);
  }
}

async function logIn(page, user) {
  await page.goto("/#/login");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator('.connection[data-state="live"]').waitFor();
}

async function search(page, query) {
  await page.getByLabel("Search messages").fill(query);
  await page.getByRole("button", { name: "Find" }).click();
  await page.locator(".message-search h2", { hasText: query }).waitFor();
  await page.waitForFunction(() => document.querySelector(".search-state")?.textContent !== "Searching…");
  return page.locator(".search-result .text").allTextContents();
}

test("search finds messages of one's own rooms only, and a result opens the room at that message", async () => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const { room: shared } = await rooms.createRoom(
    { kind: RoomKind.GROUP, name: uniqueName("kitchen"), memberIds: [bob.user.id] }, auth(ann.token));
  const { room: annsOnly } = await rooms.createRoom({ kind: RoomKind.PRIVATE, name: uniqueName("diary") }, auth(ann.token));

  const recipe = await post(ann, shared.id, "the 김치찌개 recipe is on the fridge");
  for (let i = 1; i <= 60; i++) await post(i % 2 ? bob : ann, shared.id, `filler ${i}`);
  const reply = await post(bob, shared.id, "thanks, 김치 tonight then");
  const secret = await post(ann, annsOnly.id, "secret 김치 stash");
  await searchable(ann, "김치", secret.id);
  await searchable(bob, "김치", reply.id);
  await searchable(bob, "김치", recipe.id);

  const annPage = await personPage(browser);
  const bobPage = await personPage(browser);
  await logIn(annPage, ann);
  await logIn(bobPage, bob);

  assert.deepEqual(await search(bobPage, "김치"), ["thanks, 김치 tonight then", "the 김치찌개 recipe is on the fridge"],
    "bob: the shared room only, newest first");
  assert.deepEqual(await search(annPage, "김치"),
    ["secret 김치 stash", "thanks, 김치 tonight then", "the 김치찌개 recipe is on the fridge"], "ann: both her rooms");
  assert.deepEqual(await search(bobPage, "stash"), [], "never another person's room");
  await bobPage.getByText("Nothing found for “stash”.").waitFor();
  await screenshot(annPage, "06-search-results");

  // the recipe is older than the room's first page: opening it loads history back to it
  await search(bobPage, "recipe");
  await bobPage.locator(".search-result", { hasText: "recipe" }).getByRole("link").click();
  const found = bobPage.locator(".msg.found");
  await found.waitFor();
  assert.equal(await found.locator(".text").textContent(), "the 김치찌개 recipe is on the fridge");
  assert.equal(await found.getAttribute("data-seq"), String(recipe.seq));
  assert.ok(await found.evaluate((el) => {
    const item = el.getBoundingClientRect();
    const scroller = el.closest(".scroller").getBoundingClientRect();
    return item.top >= scroller.top && item.bottom <= scroller.bottom;
  }), "scrolled into view");
  assert.equal(await bobPage.locator(".room-header h2").textContent(), shared.name);
  await screenshot(bobPage, "07-search-jump");

  await annPage.context().close();
  await bobPage.context().close();
});
