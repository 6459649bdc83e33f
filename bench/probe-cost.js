// CPU per probe, agent against bare ssh2, and per check on a real OpenSSH sshd against
// prometheus-blackbox-exporter's ssh_banner probe, all in the same run.
//
// Part 1, simulators: `--targets` (200) RDS simulators in child processes; the real agent
// (`rds-agent run`, telemetry off) probes each once per second (200 probes/s, the rate of 1,000
// targets at the default 5 s), first with command probes (`:put 1`), then in keepalive mode
// (keepalive@openssh.com; commands only at connect), then with probes practically off (the idle
// floor: 24 h interval). A bare ssh2 client process does the same at the same rate against the same
// simulators: `:put 1` per connection per second, ssh2's own keepalive every second, and nothing.
// CPU from /proc/<pid>/stat over a window once everything connected; probes counted by the agent's
// rds_probe_duration_seconds_count and by the bare client itself.
//
// Part 2, a real OpenSSH sshd (test/support/sshd.ts, needs root and openssh-server) with the e2e
// RouterOS forced command: 4 checks/s for each of agent command probes (4 targets, 1 s), agent
// keepalive probes, bare ssh2 exec, and blackbox-exporter ssh_banner (a new TCP connection and
// banner exchange per check; /usr/bin/prometheus-blackbox-exporter). CPU of sshd is the listener
// and every per-connection process (with their reaped children: the forced command's shells).
//
//   npm run build && node bench/probe-cost.js [--quick] [--targets 200] [--skip-sshd]
//
// Full run: about 2.5 min on a quiet 2-core host. Prints markdown.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AgentProcess, fleetConfig } from './support/agent-process.js';
import { BareSshClient } from './support/bare-ssh-client.js';
import { cpuMs, processTree, totalCpuMs } from './support/proc-stats.js';
import { parseExposition, total } from './support/prom-text.js';
import { header, progress, table } from './support/report.js';
import { SimFleet } from './support/sim-fleet.js';
import { fmt, ratio, sleep, until } from './support/stats.js';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, targets: { type: 'string', default: '200' }, 'skip-sshd': { type: 'boolean', default: false } },
});
const QUICK = args.quick;
const T = Number(args.targets);
const WINDOW_MS = QUICK ? 4_000 : 5_000;
const SSHD_WINDOW_MS = QUICK ? 4_000 : 5_000;
const NEVER = '24h';

const MODES = {
  command: { monitor: { probeInterval: '1s', probeTimeout: '1s', telemetryInterval: 0 }, options: {} },
  keepalive: { monitor: { probeInterval: '1s', probeTimeout: '1s', telemetryInterval: 0 }, options: { keepaliveInterval: NEVER, commandProbeInterval: NEVER } },
  idle: { monitor: { probeInterval: NEVER, probeTimeout: '3s', telemetryInterval: 0 }, options: {} },
};

const probeCount = async (agent) => {
  const s = parseExposition(await agent.metricsText()).samples;
  return { count: total(s, 'rds_probe_duration_seconds_count'), sum: total(s, 'rds_probe_duration_seconds_sum') };
};

/** CPU of `pids()` and probes over a window, after `settleMs`. */
async function measure({ cpu, probes, serverCpu, windowMs, settleMs = 2000 }) {
  await sleep(settleMs);
  const p0 = await probes();
  const c0 = cpu();
  const s0 = serverCpu();
  const t0 = Date.now();
  await sleep(windowMs);
  const c1 = cpu();
  const s1 = serverCpu();
  const elapsed = Date.now() - t0;
  const p1 = await probes();
  return { cpuMs: c1 - c0, serverMs: s1 - s0, probes: p1.count - p0.count, latencySum: p1.sum - p0.sum, elapsed };
}

async function agentMode(fleet, mode, indices, configFor = (m) => fleetConfig({ fleet, indices, monitor: m.monitor, options: m.options })) {
  const agent = await AgentProcess.start(configFor(MODES[mode]));
  try {
    await until(`agent (${mode}): ${indices.length} connected`, async () => ((await agent.states()).connected ?? 0) >= indices.length || undefined, { timeoutMs: 60_000, intervalMs: 250 });
    return await measure({ cpu: () => agent.cpuMs(), probes: () => probeCount(agent), serverCpu: () => fleet.cpuMs(), windowMs: WINDOW_MS });
  } finally {
    await agent.stop();
  }
}

