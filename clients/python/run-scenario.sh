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
. bin/test-launcher
results=clients/python/target
rm -rf "$results"
mkdir -p "$results"
descriptors="$results/chatmesh.binpb"
npx --no-install buf build proto -o "$descriptors"
log="$results/launcher.log"
start_test_launcher "$log"
echo "run-scenario: chatmesh is up at $edge"

status=0
CHATMESH_EDGE="$edge" CHATMESH_DESCRIPTOR_SET="$PWD/$descriptors" PYTHONDONTWRITEBYTECODE=1 \
  "$python" -m unittest discover -s clients/python -p 'test_*.py' -v || status=$?

# The server logged no error and no stack trace while the client worked.
check_test_launcher_log "$log" || status=1
exit $status
