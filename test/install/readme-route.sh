# Runs README.md's "Install on a host" blocks as written (sourced, not run; needs support.sh).
# A block is the fenced code after a `<!-- ci:<name> -->` line. Each line runs in its own
# `bash -c` (so trailing comments stay comments), except where a real host and this machine must
# differ, said each time: the target is a simulated RDS on 127.0.0.1 instead of 192.0.2.10, the
# config edit writes the simulator's config, and `systemctl` lines are skipped when systemd is not
# running (the unit is checked with systemd-analyze verify and its ExecStart is run by hand).

# readme_block <name>: the lines of that block.
readme_block() {
  local lines
  lines=$(awk -v marker="<!-- ci:$1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$ROOT/README.md")
  [[ -n "$lines" ]] || fail "README.md has no block <!-- ci:$1 -->"
  printf '%s\n' "$lines"
}

systemd_running() { [[ -d /run/systemd/system ]]; }

# run_readme_block <name> [dir]: every line of the block, in dir (default: the current one).
run_readme_block() {
  local name=$1 dir=${2:-$PWD} line
  while IFS= read -r line <&3; do
    [[ -n "$line" ]] || continue
    if [[ "$line" == *"systemctl "* ]] && ! systemd_running; then
      printf '  (skipped, systemd is not running here) $ %s\n' "$line"
      continue
    fi
    printf '  $ %s\n' "$line"
    (cd "$dir" && bash -euo pipefail -c "$line") || fail "README block $name: '$line' failed"
  done 3< <(readme_block "$name")
}

# run_readme_configure: the ci:configure block against a simulator started for it. Leaves the
# simulator running (SIM_PID, SIM_PORT) and the metrics port in METRICS_PORT. Blocks are read on
# fd 3 so that no command in them (the simulator started in the background) reads the rest of the
# block from stdin.
run_readme_configure() {
  local line keyscan fingerprint=''
  METRICS_PORT="$(free_port)"
  while IFS= read -r line <&3; do
    [[ -n "$line" ]] || continue
    case "$line" in
      "rds-agent keyscan 192.0.2.10"*)
        start_simulator /etc/rds-agent/keys/rds-1.pub "$WORK/sim.log"
        line="${line/192.0.2.10/127.0.0.1:$SIM_PORT}"
        printf '  $ %s\n' "$line"
        keyscan="$(bash -euo pipefail -c "$line")" || fail "README block configure: '$line' failed"
        printf '%s\n' "$keyscan"
        fingerprint="$(grep '^hostKeyFingerprints: ' <<<"$keyscan")" || fail "keyscan printed no fingerprint line"
        ;;
      "sudoedit /etc/rds-agent/config.yaml"*)
        [[ -n "$fingerprint" ]] || fail "README: the config is edited before keyscan ran"
        printf '  (edit: the simulator as target rds-1) $ %s\n' "$line"
        sim_config "$fingerprint" "$SIM_PORT" /etc/rds-agent/keys/rds-1 "$METRICS_PORT" >/etc/rds-agent/config.yaml
        ;;
      *"systemctl "*)
        if systemd_running; then
          printf '  $ %s\n' "$line"
          bash -euo pipefail -c "$line" || fail "README block configure: '$line' failed"
        else
          printf '  (skipped, systemd is not running here) $ %s\n' "$line"
        fi
        ;;
      *)
        printf '  $ %s\n' "$line"
        bash -euo pipefail -c "$line" || fail "README block configure: '$line' failed"
        ;;
    esac
  done 3< <(readme_block configure)
}

# check_credentials_layout: the modes the README and the package promise.
check_credentials_layout() {
  local path want got
  for pair in "/etc/rds-agent root:rds-agent 750" "/etc/rds-agent/keys root:rds-agent 750" "/etc/rds-agent/secrets root:rds-agent 750" \
    "/etc/rds-agent/config.yaml root:rds-agent 640"; do
    read -r path want_owner want_mode <<<"$pair"
    got="$(stat -c '%U:%G %a' "$path")" || fail "no $path"
    want="$want_owner $want_mode"
    [[ "$got" == "$want" ]] || fail "$path is $got, expected $want"
  done
  echo "  /etc/rds-agent, keys/, secrets/ root:rds-agent 0750; config.yaml root:rds-agent 0640"
}

