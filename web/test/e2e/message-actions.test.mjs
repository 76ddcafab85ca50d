// Two people in two browser contexts: reply with a quote, react with the emoji picker, edit and
// delete one's own message — each change shows live in the other's window and stays after a
// reload (history); a deleted original shows as deleted in the replies that quote it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { uniqueName } from "../support/edge.mjs";
import { launch, personPage, screenshot, send, shownTexts, signUp, waitForTexts } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The confirmed message whose own text is exactly this (not one quoting it). */
const message = (page, text) => page.locator('.messages .msg[data-state="sent"]')
  .filter({ has: page.locator(`.text:text-is(${JSON.stringify(text)})`) });
const button = (scope, name) => scope.getByRole("button", { name, exact: true });

test("reply, react, edit and delete show live on both sides and in history", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  await signUp(ann, "ann");
  await signUp(bob, "bob");

  const roomName = uniqueName("changes");
  await ann.getByRole("link", { name: "New room" }).click();
  await ann.getByLabel("Name").fill(roomName);
  await ann.getByRole("button", { name: "Create room" }).click();
  await ann.locator(".room-header h2", { hasText: roomName }).waitFor();
  await bob.getByRole("link", { name: "Public rooms" }).click();
  await bob.getByLabel("Search public rooms").fill(roomName);
  await bob.getByRole("button", { name: "Search" }).click();
  await bob.locator(".directory li", { hasText: roomName }).getByRole("button", { name: "Join" }).click();
  await bob.locator(".room-header h2", { hasText: roomName }).waitFor();

  await send(ann, "hello bob");
  await waitForTexts(bob, ["hello bob"]);

  // bob replies with a quote
  await button(message(bob, "hello bob"), "Reply").click();
  await bob.locator(".reply-bar", { hasText: "hello bob" }).waitFor();
  await send(bob, "hi ann");
  await waitForTexts(ann, ["hello bob", "hi ann"]);
  await message(ann, "hi ann").locator(".quote", { hasText: "hello bob" }).waitFor();

  // bob reacts with the picker; ann adds hers with the chip; bob takes his back
  await button(message(bob, "hello bob"), "React").click();
  await message(bob, "hello bob").getByRole("menuitem", { name: "React with 👍" }).click();
  await button(message(ann, "hello bob"), "👍 1").waitFor();
  await button(message(ann, "hello bob"), "👍 1").click();
  await button(message(bob, "hello bob"), "👍 2").waitFor();
  await button(message(ann, "hello bob"), "👍 2").waitFor();
  await screenshot(bob, "20-reactions");
  await button(message(bob, "hello bob"), "👍 2").click();
  await button(message(ann, "hello bob"), "👍 1").waitFor();
  assert.equal(await button(message(ann, "hello bob"), "👍 1").getAttribute("aria-pressed"), "true", "ann's own reaction");

  // only the sender may edit; bob (not an owner or admin) may not delete ann's message
  assert.equal(await button(message(bob, "hello bob"), "Edit").count(), 0);
  assert.equal(await button(message(bob, "hello bob"), "Delete").count(), 0);
  await button(message(ann, "hello bob"), "Edit").click();
  await ann.getByLabel("Edit message").fill("hello, bob!");
  await button(ann, "Save").click();
  await message(bob, "hello, bob!").locator(".edited").waitFor();
  await message(bob, "hi ann").locator(".quote", { hasText: "hello, bob!" }).waitFor();
  await screenshot(bob, "21-edited");

  // ann deletes it: gone on both sides, the reply's quote says so
  await button(message(ann, "hello, bob!"), "Delete").click();
  await button(message(ann, "hello, bob!"), "Confirm delete").click();
  await bob.locator('.msg[data-deleted="true"]', { hasText: "This message was deleted." }).waitFor();
  await message(bob, "hi ann").locator('.quote[data-deleted="true"]', { hasText: "a deleted message" }).waitFor();
  assert.deepEqual(await shownTexts(ann), ["This message was deleted.", "hi ann"]);
  await screenshot(bob, "22-deleted");

  // history agrees after a reload
  await bob.reload();
  await waitForTexts(bob, ["This message was deleted.", "hi ann"]);
  await message(bob, "hi ann").locator('.quote[data-deleted="true"]').waitFor();
  assert.equal(await bob.getByText("hello, bob!").count(), 0, "the deleted text is gone");

  await ann.context().close();
  await bob.context().close();
});
