/**
 * Real peers: a running `rds-agent` (the CLI, a child process) reads three RDS simulators over SSH,
 * and a private Prometheus scrapes it every second with deploy/prometheus/alerts.yml loaded.
 *
 * - rds-faulty: every storage and hardware fault the alerts are about (a RAID6 member failed with
 *   the spare taking over, a RAID1 member failed, a hot drive, a worn drive, a nearly full
 *   filesystem, btrfs errors, a stopped fan, a failed PSU, a flapping link), SMART read with
 *   `/disk smart-info`, host-key checking disabled, and `/system resource` answering garbage;
 * - rds-healthy: a healthy device whose connection is dropped once;
 * - rds-locked: refuses the agent's credentials;
 * - the agent's OTLP endpoint has nothing listening, its last config reload is refused, and the
 *   `rds-agent` job has a second target where nothing listens.
 *
 * Checks: Prometheus evaluates every rule without error; exactly the alerts these faults call for
 * are pending or firing, with the label values the agent exports, and none about the healthy
 * device; every query of deploy/grafana/rds-agent.json (panels and template variables) evaluates,
 * names only catalog metrics (each behind `${prefix}`, each selector narrowed by `$job` and, where
 * the metric has a target label, `$target`) and returns data, and so does each of its selectors;
 * with one target selected no panel shows another's series; the Devices table has the address and
 * RouterOS facts.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { METRIC_CATALOG, type MetricDef } from '@rds-agent/core';
import { rds2216Disks, startRdsSimulator, type RdsSimulator, type SimulatedDisk } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, simTarget, tempDir, writeClientKey, type LogLine } from '../support/agent-cli.js';
import { PrometheusServer, freePort, pollUntil, type ActiveAlert } from '../support/prometheus-server.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ALERTS = join(REPO, 'deploy', 'prometheus', 'alerts.yml');
const DASHBOARD = join(REPO, 'deploy', 'grafana', 'rds-agent.json');

/** Every input each second (drives every 2 s: one smart-info per NVMe drive). */
const INPUTS = `      inputs:
${['system', 'health', 'raid', 'filesystems', 'exports', 'interfaces', 'traffic'].map((n) => `        ${n}: { interval: 1s, timeout: 1s }`).join('\n')}
        drives: { interval: 2s, timeout: 2s }
`;

const SETTINGS = `logLevel: info
logFormat: json
shutdownTimeout: 5s
monitor:
  probeInterval: 2s
  probeTimeout: 2s
  connectTimeout: 2s
  firstAttemptJitter: 0
backoff:
  strategy: exponential
  initialInterval: 100ms
  maxInterval: 500ms
  randomizationFactor: 0
`;

/** The faulty device's inventory: the RAID1 `mirror` 97 % full, nvme4 past 90 % of its endurance. */
function faultyDisks(): SimulatedDisk[] {
  return rds2216Disks().map((d) => {
    if (d.slot === 'mirror') return { ...d, freeBytes: Math.floor(d.sizeBytes * 0.03) };
    if (d.slot === 'nvme4' && d.smart) return { ...d, smart: { ...d.smart, percentageUsed: 95 } };
    return d;
  });
}

/** An alert as `name{label=value,...}` over the labels that say what it is about. */
const ABOUT = ['target', 'slot', 'bit', 'sensor', 'state', 'interface', 'filesystem', 'type', 'input', 'reason', 'exporter', 'instance'];
function keyOf(a: ActiveAlert, instances: ReadonlyMap<string, string>): string {
  const labels = ABOUT.filter((k) => a.labels[k] !== undefined && (k !== 'instance' || a.labels['target'] === undefined));
  return `${a.labels['alertname']}{${labels.map((k) => `${k}=${k === 'instance' ? (instances.get(a.labels[k]!) ?? a.labels[k]) : a.labels[k]}`).join(',')}}`;
}

