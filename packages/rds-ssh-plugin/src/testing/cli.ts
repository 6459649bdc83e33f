#!/usr/bin/env node
/**
 * `rds-sim`: runs the RouterOS SSH simulator as a process, for demos and manual testing.
 *
 *   rds-sim --port 2222 [--host 127.0.0.1] [--user admin] [--password-file f | --authorized-key f]
 *           [--host-key f] [--identity name] [--key-out f] [--variant rds2216|routeros-7.14|no-rose-storage]
 *           [--fault "fail-drive nvme12"]... [--chaos] [--chaos-interval 20s]
 *
 * Prints the address, the host-key fingerprint (to pin in the agent's config) and, when it generated
 * a client key, the file it wrote it to. Reads fault commands from stdin, one per line (`help` lists
 * them) and answers each with one `ok ...` or `error: ...` line. `--chaos` cycles through connection
 * faults (drop / hang / refuse / fail-exec) and storage faults (degraded array, stopped fan, failed
 * PSU, ...), printing each step. SIGTERM and SIGINT close it cleanly.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { VARIANTS, type DeviceVariant } from './device-inventory.js';
import { FAULT_COMMANDS_HELP, runFaultCommand } from './fault-commands.js';
import { startRdsSimulator, type RdsSimulator, type SimulatedUser, type KeepaliveMode } from './rds-simulator.js';

const USAGE = `usage: rds-sim [--port 2222] [--host 127.0.0.1] [--user admin]
               [--password-file FILE | --authorized-key FILE] [--host-key FILE]
               [--identity NAME] [--key-out FILE] [--latency MS]
               [--variant ${Object.keys(VARIANTS).join('|')}] [--fault "COMMAND"]...
               [--keepalive-mode failure|success|ignore] [--chaos] [--chaos-interval 20s]
stdin: one fault command per line (type help)`;

/** One step of the chaos schedule: what to break, and for how long. */
interface ChaosStep {
  readonly name: string;
  readonly describe: string;
  start(sim: RdsSimulator): Promise<string> | string;
  stop?(sim: RdsSimulator): Promise<void> | void;
}

const CHAOS_STEPS: readonly ChaosStep[] = [
  {
    name: 'drop',
    describe: 'destroy every open connection (clients see the socket close)',
    start: (sim) => `${sim.dropAllConnections()} connection(s) dropped`,
  },
  storageStep('degraded-array', 'fail nvme13: RAID1 mirror degraded (no spare)', 'fail-drive nvme13'),
  {
    name: 'hang',
    describe: 'freeze open connections and hang new ones (a hung peer), then drop them and thaw',
    start: (sim) => {
      sim.freeze(true);
      return `${sim.openConnections} connection(s) frozen, new ones hang`;
    },
    stop: (sim) => {
      sim.dropAllConnections();
      sim.freeze(false);
    },
  },
  storageStep('fan', 'stop fan1 (0 RPM)', 'stop-fan fan1'),
  {
    name: 'refuse',
    describe: 'stop listening (connection refused) and drop open connections',
    start: async (sim) => {
      await sim.refuseConnections(true);
      return `${sim.dropAllConnections()} connection(s) dropped, port closed`;
    },
    stop: (sim) => sim.refuseConnections(false),
  },
  storageStep('spare', 'fail nvme4: hot spare nvme11 takes over, storage-pool rebuilding', 'fail-drive nvme4 rebuild=2m'),
  {
    name: 'fail-exec',
    describe: 'refuse exec requests while the connection stays up (OpenSSH with a dead monitor)',
    start: (sim) => {
      sim.failExec(true);
      return 'exec requests refused';
    },
    stop: (sim) => sim.failExec(false),
  },
  storageStep('psu', 'fail psu2', 'fail-psu psu2'),
  storageStep('heat', 'cpu at 95 C and nvme2 at 78 C', 'heat-cpu', 'heat-drive nvme2'),
  storageStep('btrfs', 'btrfs errors on storage-pool', 'btrfs-errors'),
  storageStep('pull', 'pull nvme7 (bay empty, last-seen set)', 'pull-drive nvme7 no-spare'),
  storageStep('flap', 'flap sfp28-1 every 5 s', 'flap-link sfp28-1 5s'),
  storageStep('garbage', 'the /disk listing answers 2 MiB of spaces', 'garbage raid spaces'),
];

/** A chaos step made of fault commands; it stops by clearing the faults it started. */
function storageStep(name: string, describe: string, ...commands: string[]): ChaosStep {
  const ids: string[] = [];
  return {
    name,
    describe,
    start: (sim) => {
      const out = commands.map((c) => runFaultCommand(sim.device, c));
      ids.splice(0, ids.length, ...out.flatMap((l) => l.split('\n')).map((l) => /^ok (\S+?):/.exec(l)?.[1] ?? '').filter(Boolean));
      return out.join('; ');
    },
    stop: (sim) => {
      for (const id of ids.splice(0)) sim.device.clearFault(id);
    },
  };
}

