// Detection latency against a real OpenSSH sshd (test/support/sshd.ts: needs root and
// openssh-server), the real agent next to two bare ssh2 clients in the same run, all connected to
// the same sshd, so every fault hits the three connections at the same instant:
// - agent: `rds-agent run` with default monitor settings (command probe every 5 s, 3 s deadline);
// - bare ssh2 client, exec: `:put 1` every 5 s under a 3 s deadline (the same check, no agent);
// - bare ssh2 client, keepalive: ssh2's keepaliveInterval 5 s, keepaliveCountMax 3 (what a plain
//   ssh2 user gets).
// Faults, applied to every per-connection sshd process there is at that moment, at a random point
// of the probe cycle: SIGKILL (the session processes die), SIGSTOP (a hung peer: TCP stays up,
// nothing answers), and SIGKILL of the `[priv]` monitor only (keepalives still answered; the next
// exec fails and sshd drops the connection). Latency = fault to the detector's own record of the
// loss (the agent's "connection lost" log time; the bare clients' event time). Bounded waits.
//
//   npm run build && node bench/detection.js [--quick]
//
// Full run: about 2 min. Prints markdown.
import { parseArgs } from 'node:util';
import { AgentProcess } from './support/agent-process.js';
import { BareSshClient } from './support/bare-ssh-client.js';
import { header, progress, table } from './support/report.js';
import { fmt, max, median, sleep, until } from './support/stats.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const FAULTS = [
  { name: 'kill', label: 'session processes killed (SIGKILL)', trials: args.quick ? 1 : 2, waitMs: 10_000, apply: (sshd, pids) => signal(pids, 'SIGKILL') },
  { name: 'stop', label: 'session processes stopped (SIGSTOP): hung peer', trials: 1, waitMs: 24_000, apply: (sshd, pids) => signal(pids, 'SIGSTOP') },
  { name: 'priv', label: '`[priv]` monitor killed only', trials: args.quick ? 1 : 2, waitMs: 9_000, apply: (sshd, pids, procs) => signal(procs.filter((p) => p.kind === 'priv').map((p) => p.pid), 'SIGKILL') },
];
const DETECTORS = ['agent', 'bare exec', 'bare keepalive'];

function signal(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  }
}

async function main() {
  const started = Date.now();
  const { TestSshd } = await import('../test/dist/support/sshd.js');
  const sshd = await TestSshd.start();
  const losses = []; // { detector, at, how }
  let agent;
  let exec;
  let keepalive;
  const results = new Map(FAULTS.map((f) => [f.name, new Map(DETECTORS.map((d) => [d, []]))]));
  try {
    const peer = { ports: [sshd.port], username: sshd.user, keyFile: sshd.clientKeyFile, fingerprint: sshd.hostKeyFingerprint, reconnectDelayMs: 1000, firstCommand: true };
    const config = [
      'logLevel: info',
      'logFormat: json',
      'exporters:',
      '  prometheus: { enabled: true, host: 127.0.0.1, port: 0 }',
      'targets:',
      '  - name: sshd',
      '    transport: rds-ssh',
      '    options:',
      '      host: 127.0.0.1',
      `      port: ${sshd.port}`,
      `      username: ${sshd.user}`,
      `      privateKeyFile: ${JSON.stringify(sshd.clientKeyFile)}`,
      `      hostKeyFingerprints: [${JSON.stringify(sshd.hostKeyFingerprint)}]`,
      '',
    ].join('\n');
    agent = await AgentProcess.start(config, {
      keep: (l) => {
        if (l.msg === 'connection lost') losses.push({ detector: 'agent', at: Number(l.time), how: `${l.detectedBy}: ${l.reason}` });
        return false;
      },
    });
    exec = await BareSshClient.start({ ...peer, mode: 'exec', intervalMs: 5000, deadlineMs: 3000 });
    keepalive = await BareSshClient.start({ ...peer, mode: 'keepalive', intervalMs: 5000, keepaliveCountMax: 3 });
    exec.onEvent((e) => e.type === 'lost' && losses.push({ detector: 'bare exec', at: e.at, how: e.how }));
    keepalive.onEvent((e) => e.type === 'lost' && losses.push({ detector: 'bare keepalive', at: e.at, how: e.how }));

    const allUp = async () => {
      await until('all three connected', async () => (await agent.states()).connected === 1 && (await exec.stats()).connectedNow === 1 && (await keepalive.stats()).connectedNow === 1, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      await sshd.waitForSessions(3, 20_000);
    };
    await allUp();
    for (const fault of FAULTS) {
      for (let trial = 0; trial < fault.trials; trial++) {
        progress(`${fault.name}, trial ${trial + 1} of ${fault.trials}`);
        await sleep(Math.random() * 5000); // a random point of the 5 s probe cycle
        const procs = sshd.sessionProcesses();
        const pids = procs.map((p) => p.pid);
        const from = losses.length;
        const t0 = Date.now();
        fault.apply(sshd, pids, procs);
        const deadline = t0 + fault.waitMs;
        while (Date.now() < deadline && new Set(losses.slice(from).map((l) => l.detector)).size < DETECTORS.length) await sleep(50);
        for (const d of DETECTORS) {
          const hit = losses.slice(from).find((l) => l.detector === d);
          results.get(fault.name).get(d).push(hit ? { ms: hit.at - t0, how: hit.how } : { ms: undefined });
        }
        // The processes of this trial's connections go; the detectors reconnect by themselves.
        signal(pids, 'SIGKILL');
        await allUp();
      }
    }
  } finally {
    await Promise.all([agent?.stop(), exec?.stop(), keepalive?.stop()]);
    await sshd.stop();
  }

  const rows = [];
  for (const fault of FAULTS) {
    for (const d of DETECTORS) {
      const r = results.get(fault.name).get(d);
      const seen = r.filter((x) => x.ms !== undefined);
      const hows = [...new Set(seen.map((x) => x.how))].join(', ');
      rows.push([
        fault.label,
        d === 'agent' ? 'agent (default settings)' : d === 'bare exec' ? 'bare ssh2, exec every 5 s, 3 s deadline (baseline)' : 'bare ssh2, keepaliveInterval 5 s, countMax 3 (baseline)',
        `${seen.length} of ${r.length}`,
        seen.length ? fmt(Math.min(...seen.map((x) => x.ms))) : `> ${fault.waitMs}`,
        seen.length ? fmt(median(seen.map((x) => x.ms))) : `> ${fault.waitMs}`,
        seen.length ? fmt(max(seen.map((x) => x.ms))) : `> ${fault.waitMs}`,
        hows || `not within ${fault.waitMs / 1000} s`,
      ]);
    }
  }
  process.stdout.write(
    [
      header('Detection latency against a real OpenSSH sshd', [
        'OpenSSH 9.2 sshd on 127.0.0.1 (e2e harness, RouterOS forced command); the agent and two bare ssh2 clients hold one connection each to it, so each fault hits all three at once',
        `trials: ${FAULTS.map((f) => `${f.name} ${f.trials}`).join(', ')}; each fault at a random point of the 5 s probe cycle; waits bounded per fault`,
      ]),
      table(['fault', 'detector', 'detected', 'min ms', 'median ms (upper)', 'max ms', 'detected by'], rows, 'llrrrrl'),
      '',
      `(detection took ${fmt((Date.now() - started) / 1000)} s of real time)`,
    ].join('\n') + '\n',
  );
}

await main();
