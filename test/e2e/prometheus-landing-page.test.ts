/**
 * Real peer: headless Chromium reads the landing page of a running agent (the core Agent with the
 * prometheus exporter plugin serving on 127.0.0.1) through an hour of its life on a FakeClock:
 * rds-primary up with one blip, rds-backup down for its last twelve minutes (refused, attempt after
 * attempt), rds-dr-site refused its credentials from the start. The transports are FakeTransports
 * that describe `host` and `port` and report system info, as the SSH transport does.
 *
 * Checks: "down since" stays at the outage's start while "last attempt" moves; the page has no
 * script and reloads itself; address, RouterOS version and board, error code and the hour's
 * timeline are shown; hostile names are text. Screenshots go to a temp dir, or to
 * docs/screenshots/ with RDS_AGENT_UPDATE_SCREENSHOTS=1 (landing-page.png is the README's).
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, TransportError, type Clock } from '@rds-agent/core';
import { Agent, ComponentRegistry, corePlugin, createLogger, validateAgentConfig } from '@rds-agent/core/host';
import { FakeClock, FakeTransport, FixedRandom } from '@rds-agent/core/testing';
import prometheusPlugin from '@rds-agent/exporter-prometheus';
import type { Page } from 'playwright-core';
import { launchChromium, type ChromiumSession } from '../support/chromium.js';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The agent starts at 09:00:00 UTC. */
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const MIN = 60_000;

const DEVICES = {
  'rds-primary': { host: '10.20.0.11', port: 22, version: '7.16.2 (stable)', board: 'RDS2216' },
  'rds-backup': { host: '10.20.0.12', port: 2222, version: '7.16.2 (stable)', board: 'RDS2216' },
  'rds-dr-site': { host: 'rds-dr.example.net', port: 22, version: '', board: '' },
} as const;
type Name = keyof typeof DEVICES;

interface RunningAgent {
  readonly agent: Agent;
  readonly clock: FakeClock;
  readonly transports: ReadonlyMap<Name, FakeTransport>;
  readonly url: string;
}

/** An Agent with the prometheus exporter on 127.0.0.1:0 and a `fake` transport per device. */
async function startAgent(): Promise<RunningAgent> {
  const clock = new FakeClock(T0);
  const transports = new Map<Name, FakeTransport>();
  for (const [name, d] of Object.entries(DEVICES) as [Name, (typeof DEVICES)[Name]][]) {
    const t = new FakeTransport({ labels: { host: d.host, port: String(d.port), probe_mode: 'command' }, clock, connectLatencyMs: 40, probeLatencyMs: 2, probeMode: 'command' });
    if (d.version) t.setTelemetry([{ metric: 'systemInfo', value: 1, labels: { version: d.version, board: d.board, architecture: 'arm64' } }]);
    transports.set(name, t);
  }
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger('info', {}, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const registry = new ComponentRegistry();
  await corePlugin.register(registry.hostFor(corePlugin.name, logger), {});
  await prometheusPlugin.register(registry.hostFor(prometheusPlugin.name, logger), {});
  registry.hostFor('e2e', logger).addTransport('fake', {
    schema: { device: { doc: 'which FakeTransport', format: String, default: '' } },
    infoLabels: ['host', 'port', 'probe_mode'],
    create: (cfg: Record<string, unknown>) => transports.get(cfg['device'] as Name)!,
  });
  const config = validateAgentConfig(
    {
      monitor: { firstAttemptJitter: 0, probeInterval: '10s', telemetryInterval: '60s' },
      backoff: { strategy: 'exponential', initialInterval: '1s', multiplier: 2, maxInterval: '30s', randomizationFactor: 0 },
      targets: Object.keys(DEVICES).map((name) => ({ name, transport: 'fake', options: { device: name } })),
      exporters: { prometheus: { host: '127.0.0.1', port: 0 } },
    },
    registry,
    { env: {} },
  );
  const agent = new Agent({ config, registry, logger, version: '0.2.0', clock, random: new FixedRandom(0.5) });
  await agent.start();
  const listening = logLines.find((l) => l['msg'] === 'prometheus exporter listening');
  assert.ok(listening, 'the exporter logged its address');
  const url = String(listening['url']).replace(/\/metrics$/, '');
  return { agent, clock, transports, url };
}

/** What the page says about one target's outage. */
async function outageFacts(page: Page, target: string): Promise<{ label: string; since: string; lastAttempt: string; lastAttemptText: string; attempts: number }> {
  const row = page.locator(`tr.target[data-target="${target}"]`);
  return {
    label: (await row.locator('td.since .label').textContent()) ?? '',
    since: (await row.locator('td.since time').getAttribute('datetime')) ?? '',
    lastAttempt: (await row.locator('td.last-attempt time').getAttribute('datetime')) ?? '',
    lastAttemptText: (await row.locator('td.last-attempt').innerText()).replace(/\s+/g, ' '),
    attempts: Number(await row.locator('td.attempts').textContent()),
  };
}

async function screenshot(page: Page, file: string): Promise<void> {
  const dir = process.env['RDS_AGENT_UPDATE_SCREENSHOTS'] === '1' ? join(REPO, 'docs', 'screenshots') : await mkdtemp(join(tmpdir(), 'rds-shot-'));
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, file), fullPage: true });
  assert.ok((await stat(join(dir, file))).size > 5_000, 'screenshot written');
  if (!dir.startsWith(join(REPO, 'docs'))) await rm(dir, { recursive: true, force: true });
}

