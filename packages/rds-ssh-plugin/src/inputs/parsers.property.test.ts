import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Metrics, TransportError, type MetricId, type TelemetryReading, type TelemetrySample } from '@rds-agent/core';
import { parseAsValue } from '../routeros/as-value.js';
import { parseDiskTraffic } from '../routeros/disk-traffic.js';
import { findRouterOsError } from '../routeros/error-text.js';
import { healthFromRows, parseHealthText } from '../routeros/health.js';
import { parseJsonRecords } from '../routeros/json-records.js';
import { Rejections } from '../routeros/plausibility.js';
import { parseKeyValuePrint } from '../routeros/print.js';
import { parsePrintDetail, parseProperties } from '../routeros/print-detail.js';
import { parseSmartInfo } from '../routeros/smart-info.js';
import { parseSystemResource } from '../routeros/system-resource.js';
import { FakeRouterOs, newSession, signal } from './fake-router-os.test.support.js';
import { createRouterOsInputs } from './create-inputs.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { JSON_PROBE_COMMAND } from './routeros-session.js';
import * as S from './testdata/samples.js';

// Property tests: no parser throws, on generated text, mutated captures and random JSON, and
// every result passes the plausibility rules stated here (independently of the parsers' own).

const SECRET = 'Zq9-secret-marker';
const REASONS = new Set(['unparsable', 'implausible', 'unrecognised', 'cap', 'refused', 'invalid-name']);
const RUNS = Number(process.env['RDS_PROPERTY_RUNS'] ?? 150);

/** Pieces RouterOS output is made of, hostile ones included (credential fields apart, below). */
const PLAIN_TOKEN = fc.constantFrom(
  ' ', '   ', '\t', '=', '"', '\\', '\\"', ';', ':', ',', '%', '\r\n', '\n', '\r', '\u0000', '\u2028', 'é', '🙂',
  'Flags: B - BLOCK-DEVICE', 'Columns: NAME, VALUE, TYPE', ';;; note', ' 0 ', '12 BM ', ' 3 E    ', '#',
  'type=raid', 'type=hardware', 'type=file', 'slot=', 'slot="storage-pool"', 'slot=nvme1', 'raid-master=storage-pool', 'raid-master=none',
  'raid-role=spare', 'raid-member-failed=yes', 'raid-member-state="0:in_sync"', 'state="clean, degraded, recovering = 37.5%"', 'state=',
  'size=16 003 143 565 312', 'free=', 'free=99 999 999 999 999 999 999', 'total-inodes=1 562', 'free-inodes=9e9', 'fs=btrfs', 'fs=xfs',
  'mount-point="x"', 'temperature=', '430', '-5', '1e308', 'NaN', 'Infinity', '0x0a', '0xff', 'percentage-used=300%', 'available-spare=50%',
  'critical-warning=temperature,read-only', 'unsafe-shutdowns=4,203', 'power-on-time=1w2d', 'last-seen="M S"', 'E',
  'name=cpu-temperature', 'value=', 'value=470', 'type=C', 'type=V', 'type=RPM', 'type=""', 'value=ok', 'value=smoking',
  'nvme-tcp-export=yes',
  'name="ether1"', 'rx-byte=205 164 277', 'link-downs=-1', 'running=true', 'R', 'X',
  '  uptime: 1w2d3h4m5s', '  cpu-load: 250%', '  free-memory: 1.1e32', 'total-memory: 2048.0MiB', 'read-bytes:  33 131', 'write-rate: 12.8Mbps',
  'Temperature:   33 Celsius', 'Power On Hours: 4,203', 'Percentage Used: 300%', 'bad command name x (line 1 column 2)', 'failure: no',
  '{', '}', '[', ']', '"slot":', '"size":', '1', 'true', 'null',
);
/** Credential fields holding the marker that must never come out. */
const SECRET_TOKEN = fc.constantFrom(`nvme-tcp-server-password="${SECRET}"`, `nvme-tcp-server-secret=${SECRET}`, `password: ${SECRET}`, `;password=${SECRET}`, ` smb-password=${SECRET}`);
const TOKEN = fc.oneof(PLAIN_TOKEN, SECRET_TOKEN);

