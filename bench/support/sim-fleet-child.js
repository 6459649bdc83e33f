// One process of a simulator fleet (see sim-fleet.js): hosts many RDS simulators on 127.0.0.1, all
// with the same host key and the same authorized client key, and applies faults on request.
// Driven over the IPC channel; exits when its parent goes away.
import { startRdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';

const sims = [];
const flaps = new Set();

async function start({ count, hostKey, clientPublicKey, username, keepaliveMode }) {
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const started = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () =>
        startRdsSimulator({ hostKey, users: [{ username, publicKey: clientPublicKey }], ...(keepaliveMode ? { keepaliveMode } : {}) }),
      ),
    );
    sims.push(...started);
  }
  return { ports: sims.map((s) => s.port), fingerprint: sims[0]?.hostKeyFingerprint };
}

/** Every sim in `indices` drops all its connections every `periodMs`, each at its own random phase. */
function flap({ indices, periodMs }) {
  for (const i of indices) {
    const sim = sims[i];
    const first = setTimeout(() => {
      sim.dropAllConnections();
      const every = setInterval(() => sim.dropAllConnections(), periodMs);
      flaps.add(every);
    }, Math.random() * periodMs);
    flaps.add(first);
  }
  return { flapping: indices.length };
}

function stopFlapping() {
  for (const t of flaps) clearTimeout(t);
  flaps.clear();
  return {};
}

function stats() {
  let openConnections = 0;
  let totalConnections = 0;
  let totalCommands = 0;
  for (const s of sims) {
    openConnections += s.openConnections;
    totalConnections += s.totalConnections;
    totalCommands += s.totalCommands;
  }
  return { openConnections, totalConnections, totalCommands };
}

const handlers = {
  start,
  flap,
  'stop-flapping': stopFlapping,
  stats,
  drop: ({ indices }) => ({ dropped: indices.reduce((n, i) => n + sims[i].dropAllConnections(), 0) }),
  freeze: ({ indices, frozen }) => {
    for (const i of indices) sims[i].freeze(frozen);
    return {};
  },
  close: async () => {
    stopFlapping();
    await Promise.all(sims.map((s) => s.close()));
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send({ id: msg.id, ok: false, error: String(err?.stack ?? err) });
  }
  if (msg.cmd === 'close') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
