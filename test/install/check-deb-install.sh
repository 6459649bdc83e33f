#!/usr/bin/env bash
# Installs the release .deb the way README.md says (its ci:install-deb and ci:configure blocks as
# written, a simulated RDS as the target) and checks what the package promises: lintian reports no
# errors; /usr/bin/rds-agent runs the bundled agent; the rds-agent system user; /etc/rds-agent and
# its keys/ and secrets/ with their modes (statoverrides); the conffile; validate of the shipped
# sample names only the files it points at that are not yet there (as root and as rds-agent); `systemd-analyze verify` of the installed unit; check
# exits 0 against the simulator; the unit's ExecStartPre/ExecStart run as its user with the target
# connected; `dpkg -r` removes the software and keeps config, keys and user; `dpkg -P` leaves no
# path, user or group behind.
#
# Usage (as root, on a host without rds-agent): bash test/install/check-deb-install.sh [dist/release]
# Needs: sudo, lintian, systemd (systemd-analyze), curl, ssh-keygen, the built workspace.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=test/install/support.sh
source "$ROOT/test/install/support.sh"
# shellcheck source=test/install/readme-route.sh
source "$ROOT/test/install/readme-route.sh"
RELEASE_DIR="$(cd "${1:-$ROOT/dist/release}" && pwd)"
VERSION="$(node -p "require('$ROOT/packages/agent/package.json').version")"
DEB_NAME="rds-agent_${VERSION}_amd64.deb"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-agent-deb.XXXXXX")"
chmod 0755 "$WORK"
SIM_PID='' AGENT_PID='' INSTALLED=0
cleanup() {
  stop_pid "$AGENT_PID"
  stop_pid "$SIM_PID"
  # A failed run must not leave the package on the machine.
  if [[ $INSTALLED -eq 1 ]] && dpkg -s rds-agent >/dev/null 2>&1; then dpkg -P rds-agent >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

require_clean_host

step "checksum"
[[ -f "$RELEASE_DIR/$DEB_NAME" ]] || fail "no $RELEASE_DIR/$DEB_NAME (run: npm run package)"
(cd "$RELEASE_DIR" && grep " $DEB_NAME\$" SHA256SUMS | sha256sum -c -) || fail "SHA256SUMS does not match $DEB_NAME"

step "lintian (no errors; any warning is shown; overrides, each with its reason: deploy/debian/lintian-overrides)"
code=0
lintian --fail-on error "$RELEASE_DIR/$DEB_NAME" >"$WORK/lintian.txt" 2>&1 || code=$?
grep -v 'running with root privileges' "$WORK/lintian.txt" || true
[[ $code -eq 0 ]] || fail "lintian reports errors (exit $code)"
echo "  $(grep -c '^E:' "$WORK/lintian.txt" || true) errors, $(grep -c '^W:' "$WORK/lintian.txt" || true) warnings"

snapshot_paths >"$WORK/before.txt"

step "README: install the .deb"
INSTALLED=1
run_readme_block install-deb "$RELEASE_DIR"
[[ "$(dpkg-query -W -f='${Status}' rds-agent)" == "install ok installed" ]] || fail "rds-agent is not installed and configured"

step "what the package installed"
[[ "$(command -v rds-agent)" == /usr/bin/rds-agent ]] || fail "rds-agent on PATH is $(command -v rds-agent), not /usr/bin/rds-agent"
[[ "$(readlink -f /usr/bin/rds-agent)" == /usr/lib/rds-agent/bin/rds-agent ]] || fail "/usr/bin/rds-agent does not lead to /usr/lib/rds-agent/bin/rds-agent"
[[ "$(/usr/bin/rds-agent --version)" == "$VERSION" ]] || fail "/usr/bin/rds-agent --version is not $VERSION"
IFS=: read -r _ _ uid _ gecos home shell <<<"$(getent passwd rds-agent)" || fail "no rds-agent user"
(( uid < 1000 )) || fail "rds-agent is not a system user (uid $uid)"
[[ "$home" == /nonexistent && "$shell" == /usr/sbin/nologin ]] || fail "rds-agent has home $home and shell $shell"
getent group rds-agent >/dev/null || fail "no rds-agent group"
echo "  user rds-agent (uid $uid, $gecos), home $home, shell $shell"
check_credentials_layout
dpkg-statoverride --list /etc/rds-agent >/dev/null && dpkg-statoverride --list /etc/rds-agent/config.yaml >/dev/null || fail "no statoverrides for /etc/rds-agent"
dpkg-query -W -f='${Conffiles}\n' rds-agent | grep -q '^ /etc/rds-agent/config.yaml ' || fail "/etc/rds-agent/config.yaml is not a conffile"
[[ -f /lib/systemd/system/rds-agent.service ]] || fail "no /lib/systemd/system/rds-agent.service"
systemd-analyze verify /lib/systemd/system/rds-agent.service || fail "systemd-analyze verify /lib/systemd/system/rds-agent.service"
echo "  unit verified"

step "validate the shipped sample (documented: only the files it names are missing)"
expect_only_missing_files rds-agent validate -c /etc/rds-agent/config.yaml
expect_only_missing_files sudo -u rds-agent rds-agent validate -c /etc/rds-agent/config.yaml
expect_exit 1 rds-agent demo --duration 1s 2>"$WORK/demo-err.txt"
grep -q 'leaves out the RDS simulator' "$WORK/demo-err.txt" || { cat "$WORK/demo-err.txt"; fail "demo did not say the simulator is left out"; }

step "README: configure, check and start (a simulated RDS as rds-1)"
run_readme_configure
[[ "$(stat -c '%U:%G %a' /etc/rds-agent/keys/rds-1)" == "rds-agent:rds-agent 600" ]] || fail "the README's key is not rds-agent:rds-agent 0600"

step "the unit's commands, as its user"
run_like_the_unit /lib/systemd/system/rds-agent.service
stop_pid "$SIM_PID"; SIM_PID=''

step "dpkg -r: the software goes; config, keys and user stay"
dpkg -r rds-agent
[[ "$(dpkg-query -W -f='${Status}' rds-agent)" == "deinstall ok config-files" ]] || fail "after dpkg -r the status is $(dpkg-query -W -f='${Status}' rds-agent)"
for p in /usr/lib/rds-agent /usr/bin/rds-agent /lib/systemd/system/rds-agent.service /usr/share/doc/rds-agent /usr/share/man/man1/rds-agent.1.gz; do
  if [[ -e "$p" || -L "$p" ]]; then fail "$p is still there after dpkg -r"; fi
done
for p in /etc/rds-agent/config.yaml /etc/rds-agent/keys/rds-1; do [[ -e "$p" ]] || fail "dpkg -r removed $p"; done
getent passwd rds-agent >/dev/null || fail "dpkg -r removed the rds-agent user"
echo "  /usr/lib/rds-agent, /usr/bin/rds-agent, the unit, docs gone; config, keys, user kept"

step "dpkg -P: nothing the package created is left"
dpkg -P rds-agent 2>&1
INSTALLED=0
if dpkg -s rds-agent >/dev/null 2>&1; then fail "dpkg still knows rds-agent after the purge"; fi
if dpkg-statoverride --list | grep -q rds-agent; then fail "statoverrides left: $(dpkg-statoverride --list | grep rds-agent)"; fi
if compgen -G '/var/lib/dpkg/info/rds-agent.*' >/dev/null; then fail "dpkg info files left"; fi
check_nothing_left "$WORK/before.txt"

printf '\n.deb install, remove and purge: OK\n'
