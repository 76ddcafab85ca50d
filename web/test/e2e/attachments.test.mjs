// Attachments in the app: ann attaches an image and a file (each uploads with a progress bar as
// soon as it is picked) and sends them with a text; bob, in another browser context, sees the
// message live with the image previewed, and downloads the file: the same bytes ann picked.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { RoomKind } from "../../src/gen/chatmesh/room/v1/room_pb.js";
import { auth, newUser, rooms, uniqueName } from "../support/edge.mjs";
import { launch, logIn, personPage, screenshot } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("an image and a file sent by one person are previewed and downloaded, byte for byte, by the other", async () => {
  const ann = await newUser("ann");
  const bob = await newUser("bob");
  const roomName = uniqueName("photos");
  const { room } = await rooms.createRoom(
    { kind: RoomKind.GROUP, name: roomName, memberIds: [bob.user.id] }, auth(ann.token));

  const annPage = await personPage(browser);
  const bobPage = await personPage(browser);
  await logIn(annPage, ann);
  await logIn(bobPage, bob);
  for (const page of [annPage, bobPage]) {
    await page.goto(`/#/room/${room.id}`);
    await page.locator(".room-header h2", { hasText: roomName }).waitFor();
  }

  const image = png(48, 32);
  // over one chunk (1 MiB), so the upload takes several calls
  const file = randomBytes(1024 * 1024 + 300_000);
  await annPage.locator("input.file-input").setInputFiles([
    { name: "sunset.png", mimeType: "image/png", buffer: image },
    { name: "report.bin", mimeType: "application/octet-stream", buffer: file },
  ]);
  // generous waits: on a loaded machine a cold server takes a while for the first uploads
  const patience = { timeout: 120_000 };
  await annPage.locator('.picked-file[data-state="uploaded"]').nth(1).waitFor(patience);
  assert.equal(await annPage.locator(".picked-file progress").last().evaluate((p) => p.value), file.length,
    "the progress bar ends full");
  await annPage.getByLabel("Message", { exact: true }).fill("pictures from the trip");
  await annPage.getByRole("button", { name: "Send" }).click();

  const message = bobPage.locator(".messages .msg", { hasText: "pictures from the trip" });
  const preview = message.locator("img.preview");
  await preview.waitFor(patience);
  await bobPage.waitForFunction(() => {
    const img = document.querySelector(".messages img.preview");
    return img && img.complete && img.naturalWidth > 0;
  }, null, patience);
  assert.deepEqual(await preview.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [48, 32],
    "the preview is the image ann picked");
  await screenshot(bobPage, "attachments-received");

  const [download] = await Promise.all([
    bobPage.waitForEvent("download", patience),
    message.locator("a.download", { hasText: "report.bin" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "report.bin");
  assert.ok(Buffer.from(await readFile(await download.path())).equals(file), "bob downloads the bytes ann sent");

  // ann sees her own message with both attachments too
  await annPage.locator(".messages .msg", { hasText: "pictures from the trip" }).locator(".attachment").nth(1).waitFor(patience);
  await annPage.context().close();
  await bobPage.context().close();
});

/** A valid RGB PNG of the given size (a gradient), built by hand. */
function png(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      raw[at] = (x * 5) & 255;
      raw[at + 1] = (y * 7) & 255;
      raw[at + 2] = 128;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
