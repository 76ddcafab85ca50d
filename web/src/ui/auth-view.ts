// Log in and sign up (then log in): the two screens of someone signed out.
import { Code } from "@connectrpc/connect";
import { publicUsers } from "../api/clients.js";
import { describe } from "../api/errors.js";
import type { Session } from "../api/session.js";
import { errorLine, field, h, onSubmit } from "./dom.js";

export function authView(session: Session, mode: "login" | "signup", notice?: string): HTMLElement {
  const error = errorLine();
  if (notice) error.show(notice);
  const signup = mode === "signup";
  const form = h("form", { class: "card auth", "aria-label": signup ? "Sign up" : "Log in" },
    h("h1", { text: signup ? "Create your chatmesh account" : "Log in to chatmesh" }),
    h("label", {}, "Username", h("input", { name: "username", autocomplete: "username", required: true, minLength: 3, maxLength: 32 })),
    signup && h("label", {}, "Display name (optional)", h("input", { name: "displayName", maxLength: 64 })),
    h("label", {}, "Password", h("input", {
      name: "password", type: "password", required: true,
      autocomplete: signup ? "new-password" : "current-password", minLength: signup ? 8 : 1,
    })),
    error,
    h("button", { type: "submit", text: signup ? "Sign up" : "Log in" }),
    h("p", {}, signup ? "Have an account? " : "New here? ",
      h("a", { href: signup ? "#/login" : "#/signup", text: signup ? "Log in" : "Create an account" })));

  onSubmit(form, async () => {
    error.clear();
    const username = field(form, "username");
    const password = new FormData(form).get("password") as string;
    try {
      if (signup) {
        await publicUsers.signUp({ username, password, displayName: field(form, "displayName") });
      }
      const login = await publicUsers.logIn({ username, password });
      session.signIn(login.user!, login.tokens!);
      location.hash = "#/";
    } catch (err) {
      error.show(describe(err, {
        [Code.Unauthenticated]: "Wrong username or password.",
        [Code.AlreadyExists]: "That username is taken. Pick another one.",
      }));
    }
  });
  return h("main", { class: "signed-out" }, form);
}