describe('landing page of a running agent in headless Chromium', { timeout: 180_000 }, () => {
  let run: RunningAgent;
  let browser: ChromiumSession;

  before(async () => {
    run = await startAgent();
    const { clock, transports } = run;
    const dr = transports.get('rds-dr-site')!;
    dr.failAllConnects(new TransportError(ErrorCode.AUTH, 'All configured authentication methods failed', { retryable: false }));
    // 09:20:13: rds-primary drops; two attempts fail, the third (3 s later) connects.
    await clock.tickToAsync(T0 + 20 * MIN + 13_000);
    const primary = transports.get('rds-primary')!;
    primary.failNextConnects(2, new TransportError(ErrorCode.REFUSED, 'connect ECONNREFUSED 10.20.0.11:22', { retryable: true }));
    primary.reportLoss(new TransportError(ErrorCode.NETWORK, 'read ECONNRESET', { retryable: true }));
    // 09:47:30: rds-backup goes away and refuses every attempt from then on.
    await clock.tickToAsync(T0 + 47 * MIN + 30_000);
    const backup = transports.get('rds-backup')!;
    backup.failAllConnects(new TransportError(ErrorCode.REFUSED, 'connect ECONNREFUSED 10.20.0.12:2222', { retryable: true }));
    backup.reportLoss(new TransportError(ErrorCode.NETWORK, 'read ECONNRESET', { retryable: true }));
    await clock.tickToAsync(T0 + 60 * MIN);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await run?.agent.stop();
  });

  it('keeps "down since" at the start of the outage while "last attempt" moves', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${run.url}/`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'rds-agent');
    const first = await outageFacts(page, 'rds-backup');
    assert.equal(first.label, 'down since');
    assert.equal(first.since, '2026-11-26T09:47:30.000Z', 'the instant the loss was noticed');
    assert.match(first.lastAttemptText, /^\d+s ago failed$/);
    assert.ok(first.attempts >= 20, `attempts: ${first.attempts}`);

    await run.clock.tickAsync(75_000);
    await page.reload();
    const later = await outageFacts(page, 'rds-backup');
    assert.equal(later.since, first.since, 'failed attempts do not move "down since"');
    assert.ok(Date.parse(later.lastAttempt) > Date.parse(first.lastAttempt), `last attempt moved: ${first.lastAttempt} -> ${later.lastAttempt}`);
    assert.ok(later.attempts > first.attempts, `attempts grew: ${first.attempts} -> ${later.attempts}`);
    const backup = page.locator('tr.target[data-target="rds-backup"]');
    assert.match(await backup.locator('td.since').innerText(), /down since\s+09:47:30\s+for 13m 45s/);
    assert.match(await backup.locator('td.next-attempt').innerText(), /^in \d+s$/);
    assert.equal(await backup.locator('td.target small.address').textContent(), '10.20.0.12:2222');
    assert.match(await backup.locator('td.error').innerText(), /^RDS_AGENT_ERR_REFUSED\s+refused: connect ECONNREFUSED 10\.20\.0\.12:2222/);

    // The same instants in /status, and the address on rds_target_info.
    const doc = (await (await fetch(`${run.url}/status`)).json()) as { targets: { target: string; downSince: string; lastAttempt: { at: string } }[] };
    const json = doc.targets.find((t) => t.target === 'rds-backup')!;
    assert.equal(json.downSince, later.since);
    assert.equal(json.lastAttempt.at, later.lastAttempt);
    const metrics = await (await fetch(`${run.url}/metrics`)).text();
    assert.match(metrics, /^rds_target_info\{target="rds-backup",transport="fake",host="10\.20\.0\.12",port="2222",probe_mode="command"\} 1$/m);
    await page.close();
  });

  it('shows the healthy target up since its blip, with address, RouterOS version and board, and its hour', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${run.url}/`);
    const primary = page.locator('tr.target[data-target="rds-primary"]');
    assert.equal(await primary.locator('td.state').innerText(), 'connected');
    assert.equal(await primary.locator('td.since .label').textContent(), 'up since');
    assert.equal(await primary.locator('td.target small.address').textContent(), '10.20.0.11:22');
    assert.equal(await primary.locator('td.target small.device').textContent(), 'RouterOS 7.16.2 (stable) · RDS2216');
    assert.match(await primary.locator('td.last-attempt').innerText(), /ago\s+connected$/);

    const blocks = (target: string) => page.locator(`tr.history[data-target="${target}"] svg.timeline rect`).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-state')));
    const primaryHour = await blocks('rds-primary');
    assert.equal(primaryHour.length, 60);
    assert.deepEqual([...new Set(primaryHour)].sort(), ['connected', 'disconnected'], 'up, with one blip');
    assert.equal(primaryHour.filter((s) => s === 'disconnected').length, 1);
    const backupHour = await blocks('rds-backup');
    assert.equal(backupHour.length, 60);
    assert.deepEqual(backupHour.slice(-13), Array(13).fill('disconnected'), 'the outage fills its last 13 minutes');
    assert.equal(backupHour[0], 'connected');
    assert.deepEqual([...new Set(await blocks('rds-dr-site'))], ['disconnected'], 'never connected');
    const title = await page.locator('tr.history[data-target="rds-primary"] svg.timeline rect[data-state="disconnected"] title').textContent();
    assert.match(title ?? '', /^09:20–09:21 UTC: connected 57s, disconnected 3s/);
    assert.match(await page.locator('tr.history[data-target="rds-backup"] .summary').innerText(), /disconnected 13m 45s/);
    assert.match((await page.locator('tr.history[data-target="rds-backup"] svg.timeline').getAttribute('aria-label')) ?? '', /^rds-backup, last hour: connected \d+m \d+s \(\d+%\), disconnected/);

    const dr = page.locator('tr.target[data-target="rds-dr-site"]');
    assert.match(await dr.locator('td.error').innerText(), /^RDS_AGENT_ERR_AUTH\s+auth: All configured authentication methods failed/);
    assert.equal(await dr.locator('td.target small.device').count(), 0, 'nothing known about a device never reached');
    await screenshot(page, 'landing-page.png');
    await page.close();
  });

  it('has no script, a strict CSP, and reloads itself', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`${run.url}/`);
    assert.match(res?.headers()['content-security-policy'] ?? '', /^default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
    assert.equal(await page.locator('script').count(), 0);
    assert.equal(await page.locator('meta[http-equiv="refresh"]').getAttribute('content'), '10');
    const started = Date.now();
    const navigated = page.waitForEvent('framenavigated', { timeout: 20_000 });
    const reload = await page.waitForRequest((r) => r.url() === `${run.url}/` && r.isNavigationRequest(), { timeout: 20_000 });
    assert.ok(reload, 'the browser asked for the page again by itself');
    const waited = Date.now() - started;
    assert.ok(waited > 5_000, `not before its interval (${waited} ms)`);
    // The reloaded document, once committed and loaded (the old one's load state does not count).
    await navigated;
    await page.waitForLoadState('load');
    assert.equal(await page.locator('tr.target').count(), 3);
    await page.close();
  });

  it('describes the present while an attempt is in flight: no past next attempt, no stale wait', async () => {
    const series = (text: string, name: string): number => Number(new RegExp(`^${name}\\{target="rds-backup"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const before = (await (await fetch(`${run.url}/status`)).json()) as { targets: { target: string; nextAttemptAt: string }[] };
    const due = Date.parse(before.targets.find((t) => t.target === 'rds-backup')!.nextAttemptAt);
    assert.ok(series(await (await fetch(`${run.url}/metrics`)).text(), 'rds_backoff_delay_seconds') > 0, 'waiting: the gauge is the wait');
    // The next attempt hangs, as a connect to a host that drops packets does (until the 10 s
    // connect timeout): 5 s into it, the attempt is in flight.
    run.transports.get('rds-backup')!.hangNextConnect();
    await run.clock.tickToAsync(due + 5000);
    const page = await browser.context.newPage();
    await page.goto(`${run.url}/`);
    const backup = page.locator('tr.target[data-target="rds-backup"]');
    assert.equal(await backup.locator('td.state span').textContent(), 'connecting');
    assert.match(await backup.locator('td.next-attempt').innerText(), /^in flight/);
    assert.equal(await backup.locator('td.since time').getAttribute('datetime'), '2026-11-26T09:47:30.000Z');
    const doc = (await (await fetch(`${run.url}/status`)).json()) as { targets: { target: string; state: string; nextAttemptAt: string | null }[] };
    const json = doc.targets.find((t) => t.target === 'rds-backup')!;
    assert.equal(json.state, 'connecting');
    assert.equal(json.nextAttemptAt, null, 'no time already past');
    assert.equal(series(await (await fetch(`${run.url}/metrics`)).text(), 'rds_backoff_delay_seconds'), 0, 'no wait while an attempt runs');
    await run.clock.tickAsync(5100);
    assert.equal(series(await (await fetch(`${run.url}/metrics`)).text(), 'rds_backoff_delay_seconds'), 30, 'the attempt timed out: the next wait');
    await page.reload();
    assert.match(await backup.locator('td.error').innerText(), /^RDS_AGENT_ERR_TIMEOUT\s/);
    assert.match(await backup.locator('td.next-attempt').innerText(), /^in 30s$/);
    await page.close();
  });
});

describe('landing page with hostile names in headless Chromium', { timeout: 120_000 }, () => {
  let fx: ExporterFixture;
  let browser: ChromiumSession;
  const clock: Clock = { now: () => T0, sleep: () => Promise.resolve() };
  const hostile = 'lab<img src=x onerror="document.title=\'pwned\'">&co';

  before(async () => {
    fx = await startExporter({}, clock);
    fx.target.connect(hostile);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await fx?.stop();
  });

  it('shows them as text', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${fx.url}/`);
    const names = await page.locator('#targets td.target .name').allTextContents();
    assert.ok(names.includes(hostile), JSON.stringify(names));
    assert.equal(await page.locator('#targets img').count(), 0, 'markup in a name is not parsed');
    assert.equal(await page.title(), 'rds-agent');
    const label = await page.locator('tr.history svg.timeline').getAttribute('aria-label');
    assert.ok(label?.startsWith(`${hostile}, last hour: `), String(label));
    await page.close();
  });
});
