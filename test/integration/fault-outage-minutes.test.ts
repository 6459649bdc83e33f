/**
 * A server down for half an hour, on the FakeClock: the real Agent (config pipeline, monitor,
 * MetricsHub, status store) with the default monitor and backoff settings (jitter off, so every
 * attempt instant is exact) and the real Prometheus exporter on 127.0.0.1, its `/status` and
 * `/metrics` read over HTTP; a FakeTransport stands for the target, refusing every connect while
 * the server is down. What a 30-minute outage would take in real time takes well under a second.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { Agent, DEFAULT_EXPONENTIAL_PARAMS, createLogger, prepareConfig } from '@rds-agent/core/host';
import { FakeClock, FixedRandom, fakeTransportPlugin, parseJsonLogLine, type FakeTransport } from '@rds-agent/core/testing';
import prometheusPlugin from '@rds-agent/exporter-prometheus';
import { tempDir } from '../support/agent-cli.js';
import { parseExposition, scrape, seriesValue, targetStatus } from '../support/fault-agent.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const DOWN_AT = 10_000;
const OUTAGE_MS = 30 * 60_000;

/** Attempt instants of the default exponential strategy (1 s x2 up to 16 s, jitter off), from the loss on. */
function expectedAttempts(lostAt: number, until: number): number[] {
  const out: number[] = [];
  let at = lostAt; // the first attempt follows the loss at once (firstAttemptJitter 0)
  let wait = DEFAULT_EXPONENTIAL_PARAMS.initialInterval;
  while (at <= until) {
    out.push(at);
    at += wait;
    wait = Math.min(wait * DEFAULT_EXPONENTIAL_PARAMS.multiplier, DEFAULT_EXPONENTIAL_PARAMS.maxInterval);
  }
  return out;
}

