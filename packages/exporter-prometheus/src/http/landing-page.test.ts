import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusReader, TargetStatus } from '@rds-agent/core';
import { StatusStore, type MonitorEvent } from '@rds-agent/core/testing';
import { T0, harness, request } from '../harness.test.support.js';
import { LANDING_PAGE_REFRESH_SECONDS, landingPage } from './landing-page.js';
import { statusDocument } from './status-document.js';

const page = (status: StatusReader, now: number): string => landingPage(statusDocument(status, 'any', '1.2.3', T0, now), '/metrics', now);

/** The facts row of one target (`<tr class="target" ...>` up to its `</tr>`). */
function row(html: string, target: string): string {
  const start = html.indexOf(`<tr class="target" data-target="${target}"`);
  assert.ok(start >= 0, `a row for ${target}`);
  return html.slice(start, html.indexOf('</tr>', start));
}

/** The text of the cell with this class in a row, tags dropped. */
function cell(rowHtml: string, cls: string): string {
  const m = new RegExp(`<td class="[^"]*\\b${cls}\\b[^"]*">([\\s\\S]*?)</td>`).exec(rowHtml);
  assert.ok(m, `a ${cls} cell`);
  return m[1]!.replace(/<small[^>]*>/g, ' | ').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&ndash;/g, '–').trim();
}

function lostTarget(store: StatusStore, target: string, lostAt: number): void {
  const e = (event: MonitorEvent): void => store.apply(event);
  e({ type: 'target-info', target, at: T0, transport: 'rds-ssh', labels: { host: '192.0.2.10', port: '2222' } });
  e({ type: 'state-changed', target, at: T0, from: 'idle', to: 'connecting', reason: 'started' });
  e({ type: 'attempt', target, at: T0, attempt: 1, outcome: 'success', durationMs: 40 });
  e({ type: 'state-changed', target, at: T0, from: 'connecting', to: 'connected', reason: 'connected' });
  e({ type: 'probe', target, at: lostAt - 5000, outcome: 'ok', latencyMs: 4.5, mode: 'command' });
  e({ type: 'disconnected', target, at: lostAt, reason: 'network', code: 'RDS_AGENT_ERR_NETWORK', detectedBy: 'transport', message: 'read ECONNRESET' });
  e({ type: 'state-changed', target, at: lostAt, from: 'connected', to: 'disconnected', reason: 'network' });
}

function failAttempt(store: StatusStore, target: string, at: number, attempt: number, waitMs: number): void {
  store.apply({ type: 'state-changed', target, at, from: 'disconnected', to: 'connecting', reason: 'retry' });
  store.apply({
    type: 'attempt',
    target,
    at: at + 25,
    attempt,
    outcome: 'failure',
    durationMs: 25,
    error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'connect ECONNREFUSED 192.0.2.10:2222', retryable: true },
  });
  store.apply({ type: 'state-changed', target, at: at + 25, from: 'connecting', to: 'disconnected', reason: 'refused' });
  store.apply({ type: 'backoff', target, at: at + 25, delayMs: waitMs, nextAttemptAt: at + 25 + waitMs });
}

