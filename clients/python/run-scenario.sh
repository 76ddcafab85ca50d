#!/usr/bin/env bash
# Runs the Python client's tests (clients/python/test_*.py) against a real embedded chatmesh:
# builds the contracts' descriptor set with buf, starts the launcher jar on free loopback ports
# with a throwaway data directory (as web/test/run-e2e.sh does), runs the tests, checks that the
# server logged no error, and always stops the launcher.
#
# Needs: the launcher jar (./mvnw verify, or ./mvnw -q -pl launcher -am package -DskipTests),
# node_modules at the root (npm ci: buf), and Debian's python3-grpcio and python3-protobuf
# (apt-get install -y python3-grpcio python3-protobuf) for /usr/bin/python3, or PYTHON=... with
# grpcio and protobuf installed. The launcher's log goes to clients/python/target/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-/usr/bin/python3}

jar=launcher/target/chatmesh-launcher.jar
missing=()
[ -f "$jar" ] || missing+=("$jar (./mvnw -q -pl launcher -am package -DskipTests)")
[ -x node_modules/.bin/buf ] || missing+=("node_modules/.bin/buf (npm ci)")
"$python" -c 'import grpc, google.protobuf' 2>/dev/null ||
  missing+=("grpcio and protobuf for $python (apt-get install -y python3-grpcio python3-protobuf)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'run-scenario: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

. bin/find-jdk
results=clients/python/target
rm -rf "$results"
mkdir -p "$results"
descriptors="$results/chatmesh.binpb"
npx --no-install buf build proto -o "$descriptors"

data=$(mktemp -d)
log="$results/launcher.log"
launcher=
stop() {
  if [ -n "$launcher" ] && kill -0 "$launcher" 2>/dev/null; then
    kill "$launcher"
    wait "$launcher" || true
  fi
  rm -rf "$data"
}
trap stop EXIT

mapfile -t flags < <(chatmesh_native_access_flags)
CHATMESH_DATA_DIR="$data" CHATMESH_HOST=127.0.0.1 CHATMESH_EDGE_PORT=0 CHATMESH_USER_PORT=0 CHATMESH_CHAT_PORT=0 \
  CHATMESH_MESSAGE_PORT=0 CHATMESH_SIGNALING_PORT=0 CHATMESH_WEB_DIR="$data/no-web-app" \
  "$JAVA_HOME/bin/java" -Xmx256m "${flags[@]}" -jar "$jar" >"$log" 2>&1 &
launcher=$!

# The launcher prints where the edge listens once everything is up.
edge=
for _ in $(seq 1 360); do
  edge=$(sed -n 's/^ *edge (all services) *\([0-9.]*:[0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$edge" ] && break
  if ! kill -0 "$launcher" 2>/dev/null; then
    echo "run-scenario: the launcher stopped; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
if [ -z "$edge" ]; then
  echo "run-scenario: the launcher did not come up within 3 minutes; its log: $log" >&2
  exit 1
fi
echo "run-scenario: chatmesh is up at $edge"

status=0
CHATMESH_EDGE="$edge" CHATMESH_DESCRIPTOR_SET="$PWD/$descriptors" PYTHONDONTWRITEBYTECODE=1 \
  "$python" -m unittest discover -s clients/python -p 'test_*.py' -v || status=$?

# The server logged no error and no stack trace while the client worked.
if grep -qE '^[0-9-]+T[0-9:.]+Z +ERROR |^[[:space:]]+at ' "$log"; then
  echo "run-scenario: the launcher logged errors or stack traces ($log):" >&2
  grep -nE -A3 '^[0-9-]+T[0-9:.]+Z +(ERROR|WARN) ' "$log" | head -40 >&2
  status=1
fi
exit $status
