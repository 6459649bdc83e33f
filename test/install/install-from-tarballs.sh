#!/usr/bin/env bash
# Installs rds-agent the way an operator would, from the packed tarballs (not the workspace), into a
# private global prefix, then checks the installed `rds-agent`: --version, --help, validate on the
# shipped sample configs (exit 0) and on a broken one (exit 2), a short demo run (real ssh2, HTTP
# exporter and OTLP push from the installed dependency tree), and the systemd unit with
# `systemd-analyze verify` when systemd is available.
#
# Usage: bash test/install/install-from-tarballs.sh      (RDS_AGENT_SKIP_BUILD=1 to reuse dist/)
# Needs: node, npm, and the npm registry or a warm npm cache for third-party dependencies.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-agent-install.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

PACKAGES=(core rds-ssh-plugin exporter-prometheus exporter-otel agent)

if [[ "${RDS_AGENT_SKIP_BUILD:-0}" != 1 ]]; then
  step "build"
  (cd "$ROOT" && npm run build --silent)
fi

step "npm pack ${PACKAGES[*]}"
mkdir -p "$WORK/tarballs"
TARBALLS=()
for p in "${PACKAGES[@]}"; do
  name="$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK/tarballs" -w "packages/$p" | tail -n 1)"
  [[ -f "$WORK/tarballs/$name" ]] || fail "npm pack packages/$p produced no tarball"
  if tar -tzf "$WORK/tarballs/$name" | grep -E '\.test\.(js|d\.ts)$|\.tsbuildinfo$' >/dev/null; then
    fail "$name ships test files or build info"
  fi
  TARBALLS+=("$WORK/tarballs/$name")
  echo "  $name"
done
AGENT_FILES="$(tar -tzf "$WORK"/tarballs/rds-agent-agent-*.tgz)"
grep -qx 'package/dist/cli/main.js' <<<"$AGENT_FILES" || fail "agent tarball has no dist/cli/main.js"
grep -qx 'package/examples/both.yaml' <<<"$AGENT_FILES" || fail "agent tarball has no sample configs"

step "npm install -g --prefix <tmp> (all tarballs at once: siblings come from the tarballs, not the registry)"
# Run outside the repository so npm sees neither the workspace nor its node_modules.
(cd "$WORK" && npm install -g --prefix "$WORK/prefix" --prefer-offline --no-audit --no-fund --loglevel=error "${TARBALLS[@]}")
BIN="$WORK/prefix/bin/rds-agent"
[[ -x "$BIN" ]] || fail "no executable $BIN"
INSTALLED="$WORK/prefix/lib/node_modules/@rds-agent/agent"
# Make sure nothing resolves from the workspace.
case "$(readlink -f "$INSTALLED")" in "$ROOT"*) fail "the installed agent links into the workspace";; esac

step "rds-agent --version"
want="$(node -p "require('$ROOT/packages/agent/package.json').version")"
got="$(cd "$WORK" && "$BIN" --version)"
[[ "$got" == "$want" ]] || fail "--version printed '$got', expected '$want'"
echo "  $got"

step "rds-agent <command> --help"
for c in run validate check status keyscan print-config demo; do
  (cd "$WORK" && "$BIN" "$c" --help >/dev/null) || fail "rds-agent $c --help"
done
echo "  ok"

step "validate the shipped sample configs (exit 0)"
for f in "$INSTALLED"/examples/*.yaml "$ROOT/deploy/config/config.yaml"; do
  (cd "$WORK" && "$BIN" validate -c "$f") || fail "validate $f"
done

step "validate a broken config (exit 2, every issue with its key)"
cat >"$WORK/broken.yaml" <<'YAML'
logLevel: loud
targets:
  - name: rds-1
    transport: rds-ssh
    options:
      host: 10.0.0.1
      port: 70000
exporters:
  prometheus:
    enabled: true
    prot: 9100
YAML
set +e
(cd "$WORK" && "$BIN" validate -c "$WORK/broken.yaml") >"$WORK/out.txt" 2>"$WORK/err.txt"
code=$?
set -e
cat "$WORK/err.txt"
[[ $code -eq 2 ]] || fail "validate of a broken config exited $code, expected 2"
for key in logLevel 'targets\[0\]\.options\.port' 'exporters\.prometheus\.prot'; do
  grep -qE "^  $key: " "$WORK/err.txt" || fail "no issue for $key"
done

step "rds-agent demo --duration 4s (installed ssh2, prometheus and OTLP stack)"
(cd "$WORK" && timeout 60 "$BIN" demo --duration 4s --port 0) >"$WORK/demo.txt" 2>&1 || { cat "$WORK/demo.txt"; fail "demo exited non-zero"; }
grep -qE 'rds-a=connected' "$WORK/demo.txt" || { cat "$WORK/demo.txt"; fail "demo never showed rds-a connected"; }
grep -qE 'demo stopped; the OTLP receiver got [1-9]' "$WORK/demo.txt" || { cat "$WORK/demo.txt"; fail "demo's OTLP export did not arrive"; }
tail -n 2 "$WORK/demo.txt"

step "systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s#/usr/local/bin/rds-agent#$BIN#g" "$ROOT/deploy/systemd/rds-agent.service" >"$WORK/rds-agent.service"
  systemd-analyze verify "$WORK/rds-agent.service" || fail "systemd-analyze verify rds-agent.service"
  systemd-analyze security --offline=true "$WORK/rds-agent.service" 2>/dev/null | tail -n 1 || true
  echo "  verified"
else
  echo "  systemd-analyze not installed: skipped (apt-get install -y systemd to check the unit)"
fi

printf '\ninstall from tarballs: OK\n'
