// A 1:1 video call in the app: one person opens a direct room with the other by username, both
// join the room's call, both peer connections reach "connected" and each page plays the other's
// (fake) camera; hanging up ends it on both sides. Runs inside a loopback-only network namespace
// (test/run-e2e.sh), so ICE only ever finds 127.0.0.1.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, personPage, screenshot, send, signUp, waitForTexts } from "../support/browser.mjs";
import { uniqueName } from "../support/edge.mjs";
import { befriend, block } from "../support/social.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Waits until the page plays the remote participant's video: frames with a size. */
async function remoteVideoPlays(page) {
  await page.locator('.call .remote[data-ice="connected"], .call .remote[data-ice="completed"]').waitFor();
  return page.locator(".call .remote video").evaluate((video) => new Promise((resolve) => {
    // a frame actually presented, not only metadata
    video.requestVideoFrameCallback((_now, frame) => resolve({ width: video.videoWidth, height: video.videoHeight, frameWidth: frame.width }));
  }));
}

test("a 1:1 video call in a direct room: both sides connect and see each other's camera", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "callann");
  const bobName = await signUp(bob, "callbob");
  await befriend(annName, bobName); // a direct room needs friendship

  // ann opens a direct room with bob by his username and says hi
  await ann.getByRole("link", { name: "Direct message" }).click();
  await ann.getByLabel("Their username").fill(bobName);
  await ann.getByRole("button", { name: "Open chat" }).click();
  await ann.locator(".room-header h2", { hasText: `@${bobName}` }).waitFor();
  await send(ann, "call me?");

  // the room appears in bob's list by itself (the stream's membership change)
  await bob.locator(".room-list li a").filter({ hasText: "@callann" }).click();
  await waitForTexts(bob, ["call me?"]);

  // ann's call rings bob; bob joins with the room's own button, which answers the ring
  await ann.getByRole("button", { name: "Video call" }).click();
  await ann.getByText("Ringing…").waitFor();
  await bob.locator(".incoming-call").waitFor();
  await bob.getByRole("button", { name: "Video call" }).click();
  await bob.locator(".incoming-call").waitFor({ state: "detached" });

  const [annSees, bobSees] = await Promise.all([remoteVideoPlays(ann), remoteVideoPlays(bob)]);
  assert.ok(annSees.width > 0 && annSees.height > 0 && annSees.frameWidth > 0, `ann sees bob's camera: ${JSON.stringify(annSees)}`);
  assert.ok(bobSees.width > 0 && bobSees.height > 0, `bob sees ann's camera: ${JSON.stringify(bobSees)}`);
  await ann.getByText("In a call with 1 person.").waitFor();
  await screenshot(ann, "06-call");

  // hanging up is Leave: bob's side sees ann go
  await ann.getByRole("button", { name: "Hang up" }).click();
  await bob.getByText("Waiting for someone to join the call…").waitFor();
  assert.equal(await bob.locator(".call .remote").count(), 0);
  assert.equal(await ann.locator(".call").isVisible(), false);
  await ann.context().close();
  await bob.context().close();
});

/** ann opens a direct room with bob (by username); both pages end up in it. */
async function directRoom(ann, bob, bobName, annName) {
  await befriend(annName, bobName); // a direct room needs friendship
  await ann.getByRole("link", { name: "Direct message" }).click();
  await ann.getByLabel("Their username").fill(bobName);
  await ann.getByRole("button", { name: "Open chat" }).click();
  await ann.locator(".room-header h2", { hasText: `@${bobName}` }).waitFor();
  await send(ann, "ring ring");
  await bob.locator(".room-list li a").filter({ hasText: `@${annName}` }).click();
  await waitForTexts(bob, ["ring ring"]);
}

