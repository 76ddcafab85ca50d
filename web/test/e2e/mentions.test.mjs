// Mentions, unread and mention badges, and threads in the app, two people in two browser contexts:
// ann @-mentions bob with the composer's autocomplete; bob, in another room, sees the shared room's
// unread and mention badges, which go once he opens it. Then a thread: ann replies in the pane,
// bob sees the root's reply count change live, opens the thread and answers; ann sees it live.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, newUser, PASSWORD, rooms, uniqueName } from "../support/edge.mjs";
import { launch, personPage, screenshot, send, shownTexts, waitForTexts } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function logIn(page, user) {
  await page.goto("/#/login");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator('.connection[data-state="live"]').waitFor();
}

test("an @-mention picked from the autocomplete badges the other person's room list until they read it", async () => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const { room: shared } = await rooms.createRoom(
    { kind: RoomKind.GROUP, name: uniqueName("studio"), memberIds: [bob.user.id] }, auth(ann.token));
  const { room: elsewhere } = await rooms.createRoom({ kind: RoomKind.PRIVATE, name: uniqueName("desk") }, auth(bob.token));

  const annPage = await personPage(browser);
  const bobPage = await personPage(browser);
  await logIn(annPage, ann);
  await logIn(bobPage, bob);
  await bobPage.goto(`/#/room/${elsewhere.id}`);
  await bobPage.locator(".room-header h2", { hasText: elsewhere.name }).waitFor();

  await annPage.goto(`/#/room/${shared.id}`);
  const box = annPage.getByLabel("Message", { exact: true });
  await box.click();
  await box.pressSequentially(`see this @${bob.username.slice(0, 5)}`);
  const suggestion = annPage.locator(".mention-suggestions li", { hasText: `@${bob.username}` });
  await suggestion.waitFor();
  await screenshot(annPage, "08-mention-autocomplete");
  await box.press("Enter"); // picks the suggestion, does not send
  assert.equal(await box.inputValue(), `see this @${bob.username} `);
  await box.pressSequentially("please");
  await box.press("Enter");
  await waitForTexts(annPage, [`see this @${bob.username} please`]);
  assert.equal(await annPage.locator(".msg mark.mention").first().textContent(), `@${bob.username}`);
  await send(annPage, "and a plain one");

  const bobEntry = bobPage.locator(`.room-list li[data-room-id="${shared.id}"]`);
  await bobEntry.locator(".badge.mention", { hasText: "@1" }).waitFor();
  await bobEntry.locator(".badge:not(.mention)", { hasText: "2" }).waitFor();
  await screenshot(bobPage, "09-mention-badges");

  await bobEntry.getByRole("link").click();
  await waitForTexts(bobPage, [`see this @${bob.username} please`, "and a plain one"]);
  assert.equal(await bobPage.locator(".msg.mentions-me").count(), 1, "the mention of bob stands out");
  await bobPage.goto(`/#/room/${elsewhere.id}`);
  await bobPage.locator(".room-header h2", { hasText: elsewhere.name }).waitFor();
  await bobPage.waitForFunction((roomId) =>
    document.querySelector(`.room-list li[data-room-id="${roomId}"] .badge`) === null, shared.id);

  await annPage.context().close();
  await bobPage.context().close();
});

test("a reply in the thread pane reaches the other person live, with the root's reply count", async () => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const { room } = await rooms.createRoom(
    { kind: RoomKind.GROUP, name: uniqueName("threads"), memberIds: [bob.user.id] }, auth(ann.token));
  const annPage = await personPage(browser);
  const bobPage = await personPage(browser);
  await logIn(annPage, ann);
  await logIn(bobPage, bob);
  await annPage.goto(`/#/room/${room.id}`);
  await bobPage.goto(`/#/room/${room.id}`);

  await send(annPage, "who brings snacks?");
  await waitForTexts(bobPage, ["who brings snacks?"]);
  const annRoot = annPage.locator(".messages .msg", { hasText: "who brings snacks?" });
  const bobRoot = bobPage.locator(".messages .msg", { hasText: "who brings snacks?" });
  await annRoot.getByRole("button", { name: "Reply in thread" }).click();
  const annPane = annPage.getByRole("complementary", { name: "Thread" });
  await annPane.getByLabel("Reply").fill("I can bring tea");
  await annPane.getByRole("button", { name: "Reply" }).click();
  await annPane.locator(".thread-replies .msg .text", { hasText: "I can bring tea" }).waitFor();

  await bobRoot.getByRole("button", { name: "1 reply" }).waitFor();
  await bobRoot.getByRole("button", { name: "1 reply" }).click();
  const bobPane = bobPage.getByRole("complementary", { name: "Thread" });
  await bobPane.locator(".thread-replies .msg .text", { hasText: "I can bring tea" }).waitFor();
  await bobPane.getByLabel("Reply").fill("and I bring cake");
  await bobPane.getByRole("button", { name: "Reply" }).click();

  await annPane.locator(".thread-replies .msg .text", { hasText: "and I bring cake" }).waitFor();
  await annRoot.getByRole("button", { name: "2 replies" }).waitFor();
  await screenshot(annPage, "10-thread-pane");
  assert.deepEqual(await shownTexts(annPage), ["who brings snacks?"], "replies stay out of the main timeline");
  assert.deepEqual(await annPane.locator(".thread-replies .msg .text").allTextContents(), ["I can bring tea", "and I bring cake"]);

  await annPage.context().close();
  await bobPage.context().close();
});
