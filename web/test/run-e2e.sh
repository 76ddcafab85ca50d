#!/usr/bin/env bash
# Runs the web tests against a real embedded chatmesh: starts the launcher (built by
# `./mvnw install` or `./mvnw verify`) on free loopback ports with a throwaway data directory and
# the built app (web/dist), waits for /healthz, runs the Node tests (gRPC-Web, WebSocket) and the
# Playwright tests (headless Chromium), and always stops the launcher.
#
# As root, everything runs in a network namespace of its own with only loopback up, so that no
# socket (the browsers' WebRTC ones included) binds a real interface.
#
#   web/test/run-e2e.sh                 every web test
#   web/test/run-e2e.sh test/api/*.mjs  only these (paths relative to web/)
#
# Needs: web/node_modules (npm ci in web/), web/dist (npm run build), the launcher jar, and for the
# browser tests /usr/bin/chromium (apt-get install -y chromium). Screenshots and the launcher's
# log go to web/test-results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if [ -z "${CHATMESH_E2E_NETNS:-}" ] && [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
  exec unshare -n env CHATMESH_E2E_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
if [ -z "${CHATMESH_E2E_NETNS:-}" ]; then
  echo "run-e2e: no network namespace (needs root and unshare); the tests use loopback only"
fi

jar=launcher/target/chatmesh-launcher.jar
missing=()
[ -f "$jar" ] || missing+=("$jar (./mvnw -q install -DskipTests)")
[ -d web/node_modules ] || missing+=("web/node_modules (cd web && npm ci)")
[ -f web/dist/index.html ] || missing+=("web/dist (cd web && npm run build)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'run-e2e: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

. bin/find-jdk
. bin/test-launcher
results=web/test-results
rm -rf "$results"
mkdir -p "$results/screenshots"
log="$results/launcher.log"
# Access tokens live 30 s instead of 15 min, so that the app's silent renewal (reauthenticate on
# the stream, RefreshToken for calls) happens during the run and test/e2e/session.test.mjs sees
# a stream outlive its first token. The chat stream's heartbeat is 2 s instead of 30 s, so that
# the app notices a network gone silent (test/e2e/chat.test.mjs) within seconds. A device whose
# stream went silent counts as gone after 10 s instead of 45 s (heard of every 3 s instead of
# 15 s), so that test/e2e/social.test.mjs sees a closed browser turn offline soon even if its
# socket's close never reached the server.
start_test_launcher "$log" CHATMESH_AUTH_ACCESSTOKENTTL=30s CHATMESH_CHAT_HEARTBEATINTERVAL=2s \
  CHATMESH_PRESENCE_DEVICETIMEOUT=10s CHATMESH_CHAT_PRESENCEHEARTBEAT=3s \
  CHATMESH_WEB_DIR="$root/web/dist"
export CHATMESH_EDGE_URL="http://$edge"
node -e '
  const url = process.argv[1] + "/healthz";
  const deadline = Date.now() + 60_000;
  (async () => {
    for (;;) {
      try { if ((await fetch(url)).status === 200) return; } catch {}
      if (Date.now() > deadline) { console.error("run-e2e: " + url + " never answered 200"); process.exit(1); }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();' "$CHATMESH_EDGE_URL"
echo "run-e2e: chatmesh is up at $CHATMESH_EDGE_URL"

cd web
export CHATMESH_SCREENSHOTS="$root/$results/screenshots"
if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=(test/api/*.test.mjs test/e2e/*.test.mjs)
fi
# One file at a time: the browser tests are heavy for a 2-core machine.
status=0
node --test --test-concurrency=1 "${tests[@]}" || status=$?

# Whatever the browsers and sockets did, the server logged no error and no stack trace.
check_test_launcher_log "$root/$log" || status=1
exit $status
