// Device-output parsers under hostile input: every parser of the rds-ssh plugin gets adversarial
// outputs (runs of spaces, no "=", unbalanced quotes, deep wrapping, random bytes, deep JSON, a
// realistic listing repeated) of 10 KB, 100 KB, 1 MiB and 2 MiB (the output cap). Reports the time
// per parse and per KB, the worst single parse at the cap (goal: at most 50 ms, so no parse can
// block the event loop longer), and, as the baseline, the parsers as they were before this change
// (their regexes copied below) on the inputs that hurt them, up to the size where one parse passes
// BASELINE_CAP_MS (beyond that the time is extrapolated from the measured growth, not run).
//
//   npm run build && node bench/parsers.js [--quick]
import 'reflect-metadata';
import { cpus, loadavg, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SystemClock, silentLogger } from '@rds-agent/core/host';
import {
  createRouterOsInputs,
  INPUT_DEFAULTS,
  JSON_PROBE_COMMAND,
  RouterOsSession,
  btrfsFromRecords,
  drivesFromListing,
  exportsFromListing,
  filesystemsFromListing,
  findRouterOsError,
  healthFromRows,
  interfacesFromRecords,
  parseAsValue,
  parseDiskTraffic,
  parseHealthText,
  parseJsonRecords,
  parseKeyValuePrint,
  parsePrintDetail,
  parseProperties,
  parseSmartInfo,
  parseSystemResource,
  raidArrays,
  recordsFromJson,
  recordsFromText,
  Rejections,
  trafficSlotsOf,
} from '@rds-agent/rds-ssh-plugin';

const QUICK = process.argv.includes('--quick');
// A full collection before each measurement: no case pays for the garbage of the one before it.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const KB = 1024;
const MIB = 1024 * KB;
const SIZES = QUICK ? [10 * KB, 100 * KB, 2 * MIB] : [10 * KB, 100 * KB, MIB, 2 * MIB];
const GOAL_MS = 50;
const BASELINE_CAP_MS = 3000;

/** A deterministic uniform generator (mulberry32) so runs are repeatable. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const repeatTo = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** One RDS2216 `/disk print terse` item per bay, as the plugin's tests use (constructed). */
function listingItem(i) {
  return (
    `${String(i % 1000).padStart(2)} Br   type=hardware slot=nvme${i} slot-default=nvme${i} parent="" model="U.2 SSD 4TG2-P" serial="S3Z9NX0N4145${i}L" ` +
    'size=3 840 755 982 336 fs=- raid-master=storage-pool raid-role=0 raid-member-failed=no raid-member-state="0:in_sync" temperature=34C ' +
    'percentage-used=1% available-spare=100% critical-warning=0x00 unsafe-shutdowns=101 nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no\r\n'
  );
}

/** Adversarial outputs of (about) `n` bytes. */
const INPUTS = {
  'run of spaces in a value': (n) => ` 0 B type=file slot=x model=a${' '.repeat(n)}b size=1\r\n`,
  'run of spaces after an item number': (n) => ` 0${' '.repeat(n)}x\r\n`,
  'run of spaces in key: value': (n) => `  board-name: a${' '.repeat(n)}b\r\n`,
  'no "=" (words)': (n) => repeatTo('lorem ipsum dolor sit amet consectetur ', n),
  'unbalanced quotes': (n) => ` 0 B ${repeatTo('k="v x ', n)}\r\n`,
  'deep wrapping (1 char per line)': (n) => ` 0 B type=file model="${repeatTo('x\r\n               ', n)}"\r\n`,
  'random bytes': (n) => {
    const rnd = seeded(42);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rnd() * 128));
    return s;
  },
  'realistic /disk listing, repeated': (n) => {
    let s = 'Flags: B - BLOCK-DEVICE; r - RAID-MEMBER\r\n';
    for (let i = 1; s.length < n; i++) s += listingItem(i);
    return s;
  },
  'JSON nesting': (n) => '['.repeat(n / 2) + ']'.repeat(n / 2),
  'JSON records': (n) => {
    const rec = '{".id":"*1","type":"hardware","slot":"nvme1","size":3840755982336,"raid-master":"storage-pool","temperature":34,"raid-member-failed":false}';
    return `[${Array.from({ length: Math.max(1, Math.floor(n / (rec.length + 1))) }, () => rec).join(',')}]`;
  },
  '; fragments': (n) => ';'.repeat(n),
};

