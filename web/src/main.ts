// The app: signed out, the log-in and sign-up screens; signed in, the shell with its rooms. Routes
// live in the URL's hash (#/login, #/signup, #/room/<id>, #/directory, #/new, #/direct,
// #/friends, #/match), so any static file server can serve the app.
import "./style.css";
import { Session } from "./api/session.js";
import { authView } from "./ui/auth-view.js";
import { fill } from "./ui/dom.js";
import { shell, type Shell } from "./ui/shell.js";

const root = document.getElementById("app")!;
const session = new Session();
let current: Shell | null = null;
let notice: string | undefined;

function render(): void {
  const path = location.hash.replace(/^#\/?/, "");
  if (!session.user) {
    current?.close();
    current = null;
    fill(root, authView(session, path === "signup" ? "signup" : "login", notice));
    notice = undefined;
    return;
  }
  if (path === "login" || path === "signup") {
    location.replace("#/");
    return;
  }
  if (!current) {
    current = shell(session);
    fill(root, current.element);
  }
  current.route(path);
}

// signed in or out here, in another tab, or by the server (a refused refresh token)
session.onChange((reason) => {
  if (!session.user) {
    notice = reason;
    history.replaceState(null, "", "#/login");
  }
  render();
});
addEventListener("hashchange", render);
render();
