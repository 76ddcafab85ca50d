// The social layer in the app, each person in a browser context of their own: a friend request
// sent from the friends page and accepted by the other person, presence (dots, a chosen status,
// offline with "last seen" once the other context closes), a random match between two waiting
// people while a third keeps waiting, "Add friend" from a room's member list, a block that
// refuses a direct room, the privacy setting that lets anyone open one, and the other actions
// of the friends page (follow, remove a follower, cancel, decline, unfriend).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { auth, newUser, rooms } from "../support/edge.mjs";
import { befriend } from "../support/social.mjs";
import { launch, personPage, screenshot, signUp } from "../support/browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The entry of a user in one of the friends page's lists (by its aria-label). */
function entry(page, listName, username) {
  return page.getByRole("list", { name: listName, exact: true }).locator("li", { hasText: `@${username}` });
}

async function openFriends(page) {
  await page.locator("a.friends-link").click();
  await page.getByRole("heading", { name: "Friends", exact: true }).waitFor();
}

test("a friend request accepted in another context; presence live until that context closes", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "sann");
  const bobName = await signUp(bob, "sbob");

  await openFriends(ann);
  await ann.getByLabel("Username").fill(bobName);
  await ann.getByRole("button", { name: "Send friend request" }).click();
  await ann.getByText(`Request sent to @${bobName}.`).waitFor();
  await entry(ann, "Requests you sent", bobName).waitFor();
  await screenshot(ann, "social-01-request-sent");

  // bob's side bar counts the requests waiting for him (listed when the app starts, then every 30 s)
  await bob.reload();
  await bob.locator(".friends-link .badge:not([hidden])", { hasText: "1" }).waitFor();
  await openFriends(bob);
  const request = entry(bob, "Requests for you", annName);
  await request.getByText("friend request").waitFor();
  await request.getByRole("button", { name: "Accept" }).click();
  // bob sees ann as a friend, online (her page holds a chat stream)
  await entry(bob, "Your friends", annName).locator('.presence-dot[data-status="online"]').waitFor();
  assert.equal(await bob.getByRole("list", { name: "Requests for you" }).locator("li.empty").count(), 1);
  assert.equal(await bob.locator(".friends-link .badge").isHidden(), true);

  // ann's page lists again by itself: bob is a friend, the request is gone
  const bobOnAnnsPage = entry(ann, "Your friends", bobName);
  await bobOnAnnsPage.locator('.presence-dot[data-status="online"]').waitFor();
  await ann.getByRole("list", { name: "Requests you sent" }).locator("li.empty").waitFor();

  // bob chooses "away": ann's dot follows
  await bob.getByLabel("Your status").selectOption({ label: "Away" });
  await bobOnAnnsPage.locator('.presence-dot[data-status="away"]').waitFor();

  // ann opens their direct room from the friends list: the room list shows bob's presence too
  await bobOnAnnsPage.getByRole("button", { name: "Message" }).click();
  await ann.locator(".room-header h2", { hasText: `@${bobName}` }).waitFor();
  const roomEntry = ann.locator(".room-list li", { hasText: `@${bobName}` });
  await roomEntry.locator('.presence-dot[data-status="away"]').waitFor();
  await screenshot(ann, "social-02-direct-room-presence");

  // bob's browser context closes: his only device is gone, he turns offline with a last-seen time
  await bob.context().close();
  await roomEntry.locator('.presence-dot[data-status="offline"]').waitFor({ timeout: 60_000 });
  await roomEntry.getByText(/^last seen /).waitFor();
  await openFriends(ann);
  await bobOnAnnsPage.locator('.presence-dot[data-status="offline"]').waitFor();
  await bobOnAnnsPage.getByText(/^last seen /).waitFor();
  await screenshot(ann, "social-03-offline-last-seen");
  await ann.context().close();
});

/** Asks for a random match with these interests. */
async function askForMatch(page, interests) {
  await page.getByRole("link", { name: "Find someone to chat with" }).click();
  await page.getByLabel(/^Interests/).fill(interests);
  await page.getByRole("button", { name: "Find someone to chat with" }).click();
}