const text = (t) => recordsFromText(t) ?? [];
const PARSERS = {
  parsePrintDetail: (t) => parsePrintDetail(t),
  parseProperties: (t) => parseProperties(t),
  parseKeyValuePrint: (t) => parseKeyValuePrint(t),
  parseAsValue: (t) => parseAsValue(t),
  parseJsonRecords: (t) => parseJsonRecords(t),
  'health (text + rows)': (t) => healthFromRows(parseHealthText(t), new Rejections()),
  parseSmartInfo: (t) => parseSmartInfo(t, new Rejections()),
  parseSystemResource: (t) => parseSystemResource(t, new Rejections()),
  parseDiskTraffic: (t) => parseDiskTraffic(t, new Rejections()),
  findRouterOsError: (t) => findRouterOsError(t),
  'raid (from a listing)': (t) => raidArrays(text(t), new Rejections()),
  'drives (from a listing)': (t) => drivesFromListing(text(t), new Rejections()),
  'filesystems (from a listing)': (t) => filesystemsFromListing(text(t), new Rejections()),
  'exports (from a listing)': (t) => exportsFromListing(text(t), new Rejections()),
  'btrfs (records)': (t) => btrfsFromRecords(text(t), new Rejections()),
  'interfaces (records)': (t) => interfacesFromRecords(text(t), new Rejections()),
  'traffic slots (JSON listing)': (t) => trafficSlotsOf(recordsFromJson(t) ?? []),
};

// ---- The parsers before this change (regexes copied from git history), for the baseline ----
const OLD_ITEM_START = /^ {0,3}(\d+)(?: ([A-Za-z ]*?))?\s+(?=[a-z][a-z0-9-]*=)/;
const OLD_PAIR = /([a-z][a-z0-9-]*)=("(?:[^"\\]|\\.)*"|.*?)(?=\s+[a-z][a-z0-9-]*=|\s*$)/g;
function oldParseProperties(t) {
  const props = {};
  for (const m of t.matchAll(OLD_PAIR)) {
    const value = m[2];
    props[m[1]] = value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value.trim();
  }
  return props;
}
function oldParsePrintDetail(output) {
  const items = [];
  let pendingComment = [];
  let current;
  let prevRaw = '';
  for (const raw of output.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '') {
      current = undefined;
      prevRaw = raw;
      continue;
    }
    if (/^Flags:/.test(trimmed) || /^Columns:/.test(trimmed)) {
      current = undefined;
      continue;
    }
    if (trimmed.startsWith(';;;')) {
      pendingComment.push(trimmed.slice(3).trim());
      current = undefined;
      continue;
    }
    const start = OLD_ITEM_START.exec(raw);
    if (start) {
      current = { index: Number(start[1]), flags: (start[2] ?? '').replace(/\s+/g, ''), text: raw.slice(start[0].length).trimEnd() };
      pendingComment = [];
      items.push(current);
    } else if (current) {
      const sep = /^[a-z][a-z0-9-]*=/.test(trimmed) || /\s$/.test(prevRaw) ? ' ' : '';
      current.text += sep + trimmed;
    }
    prevRaw = raw;
  }
  return items.map(({ index, flags, text: t }) => ({ index, flags, properties: oldParseProperties(t) }));
}
function oldParseKeyValuePrint(output) {
  const result = {};
  for (const raw of output.split(/\r?\n/)) {
    const m = /^\s*([a-z0-9][a-z0-9-]*):(?:\s+(.*?))?\s*$/i.exec(raw);
    if (!m) continue;
    result[m[1]] = m[2] ?? '';
  }
  return result;
}
const BASELINES = [
  ['parsePrintDetail', oldParsePrintDetail, parsePrintDetail, 'run of spaces in a value'],
  ['parsePrintDetail', oldParsePrintDetail, parsePrintDetail, 'run of spaces after an item number'],
  ['parseProperties', oldParseProperties, parseProperties, 'run of spaces in a value'],
  ['parseKeyValuePrint', oldParseKeyValuePrint, parseKeyValuePrint, 'run of spaces in key: value'],
];

/**
 * Median and worst wall time of `runs` single parses of `input` (ms), and the median CPU time
 * (process user + system, ms): on a machine shared with other work the wall time includes waiting
 * for a core, the CPU time does not.
 */