function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`${flag}: expected a duration like 500ms, 20s or 2m: value was ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n);
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '2222' },
      host: { type: 'string', default: '127.0.0.1' },
      user: { type: 'string', default: 'admin' },
      'password-file': { type: 'string' },
      'authorized-key': { type: 'string' },
      'host-key': { type: 'string' },
      identity: { type: 'string' },
      'key-out': { type: 'string' },
      latency: { type: 'string' },
      'keepalive-mode': { type: 'string' },
      variant: { type: 'string', default: 'rds2216' },
      fault: { type: 'string', multiple: true, default: [] },
      chaos: { type: 'boolean', default: false },
      'chaos-interval': { type: 'string', default: '20s' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n\n${FAULT_COMMANDS_HELP}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected 0-65535: value was ${JSON.stringify(values.port)}`);
  const keepaliveMode = values['keepalive-mode'];
  if (keepaliveMode !== undefined && !['failure', 'success', 'ignore'].includes(keepaliveMode)) {
    throw new Error(`--keepalive-mode: expected failure, success or ignore: value was ${JSON.stringify(keepaliveMode)}`);
  }
  const variant = values.variant!;
  if (!Object.hasOwn(VARIANTS, variant)) throw new Error(`--variant: expected ${Object.keys(VARIANTS).join(', ')}: value was ${JSON.stringify(variant)}`);
  const username = values.user!;
  let users: SimulatedUser[] | undefined;
  if (values['password-file'] || values['authorized-key']) {
    users = [
      {
        username,
        // Secrets come from files and are never printed.
        password: values['password-file'] ? readFileSync(values['password-file'], 'utf8').split(/\r?\n/)[0] : undefined,
        publicKey: values['authorized-key'] ? readFileSync(values['authorized-key']) : undefined,
      },
    ];
  }

  const sim = await startRdsSimulator({
    host: values.host,
    port,
    users,
    defaultUsername: username,
    hostKey: values['host-key'] ? readFileSync(values['host-key']) : undefined,
    device: { variant: variant as DeviceVariant, ...(values.identity ? { identity: values.identity } : {}) },
    latencyMs: values.latency ? parseDuration(values.latency, '--latency') : 0,
    keepaliveMode: keepaliveMode as KeepaliveMode | undefined,
  });

  const lines = [`rds-sim listening on ${sim.host}:${sim.port}`, `host key fingerprint: ${sim.hostKeyFingerprint}`, `user: ${username}`];
  if (sim.clientPrivateKey) {
    const keyFile = values['key-out'] ?? join(tmpdir(), `rds-sim-${sim.port}`, 'id_ed25519');
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, sim.clientPrivateKey, { mode: 0o600 });
    lines.push(`client private key written to: ${keyFile}`);
  }
  lines.push(`device: ${variant} (RouterOS ${sim.device.version})`);
  for (const f of values.fault!) {
    try {
      lines.push(`fault: ${runFaultCommand(sim.device, f)}`);
    } catch (err) {
      await sim.close();
      throw new Error(`--fault ${JSON.stringify(f)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  // Fault commands on stdin: one answer line (or block) per command; EOF just stops reading.
  const control = createInterface({ input: process.stdin, terminal: false });
  control.on('line', (line) => {
    if (line.trim() === '') return;
    let answer: string;
    try {
      answer = runFaultCommand(sim.device, line);
    } catch (err) {
      answer = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    process.stdout.write(answer + '\n');
  });

  let chaosTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  if (values.chaos) {
    const interval = parseDuration(values['chaos-interval']!, '--chaos-interval');
    lines.push(
      `chaos schedule (every ${interval} ms a fault starts, lasting ${Math.round(interval / 2)} ms, then the simulator is healthy again):`,
      ...CHAOS_STEPS.map((s, i) => `  ${i + 1}. ${s.name}: ${s.describe}`),
    );
    let i = 0;
    const tick = async (): Promise<void> => {
      if (stopping) return;
      const step = CHAOS_STEPS[i++ % CHAOS_STEPS.length]!;
      let started: string;
      try {
        started = await step.start(sim);
      } catch (err) {
        // A fault the operator already set by hand (or a device variant without the part) is not fatal.
        started = `skipped: ${err instanceof Error ? err.message : String(err)}`;
      }
      process.stdout.write(`[chaos ${stamp()}] ${step.name}: ${started}\n`);
      chaosTimer = setTimeout(() => {
        void (async () => {
          if (stopping) return;
          await step.stop?.(sim);
          process.stdout.write(`[chaos ${stamp()}] ${step.name}: restored\n`);
          chaosTimer = setTimeout(() => void tick(), interval - Math.round(interval / 2));
        })();
      }, Math.round(interval / 2));
    };
    chaosTimer = setTimeout(() => void tick(), interval);
  }

  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    clearTimeout(chaosTimer);
    control.close();
    process.stdout.write(`rds-sim: ${signal}, closing\n`);
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Printed last: whoever waits for this line may signal at once, and the handlers are in place.
  lines.push('fault commands on stdin, one per line: type help');
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`rds-sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
});