async function bareMode(fleet, mode, ports) {
  const bare = await BareSshClient.start({ ports, username: fleet.username, keyFile: fleet.keyFile, fingerprint: fleet.fingerprint, mode, intervalMs: 1000, deadlineMs: 1000, firstCommand: false });
  try {
    await until(`bare (${mode}): connected`, async () => (await bare.stats()).connectedNow >= ports.length || undefined, { timeoutMs: 60_000, intervalMs: 250 });
    const probes = async () => {
      const s = await bare.stats();
      return { count: mode === 'keepalive' ? s.pings : s.probes, sum: 0 };
    };
    return await measure({ cpu: () => bare.cpuMs(), probes, serverCpu: () => fleet.cpuMs(), windowMs: WINDOW_MS });
  } finally {
    await bare.stop();
  }
}

const perSecond = (r) => (r.cpuMs / r.elapsed) * 1000;
const rate = (r) => (r.probes / r.elapsed) * 1000;
/** CPU per probe above the idle floor of the same process kind. */
const perProbe = (r, idle) => (r.probes > 0 ? (perSecond(r) - perSecond(idle)) / rate(r) : NaN);
const rawPerProbe = (r) => (r.probes > 0 ? r.cpuMs / r.probes : NaN);

async function simulatorPart() {
  progress(`starting ${T} simulators`);
  const fleet = await SimFleet.start({ count: T, processes: 2 });
  const indices = [...Array(T).keys()];
  const res = {};
  try {
    for (const mode of ['idle', 'command', 'keepalive']) {
      progress(`agent, ${mode}`);
      res[`agent-${mode}`] = await agentMode(fleet, mode, indices);
    }
    for (const mode of ['none', 'exec', 'keepalive']) {
      progress(`bare ssh2 client, ${mode}`);
      res[`bare-${mode}`] = await bareMode(fleet, mode, fleet.ports);
    }
  } finally {
    await fleet.stop();
  }
  const a = res;
  const row = (label, r, idle) => [label, fmt(rate(r)), fmt(perSecond(r)), fmt(rawPerProbe(r)), idle ? fmt(perProbe(r, idle)) : '', r.probes > 0 ? fmt(r.serverMs / r.probes) : fmt(r.serverMs / (r.elapsed / 1000)) + ' /s'];
  return [
    `### CPU per probe, ${T} simulated targets, 1 probe per target per second, telemetry off`,
    '',
    table(
      ['process, mode', 'probes/s', 'CPU ms/s', 'CPU ms per probe (raw)', 'CPU ms per probe above the idle floor', 'simulators CPU ms per probe'],
      [
        row('agent, probes off (idle floor: 24 h interval)', a['agent-idle']),
        row('bare ssh2 client, connections only (idle floor, baseline)', a['bare-none']),
        row('agent, command probe `:put 1`', a['agent-command'], a['agent-idle']),
        row('bare ssh2 client, exec `:put 1` (baseline)', a['bare-exec'], a['bare-none']),
        row('agent, keepalive probe', a['agent-keepalive'], a['agent-idle']),
        row('bare ssh2 client, ssh2 keepaliveInterval (baseline)', a['bare-keepalive'], a['bare-none']),
      ],
    ),
    '',
    table(
      ['ratio agent / bare ssh2', 'CPU ms per probe (raw)', 'above the idle floor'],
      [
        ['idle floor (CPU ms/s)', ratio(perSecond(a['agent-idle']), perSecond(a['bare-none'])), ''],
        ['command probe vs exec', ratio(rawPerProbe(a['agent-command']), rawPerProbe(a['bare-exec'])), ratio(perProbe(a['agent-command'], a['agent-idle']), perProbe(a['bare-exec'], a['bare-none']))],
        ['keepalive probe vs ssh2 keepalive', ratio(rawPerProbe(a['agent-keepalive']), rawPerProbe(a['bare-keepalive'])), ratio(perProbe(a['agent-keepalive'], a['agent-idle']), perProbe(a['bare-keepalive'], a['bare-none']))],
      ],
    ),
    '',
    `Idle floor per target: agent ${fmt(perSecond(a['agent-idle']) / T)} CPU-ms/s, bare ssh2 ${fmt(perSecond(a['bare-none']) / T)} CPU-ms/s. Windows of ${WINDOW_MS / 1000} s after all connected and a 2 s settle; CPU at 10 ms tick resolution (one tick over the window is ${fmt(10 / (WINDOW_MS / 1000))} CPU-ms/s).`,
    '',
  ].join('\n');
}