const F = 'target=rds-faulty';
const EXPECTED = [
  `RdsHostKeyCheckDisabled{${F}}`,
  `RdsRaidRebuilding{${F},slot=storage-pool,state=rebuilding}`,
  `RdsRaidMemberFailed{${F},slot=storage-pool}`,
  `RdsRaidDegraded{${F},slot=mirror,state=degraded}`,
  `RdsDriveCriticalWarning{${F},slot=nvme3,bit=reliability}`,
  `RdsDriveCriticalWarning{${F},slot=nvme13,bit=reliability}`,
  `RdsDriveCriticalWarning{${F},slot=nvme5,bit=temperature}`,
  `RdsDriveSmartFailed{${F},slot=nvme3}`,
  `RdsDriveSmartFailed{${F},slot=nvme13}`,
  `RdsDriveMediaErrors{${F},slot=nvme3}`,
  `RdsDriveMediaErrors{${F},slot=nvme13}`,
  `RdsDriveHot{${F},slot=nvme5}`,
  `RdsDriveWearOut{${F},slot=nvme4}`,
  `RdsFilesystemNearlyFull{${F},slot=mirror,filesystem=mirror,type=xfs}`,
  `RdsBtrfsErrorsRising{${F},filesystem=storage-pool,type=read}`,
  `RdsBtrfsErrorsRising{${F},filesystem=storage-pool,type=write}`,
  `RdsBtrfsErrorsRising{${F},filesystem=storage-pool,type=corruption}`,
  `RdsFanStopped{${F},sensor=fan1-speed}`,
  `RdsPsuFailed{${F},sensor=psu2-state,state=fail}`,
  `RdsInterfaceLinkFlapping{${F},interface=sfp28-1}`,
  `RdsTelemetryFailing{${F},input=system}`,
  'RdsPermanentConnectError{target=rds-locked,reason=auth}',
  'RdsTargetDown{target=rds-locked}',
  'RdsOtlpExportFailing{exporter=otel,instance=agent}',
  'RdsConfigReloadFailed{instance=agent}',
  'RdsAgentDown{instance=nobody}',
].sort();

/** Queries that may come back empty here, and why (anything else must return data). */
const MAY_BE_EMPTY: Record<string, string> = {
  'Deadline extensions': 'the series exists only after the agent extended a deadline for being late itself',
  'Interface errors and drops': 'the simulated interfaces count no new errors or drops, and the query hides zero rates',
};

/** Metrics no series of which exists in this run, and why (every other selector must match series). */
const ABSENT_HERE: Record<string, string> = {
  rds_deadline_extensions_total: 'born when the agent first extends a deadline because it was late itself',
};

/** Each series name the agent can export (a histogram's three), with its catalog entry. */
const CATALOG = new Map<string, MetricDef>(
  METRIC_CATALOG.flatMap((d) => (d.kind === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => [`${d.name}${s}`, d] as const) : [[d.name, d] as const])),
);

interface DashboardTarget {
  expr: string;
  refId: string;
}
interface DashboardPanel {
  title: string;
  type: string;
  targets?: DashboardTarget[];
  /** A collapsed row holds its panels. */
  panels?: DashboardPanel[];
}
interface Dashboard {
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; definition?: string; multi?: boolean; includeAll?: boolean }[] };
}

/** Every panel, including those inside collapsed rows. */
const panelsOf = (d: Dashboard): DashboardPanel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/** The PromQL Grafana sends, with the job set to "All" and the target selector to `target` (a regex). */
const promqlOf = (expr: string, target = '.*'): string =>
  expr.replaceAll('${prefix}', '').replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*').replaceAll('$target', target);

/** The instant vector selectors of a PromQL expression (`name{matchers}`), metric names starting rds_. */
const selectorsOf = (promql: string): { name: string; selector: string }[] =>
  [...promql.matchAll(/\b(rds_\w+)(\{[^}]*\})?/g)].map((m) => ({ name: m[1]!, selector: m[0] }));