const tokenText = fc.array(TOKEN, { maxLength: 120 }).map((t) => t.join(''));
const anyText = fc.oneof(tokenText, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme-ascii', maxLength: 300 }));

const CAPTURES = [
  S.SYSTEM_RESOURCE_CHR, S.SYSTEM_RESOURCE_JSON, S.HEALTH_TABLE_CCR1072, S.HEALTH_TERSE_RDS, S.HEALTH_JSON_X10, S.DISK_DETAIL_RAID10,
  S.DISK_DETAIL_FILE_EXPORT, S.DISK_TERSE_RDS2216, S.DISK_JSON_RDS2216, S.BTRFS_TERSE, S.BTRFS_JSON, S.SMART_INFO_NVME1,
  S.INTERFACES_STATS_DETAIL, S.INTERFACES_JSON, S.PACKAGES_TERSE, S.MONITOR_TRAFFIC_STORAGE_POOL,
];

/**
 * A captured answer with a few random edits: inserted tokens, cut or doubled ranges, flipped
 * characters. (No credential tokens here: a flip could turn `password=` into a harmless key.)
 */
const mutated = fc
  .tuple(
    fc.constantFrom(...CAPTURES),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('insert', 'delete', 'double', 'flip'), PLAIN_TOKEN), { maxLength: 8 }),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, len, kind, token] of edits) {
      const i = t.length === 0 ? 0 : at % t.length;
      if (kind === 'insert') t = t.slice(0, i) + token + t.slice(i);
      else if (kind === 'delete') t = t.slice(0, i) + t.slice(i + len);
      else if (kind === 'double') t = t.slice(0, i + len) + t.slice(i, i + len) + t.slice(i + len);
      else t = t.slice(0, i) + String.fromCharCode((t.charCodeAt(i) ^ 0x21) & 0xffff) + t.slice(i + 1);
    }
    return t;
  });

const jsonText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.array(fc.dictionary(fc.constantFrom('slot', 'type', 'size', 'free', 'name', 'value', 'temperature', 'cpu-load', 'free-memory', 'total-memory', 'uptime', 'raid-master', 'state', 'running', 'rx-byte', 'nvme-tcp-server-password', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }).map((a) => JSON.stringify(a)),
);
const deviceOutput = fc.oneof(anyText, mutated, jsonText);

function hasControl(s: string): boolean {
  return [...s].some((c) => {
    const n = c.charCodeAt(0);
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029;
  });
}

/** Why `s` cannot be a true, exportable device sample; undefined when it can. */
function implausible(s: TelemetrySample): string | undefined {
  const def = Metrics[s.metric as MetricId] as (typeof Metrics)[MetricId] | undefined;
  if (!def || (def as { source?: string }).source !== 'device') return `not a device metric: ${String(s.metric)}`;
  const want = def.labels.filter((l) => l !== 'target');
  const got = Object.keys(s.labels ?? {});
  if (want.length !== got.length || !want.every((l) => got.includes(l))) return `labels ${got.join(',')} instead of ${want.join(',')}`;
  for (const [k, v] of Object.entries(s.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 128 || hasControl(v) || v.includes(SECRET)) return `label ${k}=${JSON.stringify(v)}`;
    const isName = ['slot', 'sensor', 'interface', 'filesystem', 'array'].includes(k);
    // A mounted filesystem is named by its mount point; the slot it sits on may be unknown ('').
    const mayBeEmpty = k === 'slot' && s.metric.startsWith('filesystem');
    if (isName && ((v.length === 0 && !mayBeEmpty) || v.length > 64)) return `name label ${k}=${JSON.stringify(v)}`;
  }
  const v = s.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `value ${v}`;
  const between = (min: number, max: number): string | undefined => (v >= min && v <= max ? undefined : `${s.metric}=${v} outside ${min}..${max}`);
  if (def.kind === 'counter') return between(0, Number.MAX_SAFE_INTEGER);
  switch (def.unit) {
    case '1':
      return s.metric === 'driveEnduranceUsed' ? between(0, 2.55) : between(0, 1);
    case 'Cel':
      return between(-60, 200);
    case 'By':
      return Number.isInteger(v) ? between(0, Number.MAX_SAFE_INTEGER) : `bytes ${v}`;
    case '{state}':
      return v === 0 || v === 1 ? undefined : `state ${v}`;
    case '{info}':
      return v === 1 ? undefined : `info ${v}`;
    case '{device}':
    case '{inode}':
      return Number.isInteger(v) ? between(0, Number.MAX_SAFE_INTEGER) : `count ${v}`;
    case 'rpm':
      return between(0, 100_000);
    case 'V':
      return between(-400, 400);
    case 'A':
      return between(0, 500);
    case 'W':
      return between(0, 20_000);
    case 's':
      return between(0, 100 * 366 * 86_400);
    default:
      return between(0, Number.MAX_SAFE_INTEGER);
  }
}