/** Asks for a random match nobody fits yet, and waits until the page says it is waiting. */
async function findSomeone(page, interests) {
  await askForMatch(page, interests);
  await page.locator('form[data-state="waiting"]').waitFor();
}

test("a random match pairs two waiting people while a third keeps waiting; a member is added as a friend", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const cat = await personPage(browser);
  const annName = await signUp(ann, "mann");
  const bobName = await signUp(bob, "mbob");
  await signUp(cat, "mcat");

  // cat waits first, for someone into chess; ann and bob both want music
  await findSomeone(cat, "chess");
  await findSomeone(ann, "music");
  await screenshot(ann, "social-04-waiting");
  await askForMatch(bob, "music, films"); // matched at once: the page may never show its wait
  await ann.locator(".room-header h2", { hasText: `@${bobName}` }).waitFor();
  await bob.locator(".room-header h2", { hasText: `@${annName}` }).waitFor();
  const annRoom = await ann.locator(".room").getAttribute("data-room-id");
  assert.equal(await bob.locator(".room").getAttribute("data-room-id"), annRoom, "one room for the pair");
  // cat did not fit: still waiting, in no room
  assert.equal(await cat.locator('form[data-state="waiting"]').count(), 1);
  assert.equal(await cat.locator(".room-list li[data-room-id]").count(), 0);

  // a chat partner becomes a friend: "Add friend" in the member list
  await ann.locator(".members summary").click();
  const bobMember = ann.getByRole("list", { name: "Members" }).locator("li", { hasText: `@${bobName}` });
  await bobMember.getByRole("button", { name: "Add friend" }).click();
  await bobMember.getByText("Request sent").waitFor();
  await screenshot(ann, "social-05-member-list");
  await openFriends(bob);
  await entry(bob, "Requests for you", annName).getByRole("button", { name: "Accept" }).click();
  await entry(bob, "Your friends", annName).waitFor();
  // ann's member list, opened again: bob is a friend now, and she sees he is online
  await ann.locator(".members summary").click();
  await ann.locator(".members summary").click();
  await bobMember.getByText("Friend", { exact: true }).waitFor();
  await bobMember.locator('.presence-dot[data-status="online"]').waitFor();

  // someone who likes chess comes along (over the API): cat, who waited all along, is matched
  const dan = await newUser("mdan");
  const danMatch = await rooms.matchRandom({ interests: ["Chess"] }, { ...auth(dan.token), timeoutMs: 60_000 });
  await cat.locator(".room-header h2", { hasText: `@${dan.user.username}` }).waitFor();
  assert.equal(await cat.locator(".room").getAttribute("data-room-id"), danMatch.room.id);

  // too many interests: refused in words, nobody waits
  await askForMatch(cat, "a, b, c, d, e, f");
  await cat.getByRole("alert").getByText(/^Interests: /).waitFor();
  await cat.locator('form[data-state="idle"]').waitFor();

  // waiting again, then cancelling: the page stops waiting and says so
  await findSomeone(cat, "");
  await cat.getByRole("button", { name: "Cancel" }).click();
  await cat.getByText("Cancelled: you are not waiting any more.").waitFor();
  await cat.locator('form[data-state="idle"]').waitFor();

  for (const page of [ann, bob, cat]) await page.context().close();
});

