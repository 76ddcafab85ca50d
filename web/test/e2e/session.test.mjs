// The app keeps a person signed in past their access token's life: the chat stream renews its
// token in-band (reauthenticate, with a token from RefreshToken) instead of being cut off, and
// unary calls get a fresh token too. test/run-e2e.sh runs chatmesh with 30 s access tokens.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { uniqueName } from "../support/edge.mjs";
import { launch, personPage, send, signUp, waitForTexts } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the stream outlives its first access token, renewed in-band; calls go on", async (t) => {
  const page = await personPage(browser);
  await signUp(page, "renew");
  const first = await page.evaluate(() => JSON.parse(localStorage.getItem("chatmesh.session")));
  const lifetime = first.accessExpiresAt - first.accessReceivedAt;
  if (lifetime > 120_000) {
    t.skip(`access tokens live ${Math.round(lifetime / 1000)} s here; run with short ones (test/run-e2e.sh)`);
    return;
  }
  const guard = { timeout: lifetime * 3 + 30_000 };

  const roomName = uniqueName("renewal");
  await page.getByRole("link", { name: "New room" }).click();
  await page.getByLabel("Name").fill(roomName);
  await page.getByRole("button", { name: "Create room" }).click();
  await page.locator(".room-header h2", { hasText: roomName }).waitFor();

  await page.locator('.connection[data-reauthentications="1"]').waitFor(guard);
  await page.waitForFunction((expiresAt) => Date.now() > expiresAt + 2_000, first.accessExpiresAt, guard);

  // the same stream session as at the start (no reconnect), and it still carries messages
  assert.equal(await page.locator(".connection").getAttribute("data-sessions"), "1");
  assert.equal(await page.locator(".connection").getAttribute("data-state"), "live");
  await send(page, "still here after the first token expired");
  await waitForTexts(page, ["still here after the first token expired"]);
  const now = await page.evaluate(() => JSON.parse(localStorage.getItem("chatmesh.session")));
  assert.notEqual(now.refreshToken, first.refreshToken, "the refresh token rotated");
  assert.ok(now.accessExpiresAt > first.accessExpiresAt);

  // a unary call after the first token's expiry
  await page.getByRole("link", { name: "Public rooms" }).click();
  await page.getByLabel("Search public rooms").fill(roomName);
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator(".directory li", { hasText: roomName }).waitFor();
  assert.equal(await page.getByRole("alert").filter({ hasText: /./ }).count(), 0);
  await page.context().close();
});