async function sshdPart() {
  const { TestSshd } = await import('../test/dist/support/sshd.js');
  const sshd = await TestSshd.start();
  const dir = mkdtempSync(join(tmpdir(), 'rds-bench-blackbox-'));
  const res = {};
  let blackbox;
  const sshdCpu = () => totalCpuMs(processTree(sshd.pid), { withChildren: true });
  try {
    const peer = { ports: [sshd.port, sshd.port, sshd.port, sshd.port], username: sshd.user, keyFile: sshd.clientKeyFile, fingerprint: sshd.hostKeyFingerprint };
    const config = (m) =>
      [
        'logLevel: info',
        'logFormat: json',
        'monitor:',
        ...Object.entries(m.monitor).map(([k, v]) => `  ${k}: ${v}`),
        'exporters:',
        '  prometheus: { enabled: true, host: 127.0.0.1, port: 0 }',
        'targets:',
        ...[0, 1, 2, 3].flatMap((i) => [
          `  - name: sshd-${i}`,
          '    transport: rds-ssh',
          '    options:',
          '      host: 127.0.0.1',
          `      port: ${sshd.port}`,
          `      username: ${sshd.user}`,
          `      privateKeyFile: ${JSON.stringify(sshd.clientKeyFile)}`,
          `      hostKeyFingerprints: [${JSON.stringify(sshd.hostKeyFingerprint)}]`,
          ...Object.entries(m.options).map(([k, v]) => `      ${k}: ${v}`),
        ]),
      ].join('\n') + '\n';
    for (const mode of ['command', 'keepalive']) {
      progress(`sshd: agent, ${mode}`);
      const m = MODES[mode];
      const agent = await AgentProcess.start(config(m));
      try {
        await until('agent connected to sshd', async () => ((await agent.states()).connected ?? 0) >= 4 || undefined, { timeoutMs: 30_000, intervalMs: 250 });
        res[`agent-${mode}`] = await measure({ cpu: () => agent.cpuMs(), probes: () => probeCount(agent), serverCpu: sshdCpu, windowMs: SSHD_WINDOW_MS });
      } finally {
        await agent.stop();
      }
      await until('sshd sessions closed', () => sshd.sessionCount() === 0, { timeoutMs: 10_000 });
    }
    progress('sshd: bare ssh2 exec');
    const bare = await BareSshClient.start({ ...peer, mode: 'exec', intervalMs: 1000, deadlineMs: 1000 });
    try {
      await until('bare connected to sshd', async () => (await bare.stats()).connectedNow >= 4 || undefined, { timeoutMs: 30_000, intervalMs: 250 });
      res['bare-exec'] = await measure({ cpu: () => bare.cpuMs(), probes: async () => ({ count: (await bare.stats()).probes, sum: 0 }), serverCpu: sshdCpu, windowMs: SSHD_WINDOW_MS });
    } finally {
      await bare.stop();
    }
    await until('sshd sessions closed', () => sshd.sessionCount() === 0, { timeoutMs: 10_000 });

    progress('sshd: blackbox-exporter ssh_banner');
    const bbConfig = join(dir, 'blackbox.yml');
    writeFileSync(bbConfig, 'modules:\n  ssh_banner:\n    prober: tcp\n    tcp:\n      query_response:\n        - expect: "^SSH-2.0-"\n        - send: "SSH-2.0-blackbox-ssh-check"\n');
    const { freePort } = await import('../test/dist/support/sshd.js');
    const bbPort = await freePort();
    blackbox = spawn('/usr/bin/prometheus-blackbox-exporter', [`--config.file=${bbConfig}`, `--web.listen-address=127.0.0.1:${bbPort}`, '--log.level=warn'], { stdio: 'ignore' });
    const probeUrl = `http://127.0.0.1:${bbPort}/probe?module=ssh_banner&target=127.0.0.1:${sshd.port}`;
    await until('blackbox-exporter up', async () => (await fetch(probeUrl)).ok || undefined, { timeoutMs: 20_000, intervalMs: 200 });
    let checks = 0;
    let ok = 0;
    let durationSum = 0;
    let running = true;
    // 4 checks/s, as Prometheus would schedule 4 probe jobs at 1 s, each awaited.
    const driver = (async () => {
      let next = Date.now();
      while (running) {
        next += 250;
        const body = await (await fetch(probeUrl)).text();
        checks++;
        if (/^probe_success 1$/m.test(body)) ok++;
        durationSum += Number(/^probe_duration_seconds (\S+)$/m.exec(body)?.[1] ?? 0);
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
    res.blackbox = await measure({ cpu: () => cpuMs(blackbox.pid) ?? NaN, probes: async () => ({ count: checks, sum: durationSum }), serverCpu: sshdCpu, windowMs: SSHD_WINDOW_MS });
    running = false;
    await driver;
    res.blackbox.ok = ok;
    res.blackbox.checks = checks;
  } finally {
    if (blackbox && blackbox.exitCode === null) {
      const exited = new Promise((r) => blackbox.once('exit', r));
      process.kill(blackbox.pid, 'SIGTERM');
      await exited;
    }
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const r = res;
  const latency = (x) => (x.probes > 0 && x.latencySum > 0 ? fmt((x.latencySum / x.probes) * 1000) : 'n/a');
  // sshd CPU is counted in 10 ms ticks: below one tick over the window, say so instead of printing 0.
  const serverPer = (x) => (x.probes === 0 ? 'n/a' : x.serverMs === 0 ? `< ${fmt(10 / x.probes)}` : fmt(x.serverMs / x.probes));
  const row = (label, x) => [label, fmt(rate(x)), fmt(rawPerProbe(x)), serverPer(x), latency(x)];
  return [
    `### CPU per check against a real OpenSSH sshd, 4 checks/s, windows of ${SSHD_WINDOW_MS / 1000} s`,
    '',
    'sshd 9.2 on 127.0.0.1 with the e2e RouterOS forced command (a shell script: each exec forks bash). Client CPU is the checking process (agent, bare client, blackbox-exporter); sshd CPU is the listener and all its per-connection processes, reaped children included.',
    '',
    table(
      ['check', 'checks/s', 'client CPU ms per check', 'sshd CPU ms per check', 'mean latency ms'],
      [
        row('agent, command probe `:put 1` (kept connection)', r['agent-command']),
        row('agent, keepalive probe (kept connection)', r['agent-keepalive']),
        row('bare ssh2 client, exec `:put 1` (kept connection, baseline)', r['bare-exec']),
        row('blackbox-exporter ssh_banner (new TCP connection per check, baseline)', r.blackbox),
      ],
    ),
    '',
    `Ratios: agent command probe / bare exec, client CPU ${ratio(rawPerProbe(r['agent-command']), rawPerProbe(r['bare-exec']))}; sshd CPU per check, agent command probe / ssh_banner ${ratio(r['agent-command'].serverMs / r['agent-command'].probes, r.blackbox.serverMs / r.blackbox.probes)}, agent keepalive / ssh_banner ${r['agent-keepalive'].serverMs === 0 ? `< ${ratio(10 / r['agent-keepalive'].probes, r.blackbox.serverMs / r.blackbox.probes)} (below one tick)` : ratio(r['agent-keepalive'].serverMs / r['agent-keepalive'].probes, r.blackbox.serverMs / r.blackbox.probes)}. ` +
      `At 4 checks/s the agent's idle floor (bench above: a few CPU-ms/s) is a large part of its client CPU per check. blackbox probes successful: ${r.blackbox.ok} of ${r.blackbox.checks}.`,
    '',
  ].join('\n');
}

const started = Date.now();
const sections = [header('Probe cost: agent vs bare ssh2, sshd vs blackbox-exporter', [`windows of ${WINDOW_MS / 1000} s (simulators) and ${SSHD_WINDOW_MS / 1000} s (sshd)${QUICK ? '; QUICK run, indicative only' : ''}`])];
sections.push(await simulatorPart());
if (!args['skip-sshd']) sections.push(await sshdPart());
sections.push(`(probe-cost took ${fmt((Date.now() - started) / 1000)} s of real time)`);
process.stdout.write(sections.join('\n') + '\n');
