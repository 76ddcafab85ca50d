// A 1:1 video call in the app: one person opens a direct room with the other by username, both
// join the room's call, both peer connections reach "connected" and each page plays the other's
// (fake) camera; hanging up ends it on both sides. Runs inside a loopback-only network namespace
// (test/run-e2e.sh), so ICE only ever finds 127.0.0.1.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, personPage, screenshot, send, signUp, waitForTexts } from "../support/browser.mjs";
import { befriend } from "../support/social.mjs";

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

  await ann.getByRole("button", { name: "Video call" }).click();
  await ann.getByText("Waiting for someone to join the call…").waitFor();
  await bob.getByRole("button", { name: "Video call" }).click();

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
