// Headless Chromium (Debian's, never a downloaded one) driven by playwright-core, and what the
// browser tests do as a person would: fill the app's forms and read what it shows.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { edgeUrl, PASSWORD, uniqueName } from "./edge.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  // WebRTC: a fake camera and microphone, no permission prompt, ICE candidates on loopback
  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** A page in a browser context of its own (its own storage: one person), on the app. */
export async function personPage(browser) {
  const context = await browser.newContext({ baseURL: edgeUrl, viewport: { width: 1100, height: 720 } });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`page error: ${err.message}`));
  return page;
}

/** Writes a screenshot of the page into the run's (git-ignored) screenshot directory. */
export async function screenshot(page, name) {
  const dir = process.env.CHATMESH_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Signs up through the app's form (which then logs in); returns the username. */
export async function signUp(page, prefix) {
  const username = uniqueName(prefix);
  await page.goto("/#/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.locator(".connection[data-state=live]").waitFor();
  return username;
}

/** Logs a user made through the API (newUser in edge.mjs) in with the app's form; waits for the live stream. */
export async function logIn(page, user) {
  await page.goto("/#/login");
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator('.connection[data-state="live"]').waitFor();
}

/** The texts of the room's confirmed messages, in the order shown. */
export function shownTexts(page) {
  return page.locator('.messages .msg[data-state="sent"] .text').allTextContents();
}

/** Sends a message with the composer. */
export async function send(page, text) {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** Waits until the room shows these texts as its last confirmed messages, in this order. */
export async function waitForTexts(page, texts, options = {}) {
  await page.waitForFunction((expected) => {
    const shown = [...document.querySelectorAll('.messages .msg[data-state="sent"] .text')].map((el) => el.textContent);
    return expected.every((text, i) => shown[shown.length - expected.length + i] === text);
  }, texts, options);
}
