import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { StatusStore } from '@rds-agent/core/testing';
import { clockTime, humanDuration, renderStatusTable, rowFromJson, rowFromStatus, type StatusJsonTarget } from './status-rows.js';

/**
 * A `/status` document served by the exporter at 10:00:00Z: rds-backup down since 09:47:30 after 28
 * failed attempts, rds-dr-site given up on (auth), rds-primary up since 09:20:22 after a blip.
 */
const RECORDED = join(fileURLToPath(new URL('.', import.meta.url)), '../../src/output/testdata/status-document.json');
const recorded = JSON.parse(readFileSync(RECORDED, 'utf8')) as { generatedAt: string; targets: StatusJsonTarget[] };
const NOW = Date.parse(recorded.generatedAt);

/** The cells of each line of a rendered table, split on the two-space column gaps. */
const cells = (table: string): string[][] =>
  table
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/ {2,}/));

describe('status table', () => {
  it('reads a recorded /status document: down/up since, attempts, last attempt, next try, address', () => {
    const [header, ...rows] = cells(renderStatusTable(recorded.targets.map(rowFromJson), NOW));
    assert.deepEqual(header, ['TARGET', 'TRANSPORT', 'STATE', 'DOWN/UP SINCE', 'ATTEMPTS', 'LAST ATTEMPT', 'NEXT TRY', 'LATENCY', 'ADDRESS', 'LAST ERROR']);
    assert.deepEqual(rows, [
      ['rds-backup', 'rds-ssh', 'disconnected (refused)', 'down 09:47:30Z (12m30s)', '28', 'failed 28s ago', 'in 2s', '-', '10.20.0.12:2222', 'refused: connect ECONNREFUSED 10.20.0.12:2222'],
      ['rds-dr-site', 'rds-ssh', 'failed (gave-up)', 'down 09:00:00Z (1h00m)', '1', 'failed 1h00m ago', 'gave up', '-', 'rds-dr.example.net:22', 'auth: All configured authentication methods failed'],
      ['rds-primary', 'rds-ssh', 'connected', 'up 09:20:22Z (39m38s)', '0', 'ok 39m38s ago', '-', '2.4 ms', '10.20.0.11:22', 'timeout: probe timed out after 5000 ms'],
    ]);
  });

  it('keeps "down since" where the outage began while attempts fail (the old FOR column restarted at each)', () => {
    const backup = recorded.targets.find((t) => t.target === 'rds-backup')!;
    assert.notEqual(backup.since, backup.downSince, 'the recording has attempts after the loss');
    const row = rowFromJson(backup);
    const at = (now: number) => cells(renderStatusTable([row], now))[1]![3];
    assert.equal(at(Date.parse(backup.since!) + 1000), 'down 09:47:30Z (12m03s)', 'one second after the last attempt, the outage is 12 minutes old');
    assert.equal(at(NOW), 'down 09:47:30Z (12m30s)');
  });

  it('says an attempt is in flight, and "now" when one is due', () => {
    const backup = recorded.targets.find((t) => t.target === 'rds-backup')!;
    const inFlight = rowFromJson({ ...backup, state: 'connecting', reason: 'retry', nextAttemptAt: null });
    assert.equal(cells(renderStatusTable([inFlight], NOW))[1]![6], 'in flight');
    assert.equal(cells(renderStatusTable([rowFromJson(backup)], NOW + 10_000))[1]![6], 'now', 'overdue, never "in 0s" or a time past');
    assert.equal(cells(renderStatusTable([rowFromJson({ ...backup, lastProbeLatencyMs: 4.5 })], NOW))[1]![7], '-', 'no latency shown for a target that is down');
  });

  it('reads an older agent that has no downSince as "since" its last change', () => {
    const { downSince: _d, connectedSince: _c, lastAttempt: _l, address: _a, ...old } = recorded.targets[0]!;
    const line = cells(renderStatusTable([rowFromJson(old)], NOW))[1]!;
    assert.deepEqual(line.slice(3, 9), ['since 09:59:31Z (28s)', '28', '-', 'in 2s', '-', '-']);
  });

  it('renders the demo rows from an in-process status store the same way', () => {
    const store = new StatusStore();
    store.apply({ type: 'target-info', target: 'rds-a', at: NOW - 5000, transport: 'rds-ssh', labels: { host: '2001:db8::7', port: '22' } });
    store.apply({ type: 'state-changed', target: 'rds-a', at: NOW - 5000, from: 'idle', to: 'connecting', reason: 'started' });
    store.apply({ type: 'attempt', target: 'rds-a', at: NOW - 4000, attempt: 1, outcome: 'success', durationMs: 1000 });
    store.apply({ type: 'state-changed', target: 'rds-a', at: NOW - 4000, from: 'connecting', to: 'connected', reason: 'connected' });
    const line = cells(renderStatusTable(store.list().map(rowFromStatus), NOW))[1]!;
    assert.deepEqual(line, ['rds-a', 'rds-ssh', 'connected', 'up 09:59:56Z (4s)', '0', 'ok 4s ago', '-', '-', '[2001:db8::7]:22', '-']);
  });

  it('formats durations and times for humans', () => {
    assert.equal(humanDuration(4_400), '4s');
    assert.equal(humanDuration(192_000), '3m12s');
    assert.equal(humanDuration(7_500_000), '2h05m');
    assert.equal(humanDuration(-5), '0s');
    assert.equal(clockTime(Date.parse('2026-11-26T09:47:30.400Z'), NOW), '09:47:30Z');
    assert.equal(clockTime(Date.parse('2026-11-25T23:59:30Z'), NOW), '2026-11-25 23:59Z');
  });

  it('says so when there are no targets', () => {
    assert.equal(renderStatusTable([], NOW), '(no targets)\n');
  });
});