test("a ring reaches every tab of the callee; accepting on one stops the other; mute shows on the tile", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "ringann");
  const bobName = await signUp(bob, "ringbob");
  await directRoom(ann, bob, bobName, annName);
  // bob's second tab: same person (same storage), on the home screen
  const bobTab = await bob.context().newPage();
  await bobTab.goto("/#/");
  await bobTab.locator(".connection[data-state=live]").waitFor();

  await ann.getByRole("button", { name: "Video call" }).click();
  await ann.getByText("Ringing…").waitFor();
  for (const tab of [bob, bobTab]) {
    await tab.locator(".incoming-call", { hasText: "is video calling you" }).waitFor();
  }
  await screenshot(bobTab, "07-incoming-call");

  await bobTab.getByRole("button", { name: "Accept" }).click();
  await bob.locator(".incoming-call").waitFor({ state: "detached" }); // the other tab stops ringing
  const [annSees, bobSees] = await Promise.all([remoteVideoPlays(ann), remoteVideoPlays(bobTab)]);
  assert.ok(annSees.width > 0 && annSees.frameWidth > 0, `ann sees bob: ${JSON.stringify(annSees)}`);
  assert.ok(bobSees.width > 0 && bobSees.frameWidth > 0, `bob sees ann: ${JSON.stringify(bobSees)}`);
  await ann.getByText("In a call with 1 person.").waitFor();

  // ann mutes and turns her camera off: bob's tile of ann says so
  await ann.getByRole("button", { name: "Mute" }).click();
  await bobTab.locator('.call .remote[data-muted="true"] .indicators .muted').waitFor();
  await ann.getByRole("button", { name: "Camera off" }).click();
  await bobTab.locator('.call .remote[data-camera-off="true"] .indicators .camera-off').waitFor();
  await ann.getByRole("button", { name: "Unmute" }).click();
  await bobTab.locator('.call .remote[data-muted="false"]').waitFor();
  await screenshot(bobTab, "08-call-indicators");

  await bobTab.getByRole("button", { name: "Hang up" }).click();
  await ann.getByText("Waiting for someone to join the call…").waitFor();
  await ann.getByRole("button", { name: "Hang up" }).click();
  await ann.context().close();
  await bob.context().close();
});

test("a declined ring tells the caller; an unanswered one becomes a missed call in the banner and the history", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "declann");
  const bobName = await signUp(bob, "declbob");
  await directRoom(ann, bob, bobName, annName);

  await ann.getByRole("button", { name: "Video call" }).click();
  await bob.getByRole("button", { name: "Decline" }).click();
  await ann.getByText("Declined.").waitFor();
  await ann.getByRole("button", { name: "Hang up" }).click();

  // nobody answers: after the ring timeout (30 s) bob has a missed call, the room a note
  await ann.getByRole("button", { name: "Video call" }).click();
  await bob.locator(".incoming-call").waitFor();
  await bob.locator(".missed-call", { hasText: "Missed call from" }).waitFor({ timeout: 90_000 });
  await ann.getByText("No answer.").waitFor();
  await waitForTexts(bob, ["Missed video call"]);
  await screenshot(bob, "09-missed-call");
  await ann.getByRole("button", { name: "Hang up" }).click();
  await ann.context().close();
  await bob.context().close();
});

test("a three-person group call: every pair connects and plays the others' video", async () => {
  const pages = [await personPage(browser), await personPage(browser), await personPage(browser)];
  for (const [i, page] of pages.entries()) await signUp(page, `group${i}`);
  const [owner, ...guests] = pages;
  const roomName = uniqueName("callroom");
  await owner.getByRole("link", { name: "New room" }).click();
  await owner.getByLabel("Name").fill(roomName);
  await owner.getByRole("button", { name: "Create room" }).click();
  await owner.locator(".room-header h2", { hasText: roomName }).waitFor();
  for (const guest of guests) {
    await guest.getByRole("link", { name: "Public rooms" }).click();
    await guest.getByLabel("Search public rooms").fill(roomName);
    await guest.getByRole("button", { name: "Search" }).click();
    await guest.locator(".directory li", { hasText: roomName }).getByRole("button", { name: "Join" }).click();
    await guest.locator(".room-header h2", { hasText: roomName }).waitFor();
  }
  // the guests look elsewhere: the ring brings them to the room
  for (const guest of guests) await guest.goto("/#/");

  await owner.getByRole("button", { name: "Video call" }).click();
  for (const guest of guests) {
    await guest.locator(".incoming-call").waitFor();
    await guest.getByRole("button", { name: "Accept" }).click();
  }
  for (const page of pages) {
    await page.locator('.call .remote[data-ice="connected"], .call .remote[data-ice="completed"]').nth(1).waitFor();
    assert.equal(await page.locator(".call .remote").count(), 2);
  }
  await owner.getByText("In a call with 2 people.").waitFor();
  await screenshot(owner, "10-group-call");
  for (const page of pages) await page.getByRole("button", { name: "Hang up" }).click();
  for (const page of pages) await page.context().close();
});