test("a blocked person cannot open a direct room, and sees why", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "bann");
  const bobName = await signUp(bob, "bbob");
  await befriend(annName, bobName);

  // bob blocks ann from his friends list
  await openFriends(bob);
  await entry(bob, "Your friends", annName).getByRole("button", { name: "Block" }).click();
  await entry(bob, "Blocked", annName).waitFor();
  assert.equal(await entry(bob, "Your friends", annName).count(), 0, "blocking ends the friendship");

  async function tryDirect() {
    await ann.getByRole("link", { name: "Direct message" }).click();
    await ann.getByLabel("Their username").fill(bobName);
    await ann.getByRole("button", { name: "Open chat" }).click();
  }
  await tryDirect();
  await ann.getByRole("alert").getByText("one of you has blocked the other").waitFor();
  await screenshot(ann, "social-06-blocked");
  assert.equal(await ann.locator(".room-list li[data-room-id]").count(), 0);

  // unblocked, they are not friends any more: still refused, for that reason
  await entry(bob, "Blocked", annName).getByRole("button", { name: "Unblock" }).click();
  await bob.getByRole("list", { name: "Blocked" }).locator("li.empty").waitFor();
  await tryDirect();
  await ann.getByRole("alert").getByText("Only friends can message each other directly").waitFor();

  // bob lets anyone message him (once the server took it, the box is enabled again): ann's
  // direct room opens
  await bob.getByLabel("Anyone may message me directly").check();
  await bob.waitForFunction(() => {
    const box = document.querySelector('input[name="acceptDirectMessagesFromAnyone"]');
    return box.checked && !box.disabled;
  });
  await ann.getByRole("button", { name: "Open chat" }).click();
  await ann.locator(".room-header h2", { hasText: `@${bobName}` }).waitFor();
  await ann.context().close();
  await bob.context().close();
});

test("follow and remove a follower, cancel and decline requests, unfriend; do not disturb", async () => {
  const ann = await personPage(browser);
  const bob = await personPage(browser);
  const annName = await signUp(ann, "fann");
  const bobName = await signUp(bob, "fbob");
  await openFriends(ann);
  await openFriends(bob);
  const add = async (page, username, button) => {
    await page.getByLabel("Username").fill(username);
    await page.getByRole("button", { name: button, exact: true }).click();
  };

  // bob needs no approval: ann follows him at once, he removes her as a follower
  await add(ann, bobName, "Follow");
  await ann.getByText(`You follow @${bobName}.`).waitFor();
  await entry(ann, "Following", bobName).waitFor();
  await entry(bob, "Followers", annName).getByRole("button", { name: "Remove follower" }).click();
  await bob.getByRole("list", { name: "Followers" }).locator("li.empty").waitFor();
  await ann.getByRole("list", { name: "Following" }).locator("li.empty").waitFor();

  // a friend request withdrawn: gone on both sides
  await add(ann, bobName, "Send friend request");
  await entry(bob, "Requests for you", annName).waitFor();
  await entry(ann, "Requests you sent", bobName).getByRole("button", { name: "Cancel request" }).click();
  await ann.getByRole("list", { name: "Requests you sent" }).locator("li.empty").waitFor();
  await bob.getByRole("list", { name: "Requests for you" }).locator("li.empty").waitFor();

  // bob asks, ann declines; a second request of the same kind while one is pending is refused
  await add(bob, annName, "Send friend request");
  await bob.getByText(`Request sent to @${annName}.`).waitFor();
  await add(bob, annName, "Send friend request");
  await bob.getByRole("alert").getByText("There is already a request between you").waitFor();
  await entry(ann, "Requests for you", bobName).getByRole("button", { name: "Decline" }).click();
  await ann.getByRole("list", { name: "Requests for you" }).locator("li.empty").waitFor();
  await bob.getByRole("list", { name: "Requests you sent" }).locator("li.empty").waitFor();
  assert.equal(await entry(bob, "Your friends", annName).count(), 0);

  // asked again and accepted: friends, with ann's "do not disturb" shown to bob; then unfriended
  await add(bob, annName, "Send friend request");
  await entry(ann, "Requests for you", bobName).getByRole("button", { name: "Accept" }).click();
  await ann.getByLabel("Your status").selectOption({ label: "Do not disturb" });
  await entry(bob, "Your friends", annName).locator('.presence-dot[data-status="dnd"]').waitFor();
  await entry(bob, "Your friends", annName).getByRole("button", { name: "Unfriend" }).click();
  await bob.getByRole("list", { name: "Your friends" }).locator("li.empty").waitFor();
  await ann.getByRole("list", { name: "Your friends" }).locator("li.empty").waitFor();
  await ann.context().close();
  await bob.context().close();
});