describe('the dashboard and alert rules against a running agent reading faulty and healthy simulators', { timeout: 240_000 }, () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const sims: Record<'faulty' | 'healthy' | 'locked', RdsSimulator> = {} as never;
  let agent: AgentProcess;
  let prom: PrometheusServer;
  const instances = new Map<string, string>();

  before(async () => {
    tmp = await tempDir();
    sims.faulty = await startRdsSimulator({ device: { capabilities: { smartInDiskListing: false }, disks: faultyDisks() } });
    sims.healthy = await startRdsSimulator();
    sims.locked = await startRdsSimulator();
    sims.locked.rejectAuth(true);
    const keys = {
      faulty: await writeClientKey(tmp.dir, 'faulty', sims.faulty),
      healthy: await writeClientKey(tmp.dir, 'healthy', sims.healthy),
      locked: await writeClientKey(tmp.dir, 'locked', sims.locked),
    };
    const [otlpPort, nobodyPort] = [await freePort(), await freePort()];
    const file = join(tmp.dir, 'agent.yaml');
    const config = `${SETTINGS}targets:
  - name: rds-faulty
    transport: rds-ssh
    options:
      host: 127.0.0.1
      port: ${sims.faulty.port}
      username: ${sims.faulty.username}
      privateKeyFile: ${JSON.stringify(keys.faulty)}
      insecureSkipHostKeyCheck: true
${INPUTS}${simTarget('rds-healthy', sims.healthy, keys.healthy, INPUTS)}${simTarget('rds-locked', sims.locked, keys.locked)}exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
  otel:
    enabled: true
    endpoint: http://127.0.0.1:${otlpPort}/v1/metrics
    exportInterval: 1s
    exportTimeout: 500ms
`;
    await writeFile(file, config);
    agent = new AgentProcess(['run', '-c', file]);
    const agentHostPort = new URL(await agent.prometheusUrl()).host;
    instances.set(agentHostPort, 'agent').set(`127.0.0.1:${nobodyPort}`, 'nobody');
    const connected = (target: string) => (l: LogLine) => l.target === target && (l.msg === 'connected' || l.msg === 'reconnected');
    await agent.waitForLog(connected('rds-faulty'), { description: 'rds-faulty connected' });
    await agent.waitForLog(connected('rds-healthy'), { description: 'rds-healthy connected' });

    prom = await PrometheusServer.start([{ target: agentHostPort, moreTargets: [`127.0.0.1:${nobodyPort}`] }], '1s', { ruleFiles: [ALERTS] });
    // Faults come after Prometheus has seen the healthy values, so counters rise from what it saw.
    for (const expr of [
      'rds_btrfs_device_errors_total{target="rds-faulty",type="read"}',
      'rds_drive_media_errors_total{target="rds-faulty",slot="nvme13"}',
      'rds_interface_link_downs_total{target="rds-faulty",interface="sfp28-1"}',
      'rds_system_info{target="rds-faulty"}',
      'rds_system_info{target="rds-healthy"}',
    ]) {
      await prom.waitForValue(`count(${expr})`, 1, 60_000);
    }
    const d = sims.faulty.device;
    d.failDrive('nvme3', { rebuildMs: 24 * 3600_000 });
    d.failDrive('nvme13');
    d.heatDrive('nvme5');
    d.stopFan('fan1');
    d.failPsu('psu2');
    d.btrfsErrors();
    d.flapLink('sfp28-1', { periodMs: 1000 });
    d.garbage(/system resource/, 'random', { bytes: 4096 });
    sims.healthy.dropAllConnections();
    await agent.waitForLog((l) => l.target === 'rds-healthy' && l.msg === 'reconnected', { description: 'rds-healthy reconnected' });

    // A reload the agent refuses (invalid file): rds_agent_config_last_reload_successful 0.
    await writeFile(file, config.replace('  probeInterval: 2s', '  probeInterval: soon'));
    const mark = agent.logs.length;
    agent.signal('SIGHUP');
    await agent.waitForLog((l) => l.level === 'error' && /probeInterval/.test(JSON.stringify(l)), { from: mark, description: 'the refused reload' });
  });

  after(async () => {
    await prom?.stop();
    if (agent?.running) {
      agent.signal('SIGTERM');
      await agent.waitForExit();
    }
    for (const sim of Object.values(sims)) await sim.close();
    await tmp?.cleanup();
  });

  it('evaluates every alert rule without error, each with summary, description and a runbook link', async () => {
    const rules = await pollUntil('every rule evaluated', async () => {
      const all = await prom.alertRules();
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });
    assert.equal(rules.length, (await readFile(ALERTS, 'utf8')).match(/^\s+- alert: /gm)!.length, 'Prometheus loaded every rule of alerts.yml');
    for (const r of rules) {
      assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
      for (const name of r.query.match(/\brds_\w+/g) ?? []) assert.ok(CATALOG.has(name), `${r.name}: ${name} is not a catalog metric`);
      assert.match(r.labels['severity'] ?? '', /^(critical|warning|info)$/, r.name);
      assert.ok(r.annotations['summary'] && r.annotations['description'], r.name);
      assert.equal(r.annotations['runbook_url'], `docs/runbooks.md#${r.name.toLowerCase()}`);
    }
  });

  it('has exactly the alerts the faults call for pending or firing, none about the healthy device', async () => {
    let last: string[] = [];
    try {
      await pollUntil(
        'the expected alerts',
        async () => {
          last = [...new Set((await prom.alerts()).map((a) => keyOf(a, instances)))].sort();
          return EXPECTED.every((k) => last.includes(k)) ? true : undefined;
        },
        90_000,
        500,
      );
    } catch (err) {
      assert.fail(`${(err as Error).message}\nmissing: ${EXPECTED.filter((k) => !last.includes(k)).join('\n  ')}\nactive: ${last.join('\n  ')}`);
    }
    // A few more evaluations: nothing else joins them.
    await prom.waitForValue('count(up{job="rds-agent"})', 2);
    const mark = Date.now();
    await pollUntil('two more evaluations of every rule', async () => ((await prom.alertRules()).every((r) => Date.parse(r.lastEvaluation) > mark + 2000) ? true : undefined), 15_000);
    const alerts = await prom.alerts();
    assert.deepEqual([...new Set(alerts.map((a) => keyOf(a, instances)))].sort(), EXPECTED);
    assert.deepEqual(alerts.filter((a) => a.labels['target'] === 'rds-healthy'), []);
    // Annotations are rendered from the live data.
    const degraded = alerts.find((a) => a.labels['alertname'] === 'RdsRaidDegraded')!;
    assert.match(degraded.annotations['description']!, /^Array mirror on rds-faulty is degraded and not rebuilding \(1 of 2 members in sync\)/);
    const rebuilding = alerts.find((a) => a.labels['alertname'] === 'RdsRaidRebuilding')!;
    assert.match(rebuilding.annotations['description']!, /\(0% done\)/);
    const hot = alerts.find((a) => a.labels['alertname'] === 'RdsDriveHot')!;
    assert.equal(hot.annotations['summary'], 'Drive nvme5 on RDS rds-faulty is hot (78 C)');
    const reload = alerts.find((a) => a.labels['alertname'] === 'RdsConfigReloadFailed')!;
    assert.match(reload.annotations['description']!, /\(last successful load \d+(\.\d+)?s ago\)/);
  });

  it('names only catalog metrics in the dashboard, every selector narrowed by the job and target selectors', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    for (const row of ['Connections', 'Reconnects', 'Probes', 'Arrays', 'Drives', 'Filesystems', 'Exports', 'Sensors', 'Interfaces', 'Agent']) assert.ok(rows.includes(row), `row ${row}`);
    const exprs = [
      ...panelsOf(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${p.title} ${t.refId}`, expr: t.expr }))),
      ...dashboard.templating.list.filter((v) => v.definition).map((v) => ({ where: `variable ${v.name}`, expr: v.definition! })),
    ];
    for (const { where, expr } of exprs) {
      // A deployment with the exporter's `prefix` set sees every rds_ name prefixed.
      assert.deepEqual(expr.match(/(?<!\$\{prefix\})\brds_\w+/g) ?? [], [], `${where}: a metric without \${prefix}`);
      for (const { name, selector } of selectorsOf(expr.replaceAll('${prefix}', ''))) {
        const def = CATALOG.get(name);
        assert.ok(def, `${where}: ${name} is not a catalog metric`);
        if (where === 'variable job') continue; // the job selector itself
        assert.ok(selector.includes('job=~"$job"'), `${where}: ${selector} ignores the job selector`);
        if (def.labels.includes('target') && where !== 'variable target') assert.ok(selector.includes('target=~"$target"'), `${where}: ${selector} ignores the target selector`);
      }
    }
    const shown = JSON.stringify(dashboard.panels);
    assert.deepEqual(METRIC_CATALOG.filter((d) => !shown.includes(d.name)).map((d) => d.name), [], 'catalog metrics no panel shows');
  });

  it('evaluates every query of the Grafana dashboard with data from the agent', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    let queries = 0;
    const empty: string[] = [];
    const unmatched = new Set<string>();
    for (const panel of panelsOf(dashboard)) {
      for (const { expr, refId } of panel.targets ?? []) {
        const promql = promqlOf(expr);
        const result = await prom.query(promql); // throws on a PromQL error
        if (result.length === 0 && !(panel.title in MAY_BE_EMPTY)) empty.push(`${panel.title} ${refId}: ${promql}`);
        // Each selector matches series on its own, so a wrong label value hidden by `or`, `unless` or an empty-allowed query shows.
        for (const { name, selector } of selectorsOf(promql)) {
          if (!(name in ABSENT_HERE) && (await prom.query(selector)).length === 0) unmatched.add(`${panel.title} ${refId}: ${selector}`);
        }
        queries++;
      }
    }
    assert.deepEqual(empty, [], 'queries without data');
    assert.deepEqual([...unmatched], [], 'selectors that match no series');
    assert.ok(queries >= 80, `${queries} queries`);

    // With one target selected, no panel shows another target's series.
    let narrowed = 0;
    for (const panel of panelsOf(dashboard)) {
      for (const { expr, refId } of panel.targets ?? []) {
        if (!expr.includes('$target')) continue;
        const targets = new Set((await prom.query(promqlOf(expr, 'rds-healthy'))).map((s) => s.metric['target']).filter((t) => t !== undefined));
        assert.ok(targets.size === 0 || (targets.size === 1 && targets.has('rds-healthy')), `${panel.title} ${refId} with target rds-healthy shows ${[...targets].join(', ')}`);
        if (targets.size === 1) narrowed++;
      }
    }
    assert.ok(narrowed >= 40, `${narrowed} queries showed rds-healthy's series`);

    // Template variables: label_values(<selector>, <label>) has values; target is a multi-select from rds_target_info.
    for (const v of dashboard.templating.list.filter((t) => t.type === 'query')) {
      const m = /^label_values\((.+), (\w+)\)$/.exec(v.definition ?? '');
      assert.ok(m, `${v.name}: ${v.definition}`);
      const values = await prom.query(`count by (${m[2]}) (${promqlOf(m[1]!)})`);
      assert.ok(values.length > 0, `${v.name} has no values`);
      if (v.name === 'target') {
        assert.match(v.definition!, /rds_target_info/);
        assert.equal(v.multi, true);
        assert.deepEqual(values.map((s) => s.metric['target']).sort(), ['rds-faulty', 'rds-healthy', 'rds-locked']);
      }
    }

    // The Devices table: address from rds_target_info, RouterOS version and board from rds_system_info.
    const devices = panelsOf(dashboard).find((p) => p.title === 'Devices')!;
    const organize = (devices as DashboardPanel & { transformations: { id: string; options: { excludeByName: Record<string, boolean>; renameByName: Record<string, string> } }[] }).transformations.find((t) => t.id === 'organize')!.options;
    for (const [label, column] of [['target', 'Target'], ['address', 'Address'], ['version', 'RouterOS'], ['board', 'Board']]) {
      assert.equal(organize.renameByName[label], column);
      assert.ok(!organize.excludeByName[label], `the Devices table hides ${label}`);
    }
    const [address, system] = await Promise.all(devices.targets!.map((t) => prom.query(promqlOf(t.expr))));
    const faulty = address!.find((s) => s.metric['target'] === 'rds-faulty')!;
    assert.equal(faulty.metric['address'], `127.0.0.1:${sims.faulty.port}`);
    assert.equal(faulty.metric['host_key_verification'], 'disabled');
    const facts = system!.find((s) => s.metric['target'] === 'rds-healthy')!;
    assert.equal(facts.metric['version'], '7.24.1 (stable)');
    assert.equal(facts.metric['board'], 'RDS2216-2XG-4S+4XS-2XQ');
  });
});