# run_like_the_unit <unit file>: the unit's ExecStartPre and ExecStart as its User/Group (setpriv
# execs, so the PID is the agent's); waits for the target in /metrics, checks the process runs the
# bundled node and logged no key-permission warning, then stops it with SIGTERM (exit 0).
run_like_the_unit() {
  local unit=$1 pre start runtime code
  pre="$(sed -n 's/^ExecStartPre=//p' "$unit")"
  start="$(sed -n 's/^ExecStart=//p' "$unit")"
  [[ -n "$pre" && -n "$start" ]] || fail "$unit has no ExecStartPre/ExecStart"
  read -r -a pre_argv <<<"$pre"
  read -r -a start_argv <<<"$start"
  runtime="$(dirname "$(dirname "$(readlink -f "${start_argv[0]}")")")/runtime/bin/node"
  echo "  ExecStartPre=$pre"
  setpriv --reuid=rds-agent --regid=rds-agent --init-groups "${pre_argv[@]}" || fail "ExecStartPre failed"
  echo "  ExecStart=$start"
  setpriv --reuid=rds-agent --regid=rds-agent --init-groups "${start_argv[@]}" >"$WORK/run.log" 2>&1 &
  AGENT_PID=$!
  wait_for_metric "http://127.0.0.1:$METRICS_PORT/metrics" 'rds_connection_state{target="rds-1"} 1' "$AGENT_PID"
  [[ "$(readlink -f "/proc/$AGENT_PID/exe")" == "$runtime" ]] || fail "the agent runs on $(readlink -f "/proc/$AGENT_PID/exe"), not $runtime"
  [[ "$(stat -c %U "/proc/$AGENT_PID")" == rds-agent ]] || fail "the agent does not run as rds-agent"
  if grep -q 'readable by group or others' "$WORK/run.log"; then fail "the agent warned about the key file's mode"; fi
  kill -TERM "$AGENT_PID"
  code=0; wait "$AGENT_PID" || code=$?
  AGENT_PID=''
  [[ $code -eq 0 ]] || { tail -n 5 "$WORK/run.log"; fail "the agent exited $code after SIGTERM, expected 0"; }
  echo "  target rds-1 connected, agent ran as rds-agent on $runtime, stopped cleanly"
}

# Paths a package may create (new paths only; other engineers' builds under /work and /tmp churn).
snapshot_paths() {
  find /etc /usr /opt /srv /var/lib -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/postgresql \) -prune -o -print 2>/dev/null | sort
}

# check_nothing_left <before file>: no path exists that was not there before, save the shadow
# tools' own backups (/etc/passwd- etc.), and no rds-agent user or group.
check_nothing_left() {
  snapshot_paths >"$WORK/after.txt"
  comm -13 "$1" "$WORK/after.txt" | grep -vE '^/etc/(passwd|group|shadow|gshadow|subuid|subgid)-$' >"$WORK/left.txt" || true
  if [[ -s "$WORK/left.txt" ]]; then head -n 20 "$WORK/left.txt"; fail "$(wc -l <"$WORK/left.txt") path(s) left behind"; fi
  if getent passwd rds-agent >/dev/null; then fail "the rds-agent user is still there"; fi
  if getent group rds-agent >/dev/null; then fail "the rds-agent group is still there"; fi
  echo "  no file, directory, user or group left behind"
}

# require_clean_host: refuses to run where an rds-agent install (or its user) already exists.
require_clean_host() {
  [[ $EUID -eq 0 ]] || fail "run as root: it installs software, creates a user and removes both"
  command -v sudo >/dev/null || fail "sudo is not installed (apt-get install -y sudo): README.md's steps use it"
  if dpkg -s rds-agent >/dev/null 2>&1; then fail "the rds-agent package is installed here: dpkg -P rds-agent first"; fi
  if getent passwd rds-agent >/dev/null || getent group rds-agent >/dev/null; then fail "a rds-agent user or group exists here already"; fi
  for p in /etc/rds-agent /opt/rds-agent /usr/local/bin/rds-agent /etc/systemd/system/rds-agent.service; do
    if [[ -e "$p" || -L "$p" ]]; then fail "$p exists already"; fi
  done
}