describe('landing page', () => {
  it('keeps "down since" at the start of the outage while attempts fail, and shows the last attempt apart', () => {
    const store = new StatusStore();
    const lostAt = T0 + 10 * 60_000;
    lostTarget(store, 'rds-b', lostAt);
    failAttempt(store, 'rds-b', lostAt + 1000, 1, 4000);
    const early = row(page(store, lostAt + 2000), 'rds-b');
    failAttempt(store, 'rds-b', lostAt + 5025, 2, 8000);
    failAttempt(store, 'rds-b', lostAt + 13_050, 3, 32_000);
    const later = row(page(store, lostAt + 40_000), 'rds-b');

    assert.equal(cell(early, 'since'), 'down since 10:10:00 | for 2s');
    assert.equal(cell(later, 'since'), 'down since 10:10:00 | for 40s', 'an outage 40 s old reads 40 s, not "0s ago"');
    assert.equal(cell(early, 'attempts'), '1');
    assert.equal(cell(later, 'attempts'), '3');
    assert.equal(cell(early, 'last-attempt'), '1s ago | failed');
    assert.equal(cell(later, 'last-attempt'), '27s ago | failed');
    assert.match(later, /<td class="time last-attempt"><time datetime="2026-11-26T10:10:13\.075Z"/);
    assert.equal(cell(later, 'next-attempt'), 'in 5s');
    assert.equal(cell(later, 'state'), 'disconnected | refused');
    assert.equal(cell(later, 'error'), 'RDS_AGENT_ERR_REFUSEDrefused: connect ECONNREFUSED 192.0.2.10:2222 | 27s ago');
    assert.match(later, /<code>RDS_AGENT_ERR_REFUSED<\/code>/);
    assert.equal(cell(later, 'target'), 'rds-b | 192.0.2.10:2222');
    assert.equal(cell(later, 'probe'), '–', 'the last passing probe says nothing about a target that is down');
  });

  it('says an attempt is in flight instead of showing a time already past, and when the next one is overdue', () => {
    const store = new StatusStore();
    lostTarget(store, 'rds-b', T0 + 1000);
    failAttempt(store, 'rds-b', T0 + 2000, 1, 4000);
    assert.equal(cell(row(page(store, T0 + 6100), 'rds-b'), 'next-attempt'), 'due now', 'the wait is over and the attempt has not started yet');
    store.apply({ type: 'state-changed', target: 'rds-b', at: T0 + 6200, from: 'disconnected', to: 'connecting', reason: 'retry' });
    const inFlight = row(page(store, T0 + 6300), 'rds-b');
    assert.equal(cell(inFlight, 'next-attempt'), 'in flight | an attempt is running');
    assert.equal(cell(inFlight, 'since'), 'down since 10:00:01 | for 5s');
  });

  it('shows "up since", the last successful attempt, the device and a past error muted for a connected target', () => {
    const store = new StatusStore();
    lostTarget(store, 'rds-a', T0 + 60_000);
    store.apply({ type: 'state-changed', target: 'rds-a', at: T0 + 61_000, from: 'disconnected', to: 'connecting', reason: 'retry' });
    store.apply({ type: 'attempt', target: 'rds-a', at: T0 + 61_020, attempt: 1, outcome: 'success', durationMs: 20 });
    store.apply({ type: 'state-changed', target: 'rds-a', at: T0 + 61_020, from: 'connecting', to: 'connected', reason: 'connected' });
    store.apply({ type: 'probe', target: 'rds-a', at: T0 + 70_000, outcome: 'ok', latencyMs: 3.25, mode: 'command' });
    store.apply({ type: 'telemetry', input: 'system', target: 'rds-a', at: T0 + 62_000, outcome: 'ok', durationMs: 5, samples: [{ metric: 'systemInfo', value: 1, labels: { version: '7.19.4 (stable)', board: 'RDS2216', architecture: 'arm64' } }] });
    const html = page(store, T0 + 25 * 3600_000);
    const r = row(html, 'rds-a');
    assert.equal(cell(r, 'since'), 'up since 2026-11-26 10:01 | for 1d 0h', 'a day-old instant carries its date');
    assert.equal(cell(r, 'last-attempt'), '1d 0h ago | connected');
    assert.equal(cell(r, 'next-attempt'), '–');
    assert.equal(cell(r, 'state'), 'connected');
    assert.equal(cell(r, 'target'), 'rds-a | 192.0.2.10:2222 | RouterOS 7.19.4 (stable) · RDS2216');
    assert.match(r, /<td class="error past">/);
    assert.equal(cell(r, 'probe'), '3.3 ms');
  });

  it('writes an IPv6 address in brackets and leaves out a port that is not known', () => {
    const store = new StatusStore();
    store.apply({ type: 'target-info', target: 'v6', at: T0, transport: 'rds-ssh', labels: { host: '2001:db8::7', port: '22' } });
    store.apply({ type: 'target-info', target: 'noport', at: T0, transport: 'rds-ssh', labels: { host: 'rds.example.net' } });
    const html = page(store, T0);
    assert.equal(cell(row(html, 'v6'), 'target'), 'v6 | [2001:db8::7]:22');
    assert.equal(cell(row(html, 'noport'), 'target'), 'noport | rds.example.net');
  });

  it('escapes everything a device or the config can influence', () => {
    const evil = '<img src=x onerror="alert(1)">&\'';
    const escaped = '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;';
    const store = new StatusStore();
    const target = `t${evil}`;
    store.apply({ type: 'target-info', target, at: T0, transport: `rds${evil}`, labels: { host: `h${evil}`, port: '22' } });
    store.apply({ type: 'state-changed', target, at: T0, from: 'idle', to: 'connecting', reason: `r${evil}` });
    store.apply({ type: 'attempt', target, at: T0, attempt: 1, outcome: 'failure', durationMs: 1, error: { code: `C${evil}`, reason: `why${evil}`, message: `m${evil}`, retryable: true } });
    store.apply({ type: 'telemetry', input: 'system', target, at: T0, outcome: 'ok', durationMs: 1, samples: [{ metric: 'systemInfo', value: 1, labels: { version: `v${evil}`, board: `b${evil}` } }] });
    const html = landingPage(statusDocument(store, 'any', `1${evil}`, T0, T0 + 1000), `/m${evil}`, T0 + 1000);
    assert.doesNotMatch(html, /<img/);
    assert.doesNotMatch(html, /<script/i);
    for (const field of [`t${escaped}`, `h${escaped}:22`, `r${escaped}`, `C${escaped}`, `why${escaped}: m${escaped}`, `RouterOS v${escaped} · b${escaped}`, `1${escaped}`, `href="/m${escaped}"`]) {
      assert.ok(html.includes(field), `escaped: ${field}`);
    }
    assert.match(html, new RegExp(`aria-label="t${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, last hour: `), 'the timeline label too');
  });

  it('cuts an overlong device string or error message, which /status keeps whole', () => {
    const store = new StatusStore();
    const long = 'x'.repeat(5000);
    store.apply({ type: 'attempt', target: 't', at: T0, attempt: 1, outcome: 'failure', durationMs: 1, error: { code: 'RDS_AGENT_ERR_PROTOCOL', reason: 'protocol', message: long, retryable: true } });
    store.apply({ type: 'telemetry', input: 'system', target: 't', at: T0, outcome: 'ok', durationMs: 1, samples: [{ metric: 'systemInfo', value: 1, labels: { version: long, board: long } }] });
    const r = row(page(store, T0), 't');
    assert.equal(cell(r, 'error'), `RDS_AGENT_ERR_PROTOCOLprotocol: ${'x'.repeat(289)}… | 0s ago`);
    assert.equal(cell(r, 'target'), `t | RouterOS ${'x'.repeat(47)}… · ${'x'.repeat(47)}…`);
    assert.equal(statusDocument(store, 'any', '1', T0, T0).targets[0]!.lastError!.message, long);
  });

  it('draws an hour-long timeline of 60 blocks per target, bounded, with text for each', () => {
    const base: TargetStatus = { target: 'flappy', state: 'connected', reason: 'connected', since: T0, attempts: 0, labels: {}, history: [] };
    const history = Array.from({ length: 5000 }, (_, i) => ({ at: T0 + i * 700, state: i % 2 ? ('connected' as const) : ('disconnected' as const) }));
    const reader: StatusReader = { list: () => [{ ...base, history }, { ...base, target: 'new', history: [{ at: T0 + 3400_000, state: 'connected' }] }], get: () => undefined, isReady: () => true };
    const html = page(reader, T0 + 3500_000);
    const timelines = [...html.matchAll(/<tr class="history" data-target="([^"]+)"><td colspan="8">([\s\S]*?)<\/td><\/tr>/g)];
    assert.deepEqual(timelines.map((m) => m[1]), ['flappy', 'new']);
    for (const [, , t] of timelines) assert.equal([...t!.matchAll(/<rect /g)].length, 60);
    const fresh = timelines[1]![2]!;
    assert.equal([...fresh.matchAll(/data-state="none"/g)].length, 57, 'the minutes before the target was watched (it was first seen at 10:56:40)');
    assert.match(fresh, /<span class="summary">connected 1m 40s \(100%\)<\/span>/);
    assert.ok(html.length < 60_000, `page stays small: ${html.length} bytes`);
  });

  it('reloads itself without scripts and lists every target in order', () => {
    const store = new StatusStore();
    for (const name of ['b', 'a']) store.apply({ type: 'state-changed', target: name, at: T0, from: 'idle', to: 'connecting', reason: 'started' });
    const html = page(store, T0 + 1000);
    assert.match(html, new RegExp(`<meta http-equiv="refresh" content="${LANDING_PAGE_REFRESH_SECONDS}">`));
    assert.doesNotMatch(html, /<script|javascript:|\son[a-z]+=/i);
    assert.deepEqual([...html.matchAll(/<tr class="target" data-target="([^"]+)"/g)].map((m) => m[1]), ['a', 'b']);
    assert.match(html, /<time id="generated" datetime="2026-11-26T10:00:01\.000Z">10:00:01<\/time>/);
  });

  it('is served with a Content-Security-Policy that allows no script, frame or form', async () => {
    const h = harness();
    h.connect('rds-1');
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      const res = await request(`${h.exporter.url}/`);
      assert.equal(res.status, 200);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /script-src/);
      for (const directive of ["frame-ancestors 'none'", "form-action 'none'", "base-uri 'none'"]) assert.ok(csp.includes(directive), directive);
      assert.match(res.text, /<tr class="target" data-target="rds-1" data-state="connected">/);
    } finally {
      await h.exporter.shutdown();
    }
  });
});