/** Relations between samples of one reading that must hold. */
function inconsistent(samples: readonly TelemetrySample[]): string | undefined {
  const value = (metric: string, labels?: Readonly<Record<string, string>>): number | undefined =>
    samples.find((s) => s.metric === metric && JSON.stringify(s.labels ?? {}) === JSON.stringify(labels ?? {}))?.value;
  const free = value('systemMemoryFree');
  const total = value('systemMemoryTotal');
  if (free !== undefined && total !== undefined && free > total) return `memory free ${free} > total ${total}`;
  for (const s of samples) {
    if (s.metric === 'filesystemFree' && (value('filesystemSize', s.labels) ?? Infinity) < s.value) return `fs free > size for ${JSON.stringify(s.labels)}`;
    if (s.metric === 'filesystemInodesFree' && (value('filesystemInodes', s.labels) ?? Infinity) < s.value) return `inodes free > inodes`;
  }
  return undefined;
}

function checkReading(r: TelemetryReading): void {
  for (const s of r.samples) {
    const why = implausible(s);
    assert.equal(why, undefined, why);
  }
  assert.equal(inconsistent(r.samples), undefined);
  assert.ok(Number.isInteger(r.bytesRead) && r.bytesRead >= 0);
  for (const { reason, count } of r.rejected ?? []) assert.ok(REASONS.has(reason) && Number.isInteger(count) && count > 0, `${reason}: ${count}`);
  assert.ok(!JSON.stringify(r).includes(SECRET), 'a secret reached the reading');
}

test('the text parsers never throw and keep no credential, on generated and mutated output', () => {
  fc.assert(
    fc.property(deviceOutput, (text) => {
      const rejections = new Rejections();
      const items = parsePrintDetail(text);
      for (const item of items) {
        assert.ok(Number.isInteger(item.index) && item.index >= 0);
        assert.match(item.flags, /^[A-Za-z]*$/);
        for (const [k, v] of Object.entries(item.properties)) {
          assert.match(k, /^[a-z][a-z0-9-]*$/);
          assert.ok(!/password|secret/.test(k) && typeof v === 'string');
        }
      }
      const kv = parseKeyValuePrint(text);
      const props = parseProperties(text);
      const asValue = parseAsValue(text);
      const json = parseJsonRecords(text, rejections);
      for (const out of [items, kv, props, asValue, json ?? []]) assert.ok(!JSON.stringify(out).includes(SECRET), 'a secret was kept');
      const err = findRouterOsError(text);
      assert.ok(err === undefined || (err.length <= 200 && !err.includes(SECRET)));

      const res = parseSystemResource(text, rejections);
      if (res.freeMemoryBytes !== undefined && res.totalMemoryBytes !== undefined) assert.ok(res.freeMemoryBytes <= res.totalMemoryBytes);
      if (res.cpuLoad !== undefined) assert.ok(res.cpuLoad >= 0 && res.cpuLoad <= 1);
      if (res.uptimeMs !== undefined) assert.ok(res.uptimeMs >= 0 && Number.isFinite(res.uptimeMs));
      const health = healthFromRows(parseHealthText(text), rejections);
      for (const t of health.temperaturesCelsius) assert.ok(t.value >= -60 && t.value <= 200);
      for (const f of health.fansRpm) assert.ok(f.value >= 0 && f.value <= 100_000);
      const smart = parseSmartInfo(text, rejections);
      for (const v of [smart.availableSpare, smart.availableSpareThreshold]) assert.ok(v === undefined || (v >= 0 && v <= 1));
      for (const v of Object.values(parseDiskTraffic(text, rejections).values)) assert.ok(Number.isFinite(v) && v >= 0);
      for (const { reason, count } of rejections.list()) assert.ok(REASONS.has(reason) && count > 0);
    }),
    { numRuns: RUNS * 4 },
  );
});

test('every input, fed generated and mutated answers for every command, resolves plausibly or rejects with a TransportError', async () => {
  const inputs = createRouterOsInputs({ inputs: INPUT_DEFAULTS, telemetryDisks: [], telemetryMaxDisks: 32 });
  await fc.assert(
    fc.asyncProperty(fc.boolean(), fc.array(deviceOutput, { minLength: 1, maxLength: 6 }), async (json, outputs) => {
      let n = 0;
      // Every command gets the next generated answer (the JSON probe decides the form asked for).
      const device = new FakeRouterOs({ [JSON_PROBE_COMMAND]: json ? '1\r\n' : S.BAD_COMMAND_SERIALIZE }).match(/.*/, () => outputs[n++ % outputs.length]!);
      const session = newSession(device);
      for (const { input } of inputs) {
        try {
          checkReading(await input.collect(session, signal()));
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          assert.ok(err instanceof TransportError, `${input.name} threw ${String(err)}`);
          assert.ok(!err.message.includes(SECRET), `${input.name}: a secret in the error`);
        }
      }
    }),
    { numRuns: RUNS },
  );
});
