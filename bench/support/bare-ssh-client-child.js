// The baseline for the agent: a bare ssh2 client process with no agent around it. It opens one
// connection per port (all at once, as a naive poller would), pins the host key the same way, and
// then, per connection, either does nothing, runs `:put 1` every `intervalMs` under `deadlineMs`
// (the agent's command probe), or lets ssh2 send keepalives every `intervalMs` (ssh2's own
// keepaliveInterval/keepaliveCountMax). Losses are reported as events with their time, so detection
// latency can be compared with the agent's. Driven over IPC; exits when its parent goes away.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import v8 from 'node:v8';
import ssh2 from 'ssh2';

const { Client } = ssh2;
let cfg;
let key;
const conns = [];
const counters = { connects: 0, connectFailures: 0, connectTimeouts: 0, losses: 0, probes: 0, probeFailures: 0, probeTimeouts: 0, pings: 0 };
let connectedNow = 0;
let firstAllConnectedAt;
let stopped = false;

const fingerprint = (blob) => 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');

function event(e) {
  process.send({ event: true, ...e });
}

function connect(i) {
  if (stopped) return;
  const state = { i, client: new Client(), up: false, done: false, timer: undefined };
  conns[i] = state;
  const { client } = state;
  const started = Date.now();
  const deadline = setTimeout(() => {
    counters.connectTimeouts++;
    fail('connect-timeout');
  }, cfg.connectTimeoutMs);
  const fail = (how) => {
    if (state.done) return;
    state.done = true;
    clearTimeout(deadline);
    clearTimeout(state.timer);
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.destroy();
    if (state.up) {
      state.up = false;
      connectedNow--;
      counters.losses++;
      event({ type: 'lost', index: i, at: Date.now(), how });
    } else if (how !== 'connect-timeout') counters.connectFailures++;
    else counters.connectFailures++;
    if (cfg.reconnect && !stopped) setTimeout(() => connect(i), cfg.reconnectDelayMs);
  };
  state.fail = fail;
  client.on('ready', () => {
    clearTimeout(deadline);
    state.up = true;
    connectedNow++;
    counters.connects++;
    if (cfg.mode === 'keepalive') {
      const proto = client._protocol;
      const ping = proto.ping;
      proto.ping = function countedPing(...args) {
        counters.pings++;
        return ping.apply(this, args);
      };
    }
    event({ type: 'connected', index: i, at: Date.now(), ms: Date.now() - started });
    if (connectedNow === cfg.ports.length && firstAllConnectedAt === undefined) {
      firstAllConnectedAt = Date.now();
      event({ type: 'all-connected', at: firstAllConnectedAt });
    }
    if (cfg.firstCommand) exec(state, () => undefined);
    if (cfg.mode === 'exec') schedule(state);
  });
  client.on('error', (err) => fail(err.message === 'Keepalive timeout' ? 'keepalive-timeout' : 'error'));
  client.on('end', () => fail('end'));
  client.on('close', () => fail('close'));
  // As the agent does: Nagle off, or every exchange after the first waits for a delayed ACK.
  const sock = new Socket();
  sock.setNoDelay(true);
  sock.connect({ host: cfg.host, port: cfg.ports[i] });
  client.connect({
    sock,
    username: cfg.username,
    privateKey: key,
    readyTimeout: 0,
    hostVerifier: (blob) => fingerprint(blob) === cfg.fingerprint,
    keepaliveInterval: cfg.mode === 'keepalive' ? cfg.intervalMs : 0,
    keepaliveCountMax: cfg.keepaliveCountMax,
  });
}

/** One `:put 1` on a new exec channel; `done(ok)` once, at the latest at the deadline. */
function exec(state, done) {
  let finished = false;
  const finish = (ok, how) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(ok, how);
  };
  const timer = setTimeout(() => finish(false, 'probe-timeout'), cfg.deadlineMs);
  state.client.exec(cfg.command, (err, stream) => {
    if (err) return finish(false, 'exec-refused');
    let out = '';
    let code;
    stream.on('data', (d) => (out += d));
    stream.stderr.on('data', () => undefined);
    stream.on('exit', (c) => (code = c));
    stream.on('close', () => finish(code === 0 && out.trim() === '1', 'probe-failed'));
  });
}

function schedule(state) {
  state.timer = setTimeout(() => {
    if (state.done) return;
    counters.probes++;
    exec(state, (ok, how) => {
      if (state.done) return;
      if (!ok) {
        if (how === 'probe-timeout') counters.probeTimeouts++;
        else counters.probeFailures++;
        state.fail(how);
        return;
      }
      schedule(state);
    });
  }, cfg.intervalMs);
}

const handlers = {
  start(msg) {
    cfg = {
      host: '127.0.0.1',
      mode: 'none',
      intervalMs: 5000,
      deadlineMs: 3000,
      connectTimeoutMs: 10_000,
      reconnect: true,
      reconnectDelayMs: 1000,
      keepaliveCountMax: 3,
      firstCommand: false,
      command: ':put 1',
      ...msg.config,
    };
    key = readFileSync(cfg.keyFile);
    for (let i = 0; i < cfg.ports.length; i++) connect(i);
    return {};
  },
  stats: () => ({ ...counters, connectedNow, allConnectedMs: firstAllConnectedAt }),
  reset: () => {
    for (const k of Object.keys(counters)) if (k !== 'connects') counters[k] = 0;
    return {};
  },
  memory: () => process.memoryUsage(),
  snapshot: ({ path }) => ({ file: v8.writeHeapSnapshot(path) }),
  stop: () => {
    stopped = true;
    for (const s of conns) s?.fail?.('stopped');
    return {};
  },
};

process.on('message', (msg) => {
  try {
    process.send({ id: msg.id, ok: true, result: handlers[msg.cmd](msg) });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