describe('a server down for 30 minutes (FakeClock, real agent and Prometheus exporter)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let agent: Agent;
  let clock: FakeClock;
  let transport: FakeTransport;
  let url: string;
  const badLines: string[] = [];

  before(async () => {
    tmp = await tempDir('rds-outage-');
    const file = join(tmp.dir, 'outage.yaml');
    await writeFile(
      file,
      `monitor:
  firstAttemptJitter: 0
  telemetryInterval: 0
backoff:
  strategy: exponential
  randomizationFactor: 0
targets:
  - name: rds
    transport: fake
    options: {}
exporters:
  prometheus:
    enabled: true
    port: 0
    defaultMetrics: false
`,
    );
    const fake = fakeTransportPlugin({ labels: { host_key_verification: 'pinned', probe_mode: 'command' }, probeMode: 'command' });
    const lines: Record<string, unknown>[] = [];
    // Every line is held to the rule the CLI's are (a key once); a bad one fails the suite in after().
    const logger = createLogger('info', {}, {
      write: (line: string) => {
        try {
          lines.push(parseJsonLogLine(line.trimEnd()));
        } catch (err) {
          badLines.push(String(err));
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
      },
    });
    const prepared = await prepareConfig({ file, builtins: [fake, prometheusPlugin], logger, env: {} });
    clock = new FakeClock(T0);
    agent = new Agent({ config: prepared.config, registry: prepared.registry, logger, version: '0.0.0-test', clock, random: new FixedRandom(0.5) });
    await agent.start();
    url = new URL(String(lines.find((l) => l['msg'] === 'prometheus exporter listening')!['url'])).origin;
    transport = fake.created[0]!;
  });
  after(async () => {
    await agent?.stop();
    await tmp?.cleanup();
    assert.deepEqual(badLines, [], 'log lines with a key twice');
  });

  it('is connected before the outage', async () => {
    await clock.tickAsync(DOWN_AT);
    assert.equal((await targetStatus(url, 'rds'))?.state, 'connected');
    assert.equal(seriesValue(await scrape(url), 'rds_connection_state', { target: 'rds' }), 1);
  });

  it('during the outage: disconnected (refused) minute after minute, attempts exactly on the strategy, no new series', async () => {
    transport.failAllConnects(new TransportError(ErrorCode.REFUSED, 'connect ECONNREFUSED 10.0.0.10:22'));
    transport.reportLoss();
    const lostAt = clock.now();
    let seriesAtFirstMinute: number | undefined;
    for (let minute = 1; minute <= OUTAGE_MS / 60_000; minute++) {
      await clock.tickToAsync(lostAt + minute * 60_000);
      const now = clock.now();
      const status = (await targetStatus(url, 'rds'))!;
      const attempts = expectedAttempts(lostAt, now);
      assert.notEqual(status.state, 'connected', `minute ${minute}`);
      assert.equal(status.reason, 'refused', `minute ${minute}`);
      assert.equal(status.attempts, attempts.length, `minute ${minute}: failed attempts in this outage`);
      assert.equal(status.lastError?.code, ErrorCode.REFUSED);
      const text = await scrape(url);
      assert.equal(seriesValue(text, 'rds_connection_state', { target: 'rds' }), 0);
      assert.equal(seriesValue(text, 'rds_connect_errors_total', { target: 'rds', reason: 'refused' }), attempts.length, `minute ${minute}`);
      assert.equal(seriesValue(text, 'rds_reconnect_total', { target: 'rds', status: 'failure' }), attempts.length);
      assert.equal(seriesValue(text, 'rds_disconnects_total', { target: 'rds', reason: 'network' }), 1);
      // The wait after the n-th failure: 1 s x 2^(n-1), capped at 16 s.
      const wait = Math.min(DEFAULT_EXPONENTIAL_PARAMS.initialInterval * 2 ** (attempts.length - 1), DEFAULT_EXPONENTIAL_PARAMS.maxInterval);
      assert.equal(seriesValue(text, 'rds_backoff_delay_seconds', { target: 'rds' }), wait / 1000, `minute ${minute}: the backoff gauge`);
      assert.ok(attempts.at(-1)! + wait > now, 'an attempt is always ahead');
      // A long outage adds no series (per-attempt labels would): the page keeps its shape.
      const series = parseExposition(text).length;
      seriesAtFirstMinute ??= series;
      assert.equal(series, seriesAtFirstMinute, `minute ${minute}: series on /metrics`);
    }
    // 5 attempts in the first 15 s, then one every 16 s: 116 attempts in 30 minutes.
    assert.equal(transport.connectCalls - 1, expectedAttempts(lostAt, lostAt + OUTAGE_MS).length);
    assert.equal(expectedAttempts(lostAt, lostAt + OUTAGE_MS).length, 116);
  });

  it('recovers at the first attempt after the server is back, and the outage is measured', async () => {
    const downSince = T0 + DOWN_AT;
    transport.clearFailures();
    const backAt = clock.now();
    await clock.tickAsync(DEFAULT_EXPONENTIAL_PARAMS.maxInterval);
    const status = (await targetStatus(url, 'rds'))!;
    assert.equal(status.state, 'connected');
    assert.equal(status.attempts, 0);
    const text = await scrape(url);
    assert.equal(seriesValue(text, 'rds_connection_state', { target: 'rds' }), 1);
    assert.equal(seriesValue(text, 'rds_reconnect_total', { target: 'rds', status: 'success' }), 2);
    assert.equal(seriesValue(text, 'rds_reconnect_duration_seconds_count', { target: 'rds' }), 2);
    // The recovery's share of the duration sum: detection to the first good attempt after the return.
    const attempts = expectedAttempts(downSince, backAt + DEFAULT_EXPONENTIAL_PARAMS.maxInterval);
    const reconnectedAt = attempts.find((at) => at >= backAt)!;
    const sum = seriesValue(text, 'rds_reconnect_duration_seconds_sum', { target: 'rds' })!;
    assert.equal(sum, (reconnectedAt - downSince) / 1000, 'the first connect took no time; the outage did');
    assert.equal(seriesValue(text, 'rds_backoff_delay_seconds', { target: 'rds' }), 0);
  });
});