function time(fn, input, runs) {
  gc();
  fn(input); // warm-up
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(input);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1], cpu: cpu[Math.floor(cpu.length / 2)] };
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const sizeName = (n) => (n >= MIB ? `${n / MIB} MiB` : `${n / KB} KB`);

/** The adversarial inputs, made once per size when first asked for. */
const made = new Map();
const inputOf = (name, n) => {
  const key = `${name}@${n}`;
  if (!made.has(key)) made.set(key, INPUTS[name](n));
  return made.get(key);
};

// The baseline: the old parsers on the inputs that hurt them, growing until one parse passes the cap.
const baseline = [];
for (const [parser, oldFn, newFn, input] of BASELINES) {
  const measured = [];
  for (let n = 10 * KB; n <= 2 * MIB; n *= 2) {
    const sample = INPUTS[input](n);
    const t0 = performance.now();
    oldFn(sample);
    const ms = performance.now() - t0;
    measured.push({ n, ms, now: time(newFn, sample, 3).median });
    if (ms > BASELINE_CAP_MS || (QUICK && n >= 40 * KB)) break;
  }
  const last = measured[measured.length - 1];
  const prev = measured[measured.length - 2] ?? last;
  // Growth exponent measured over the last two sizes (2 = quadratic); the extrapolation to the
  // 2 MiB cap assumes plain quadratic growth, the low end of what was measured.
  const exponent = last.n > prev.n ? Math.log(last.ms / prev.ms) / Math.log(last.n / prev.n) : 2;
  const atCap = last.n >= 2 * MIB ? last.ms : last.ms * (2 * MIB / last.n) ** 2;
  baseline.push({ parser, input, measured, exponent, atCap, extrapolated: last.n < 2 * MIB });
}

/**
 * The inputs as the transport runs them (async, a listing parsed a slice at a time): the longest
 * stretch the event loop was held while each input read a 2 MiB answer, measured by a
 * setImmediate ticker running alongside (the gap between two of its ticks).
 */
async function longestBlock(inputName, output, json) {
  const [{ input }] = createRouterOsInputs({
    inputs: { ...INPUT_DEFAULTS, ...Object.fromEntries(Object.keys(INPUT_DEFAULTS).map((n) => [n, { ...INPUT_DEFAULTS[n], enabled: n === inputName }])) },
    telemetryDisks: ['nvme1'],
    telemetryMaxDisks: 32,
  });
  const runner = { run: async (command) => (command === JSON_PROBE_COMMAND ? (json ? '1\r\n' : 'bad command name serialize\r\n') : command.includes('package') ? '' : output) };
  const session = new RouterOsSession(runner, { clock: new SystemClock(), logger: silentLogger(), target: 'bench' });
  let last = 0;
  let worst = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  gc();
  last = performance.now();
  setImmediate(tick);
  const t0 = performance.now();
  await input.collect(session, new AbortController().signal).catch(() => undefined);
  const total = performance.now() - t0;
  running = false;
  worst = Math.max(worst, performance.now() - last);
  return { worst, total };
}

const INPUT_CASES = [
  ['text', 'realistic /disk listing, repeated', false],
  ['text', 'run of spaces in a value', false],
  ['text', 'deep wrapping (1 char per line)', false],
  ['text', 'unbalanced quotes', false],
  ['JSON', 'JSON records', true],
];
const inputRows = [];
for (const name of Object.keys(INPUT_DEFAULTS)) {
  for (const [form, input, json] of INPUT_CASES) {
    const runs = [];
    await longestBlock(name, inputOf(input, 2 * MIB), json); // warm-up: the first run also compiles the code
    for (let i = 0; i < (QUICK ? 3 : 7); i++) runs.push(await longestBlock(name, inputOf(input, 2 * MIB), json));
    runs.sort((a, b) => a.worst - b.worst);
    inputRows.push({ name, form, input, median: runs[Math.floor(runs.length / 2)], worst: runs[runs.length - 1].worst });
  }
}

// For each parser: the slowest input at each size, and the worst single parse at the cap.
const rows = [];
let worstAtCap = { ms: 0, parser: '', input: '' };
for (const [parser, fn] of Object.entries(PARSERS)) {
  const perSize = {};
  let capWorst = { ms: 0, input: '' };
  for (const n of SIZES) {
    let slowest = { median: 0, cpu: 0, input: '' };
    for (const name of Object.keys(INPUTS)) {
      const { median, worst, cpu } = time(fn, inputOf(name, n), n >= MIB ? 5 : 9);
      if (median > slowest.median) slowest = { median, cpu, input: name };
      if (n === 2 * MIB && worst > capWorst.ms) capWorst = { ms: worst, input: name };
    }
    perSize[n] = slowest;
  }
  if (capWorst.ms > worstAtCap.ms) worstAtCap = { ms: capWorst.ms, parser, input: capWorst.input };
  rows.push({ parser, perSize, capWorst });
}

