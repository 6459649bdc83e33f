# Shared by the release checks (sourced, not run): messages, a throwaway RDS simulator, free ports,
# waiting for a metric. Every process started here is stopped by its PID.

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# expect_exit <code> <command...>: runs the command, fails unless it exits with <code>.
expect_exit() {
  local want=$1 got=0
  shift
  "$@" || got=$?
  [[ $got -eq $want ]] || fail "'$*' exited $got, expected $want"
}

# A shipped sample before it is configured: validate exits 2, and its only problems are the
# key, password and known_hosts files it names that the operator has yet to create.
expect_only_missing_files() {
  local err got=0
  err="$(mktemp)"
  "$@" 2>"$err" >/dev/null || got=$?
  if [[ $got -ne 2 ]] || ! grep -q 'cannot read' "$err" || grep -v -E '^rds-agent: invalid configuration in .* \([0-9]+ problems?\):$|^  [][A-Za-z0-9_.]+: cannot read "[^"]+": no such file \(ENOENT\)$|^$' "$err"; then
    cat "$err"; rm -f "$err"
    fail "'$*' exited $got; expected 2 with only the files the sample names missing"
  fi
  rm -f "$err"
}

# A free TCP port on 127.0.0.1 (asked from the kernel with the workspace's node).
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# start_simulator <authorized public key file> <log file>: the RouterOS SSH simulator from the
# workspace (machine's node) on 127.0.0.1 and a free port, accepting `admin` with that key.
# Sets SIM_PID and SIM_PORT.
start_simulator() {
  local key=$1 log=$2
  node "$ROOT/packages/rds-ssh-plugin/dist/testing/cli.js" --host 127.0.0.1 --port 0 --authorized-key "$key" >"$log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    SIM_PORT=$(sed -n 's/^rds-sim listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
    [[ -n "$SIM_PORT" ]] && return 0
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$log"; fail "rds-sim exited before listening"; }
    sleep 0.1
  done
  cat "$log"
  fail "rds-sim did not listen within 10 s"
}

# stop_pid <pid>: SIGTERM, then wait for it (no-op when empty or gone).
stop_pid() {
  [[ -n "${1:-}" ]] || return 0
  kill "$1" 2>/dev/null || return 0
  wait "$1" 2>/dev/null || true
}

# wait_for_metric <url> <exposition line prefix> <pid of the agent>: polls until the line appears.
wait_for_metric() {
  local url=$1 want=$2 pid=$3
  for _ in $(seq 1 150); do
    if curl -fsS "$url" 2>/dev/null | grep -qF "$want"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || fail "the agent (pid $pid) exited before $url showed '$want'"
    sleep 0.2
  done
  curl -sS "$url" | grep '^rds_connection' >&2 || true
  fail "$url did not show '$want' within 30 s"
}

# sim_config <fingerprint line from keyscan> <port> <key file> <metrics port>: an agent config for
# the simulator, in the form the README's install steps end with.
sim_config() {
  cat <<YAML
logLevel: info
targets:
  - name: rds-1
    transport: rds-ssh
    options:
      host: 127.0.0.1
      port: $2
      username: admin
      privateKeyFile: $3
      $1
exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: $4
  otel:
    enabled: false
YAML
}
