#!/usr/bin/env bash
# Installs the release tarball the way README.md says (its ci:install-tarball and ci:configure
# blocks as written, a simulated RDS as the target): the release under /opt/rds-agent,
# /usr/local/bin/rds-agent, the rds-agent user, /etc/rds-agent with its modes, the unit under
# /etc/systemd/system (verified), check exits 0, the unit's commands connect the target as its
# user on the bundled node; then README's ci:uninstall-tarball block leaves no path, user or group.
#
# Usage (as root, on a host without rds-agent): bash test/install/check-tarball-install.sh [dist/release]
# Needs: sudo, systemd (systemd-analyze), curl, ssh-keygen, the built workspace.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=test/install/support.sh
source "$ROOT/test/install/support.sh"
# shellcheck source=test/install/readme-route.sh
source "$ROOT/test/install/readme-route.sh"
RELEASE_DIR="$(cd "${1:-$ROOT/dist/release}" && pwd)"
VERSION="$(node -p "require('$ROOT/packages/agent/package.json').version")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-agent-opt.XXXXXX")"
chmod 0755 "$WORK"
SIM_PID='' AGENT_PID='' INSTALLED=0
cleanup() {
  stop_pid "$AGENT_PID"
  stop_pid "$SIM_PID"
  # A failed run must not leave the install on the machine: the README's own uninstall steps.
  if [[ $INSTALLED -eq 1 ]]; then
    while IFS= read -r line; do
      [[ "$line" == *"systemctl "* ]] && ! systemd_running && continue
      bash -c "$line" >/dev/null 2>&1 || true
    done < <(readme_block uninstall-tarball)
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

require_clean_host
snapshot_paths >"$WORK/before.txt"

step "README: install the tarball"
INSTALLED=1
run_readme_block install-tarball "$RELEASE_DIR"
[[ "$(command -v rds-agent)" == /usr/local/bin/rds-agent ]] || fail "rds-agent on PATH is $(command -v rds-agent), not /usr/local/bin/rds-agent"
[[ "$(readlink -f /usr/local/bin/rds-agent)" == "/opt/rds-agent-$VERSION-linux-x64/bin/rds-agent" ]] || fail "/usr/local/bin/rds-agent does not lead into /opt/rds-agent-$VERSION-linux-x64"
[[ "$(stat -c '%U:%G' "/opt/rds-agent-$VERSION-linux-x64/runtime/bin/node")" == root:root ]] || fail "the unpacked files are not owned by root"
check_credentials_layout
systemd-analyze verify /etc/systemd/system/rds-agent.service || fail "systemd-analyze verify /etc/systemd/system/rds-agent.service"
echo "  unit verified"

step "README: configure, check and start (a simulated RDS as rds-1)"
run_readme_configure
[[ "$(stat -c '%U:%G %a' /etc/rds-agent/keys/rds-1)" == "rds-agent:rds-agent 600" ]] || fail "the README's key is not rds-agent:rds-agent 0600"

step "the unit's commands, as its user"
run_like_the_unit /etc/systemd/system/rds-agent.service
stop_pid "$SIM_PID"; SIM_PID=''

step "README: uninstall"
run_readme_block uninstall-tarball
INSTALLED=0
check_nothing_left "$WORK/before.txt"

printf '\ntarball install and uninstall: OK\n'