const cpu = cpus();
console.log('## Device output parsers under hostile input\n');
console.log(`- date: ${new Date().toISOString()}`);
console.log(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${platform()} ${release()}, Node ${process.version}`);
console.log(`- method: one parse per measurement, median of 9 (5 at 1 MiB and up) after a warm-up, wall time (CPU time in brackets at the cap); inputs: ${Object.keys(INPUTS).join(', ')}${QUICK ? '; quick run' : ''}`);
console.log(`- load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpu.length} cores (other work on the machine inflates wall times, not CPU times)`);
const typical = rows.reduce((a, r) => (r.perSize[2 * MIB].median > a.ms ? { ms: r.perSize[2 * MIB].median, parser: r.parser, input: r.perSize[2 * MIB].input } : a), { ms: 0, parser: '', input: '' });
console.log(`- slowest median parse at the 2 MiB output cap: **${fmt(typical.ms)} ms** (${typical.parser}, ${typical.input}); goal <= ${GOAL_MS} ms: ${typical.ms <= GOAL_MS ? 'met' : 'MISSED'}`);
console.log(`- worst single parse at the cap (any run, GC pauses and CPU contention included): **${fmt(worstAtCap.ms)} ms** (${worstAtCap.parser}, ${worstAtCap.input}); goal <= ${GOAL_MS} ms: ${worstAtCap.ms <= GOAL_MS ? 'met' : 'MISSED'}\n`);
console.log(`| parser | ${SIZES.map((n) => `${sizeName(n)} ms`).join(' | ')} | slowest input at the cap | µs per KB at the cap | worst parse at the cap |`);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|---|---:|---:|`);
for (const r of rows) {
  const last = SIZES[SIZES.length - 1];
  const cells = SIZES.map((n) => (n === last ? `${fmt(r.perSize[n].median)} (cpu ${fmt(r.perSize[n].cpu)})` : fmt(r.perSize[n].median)));
  console.log(`| ${r.parser} | ${cells.join(' | ')} | ${r.perSize[last].input} | ${fmt((r.perSize[last].median * 1000) / (last / KB))} | ${fmt(r.capWorst.ms)} ms |`);
}
console.log('\nThe inputs as the transport runs them on a 2 MiB answer (after one warm-up run): longest event-loop block (median of runs, and the worst run) and the whole read.\n');
console.log('| input | form | answer | longest block ms (median) | longest block ms (worst run) | whole read ms |');
console.log('|---|---|---|---:|---:|---:|');
for (const r of inputRows) console.log(`| ${r.name} | ${r.form} | ${r.input} | ${fmt(r.median.worst)} | ${fmt(r.worst)} | ${fmt(r.median.total)} |`);
const worstInput = inputRows.reduce((a, r) => (r.median.worst > a.median.worst ? r : a));
console.log(`\nLongest event-loop block of any input (median): **${fmt(worstInput.median.worst)} ms** (${worstInput.name}, ${worstInput.input}); goal <= ${GOAL_MS} ms: ${worstInput.median.worst <= GOAL_MS ? 'met' : 'MISSED'}`);
console.log(`\nBaseline: the parsers before this change (regexes that backtrack over a run of spaces) on the same inputs, doubling from 10 KB until one parse passes ${BASELINE_CAP_MS} ms.\n`);
console.log('| parser | input | size | before ms | now ms | before / now |');
console.log('|---|---|---:|---:|---:|---:|');
for (const b of baseline) {
  for (const m of b.measured) console.log(`| ${b.parser} | ${b.input} | ${sizeName(m.n)} | ${fmt(m.ms)} | ${fmt(m.now)} | ${fmt(m.ms / Math.max(m.now, 0.001))} |`);
  console.log(`| ${b.parser} | ${b.input} | 2 MiB | ${b.extrapolated ? `~${fmt(b.atCap / 3_600_000)} h (extrapolated as n^2; measured growth n^${b.exponent.toFixed(2)}; not run)` : `${fmt(b.atCap)}`} | | |`);
}