test("a ring never shows to a member who blocked the caller", async () => {
  const pages = [await personPage(browser), await personPage(browser), await personPage(browser)];
  const names = [];
  for (const [i, page] of pages.entries()) names.push(await signUp(page, `blockring${i}`));
  const [owner, guest, blocker] = pages;
  const roomName = uniqueName("blockring");
  await owner.getByRole("link", { name: "New room" }).click();
  await owner.getByLabel("Name").fill(roomName);
  await owner.getByRole("button", { name: "Create room" }).click();
  await owner.locator(".room-header h2", { hasText: roomName }).waitFor();
  for (const member of [guest, blocker]) {
    await member.getByRole("link", { name: "Public rooms" }).click();
    await member.getByLabel("Search public rooms").fill(roomName);
    await member.getByRole("button", { name: "Search" }).click();
    await member.locator(".directory li", { hasText: roomName }).getByRole("button", { name: "Join" }).click();
    await member.locator(".room-header h2", { hasText: roomName }).waitFor();
    await member.goto("/#/");
  }
  await block(names[2], names[0]);

  await owner.getByRole("button", { name: "Video call" }).click();
  await guest.locator(".incoming-call").waitFor();
  await guest.getByRole("button", { name: "Accept" }).click();
  await owner.getByText("In a call with 1 person.").waitFor();
  // by now the ring has reached everyone rung and ended: the blocker was never rung
  assert.equal(await blocker.locator(".incoming-call").count(), 0);
  for (const page of [owner, guest]) await page.getByRole("button", { name: "Hang up" }).click();
  for (const page of pages) await page.context().close();
});

test("a page that goes offline and comes back within the grace period keeps its place in the call", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "dropann");
  const bobName = await signUp(bob, "dropbob");
  await directRoom(ann, bob, bobName, annName);
  await ann.getByRole("button", { name: "Video call" }).click();
  await bob.locator(".incoming-call").waitFor();
  await bob.getByRole("button", { name: "Accept" }).click();
  await Promise.all([remoteVideoPlays(ann), remoteVideoPlays(bob)]);
  const bobTile = ann.locator(".call .remote").first();
  const bobParticipant = await bobTile.getAttribute("data-participant-id");

  // ann's tile of bob is never removed while bob is away and back
  await ann.evaluate(() => {
    window.tileRemovals = 0;
    new MutationObserver((records) => {
      for (const record of records) window.tileRemovals += [...record.removedNodes].filter((n) => n.classList?.contains("remote")).length;
    }).observe(document.querySelector(".call .remotes"), { childList: true });
  });
  // the browser says it went offline: bob's page gives its signaling socket up (the peer
  // connection may well survive, as on a real network blip), then comes back online
  await bob.evaluate(() => dispatchEvent(new Event("offline")));
  await bob.locator('.call[data-signaling="offline"]').waitFor();
  await ann.locator(`.call .remote[data-participant-id="${bobParticipant}"][data-reconnecting="true"]`).waitFor();
  await ann.locator(".call .remote .indicators .reconnecting").waitFor();
  await bob.evaluate(() => dispatchEvent(new Event("online")));
  await bob.locator('.call[data-signaling="live"]').waitFor();

  await ann.locator(`.call .remote[data-participant-id="${bobParticipant}"][data-reconnecting="false"]`).waitFor();
  await remoteVideoPlays(ann);
  await remoteVideoPlays(bob);
  assert.equal(await ann.locator(".call .remote").count(), 1);
  assert.equal(await ann.evaluate(() => window.tileRemovals), 0);
  await ann.getByRole("button", { name: "Hang up" }).click();
  await bob.getByRole("button", { name: "Hang up" }).click();
  await ann.context().close();
  await bob.context().close();
});
