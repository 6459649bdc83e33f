/**
 * Parsers for the value grammars RouterOS prints. Each returns `undefined` for text it does not
 * recognise (including RouterOS's null spellings `none` and `-`), never NaN.
 */

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  PiB: 1024 ** 5,
};
const RATE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** `16 003 143 565 312` -> 16003143565312; `3%` -> 3; `1.5` -> 1.5. Space thousands separators allowed. */
export function parseRouterOsNumber(text: string): number | undefined {
  const t = text.trim().replace(/%$/, '');
  if (!/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$/.test(t)) return undefined;
  return Number(t.replace(/ /g, ''));
}

/** Binary sizes: `1956` (bytes), `3472.0KiB`, `15.3MiB`, `1024.0GiB`, `1 099 511 627 776`. Returns bytes (rounded). */
export function parseSize(text: string): number | undefined {
  const m = /^(\d{1,3}(?: \d{3})+|\d+(?:\.\d+)?)\s?(B|KiB|MiB|GiB|TiB|PiB)?$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]!.replace(/ /g, '')) * SIZE_UNITS[m[2] ?? '']!);
}

/** Bit rates with SI prefixes: `0bps`, `500kbps`, `12.8Mbps`, `1.5Gbps`. Returns bits per second. */
export function parseRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s?([kKMGT]?)bps$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * RATE_UNITS[m[2]!]!);
}

const DURATION_PARTS: Readonly<Record<string, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

/**
 * Durations in both RouterOS grammars, returned in milliseconds:
 * - print/terse: `1w2d3h4m5s`, `4w22h3m`, `450ms`, `107us` (zero parts omitted; `ms`/`us`/`ns` matched before `m`/`s`);
 * - get/as-value: `1w3d15:41:57`, `2w1d03:17:42`, `00:00:00.100`.
 */
export function parseRouterOsDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const clock = /^((?:\d+[wd])*)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(t);
  if (clock) {
    const prefix = clock[1] === '' ? 0 : parseRouterOsDuration(clock[1]!);
    if (prefix === undefined) return undefined;
    const frac = clock[5] ? Number(`0.${clock[5]}`) * 1000 : 0;
    return prefix + Number(clock[2]) * 3_600_000 + Number(clock[3]) * 60_000 + Number(clock[4]) * 1000 + frac;
  }
  const part = /(\d+(?:\.\d+)?)(ms|us|ns|w|d|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < t.length) {
    part.lastIndex = pos;
    const m = part.exec(t);
    if (!m) return undefined;
    total += Number(m[1]) * DURATION_PARTS[m[2]!]!;
    pos = part.lastIndex;
  }
  return total;
}

/** `yes`/`true` -> true, `no`/`false` -> false, else undefined. */
export function parseRouterOsBoolean(text: string): boolean | undefined {
  const t = text.trim();
  if (t === 'yes' || t === 'true') return true;
  if (t === 'no' || t === 'false') return false;
  return undefined;
}

/** A whole number with optional `,` or space thousands separators (`4,203`, `1 562 806 656`, `105`). */
export function parseCount(text: string): number | undefined {
  const t = text.trim();
  if (t === '' || t.length > 40) return undefined;
  let digits = '';
  let group = -1; // digits since the last separator; -1 before the first separator
  let sep = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c >= '0' && c <= '9') {
      digits += c;
      if (group >= 0) group++;
      continue;
    }
    if ((c === ',' || c === ' ') && digits.length > 0 && (sep === '' || sep === c) && (group === -1 ? digits.length <= 3 : group === 3)) {
      sep = c;
      group = 0;
      continue;
    }
    return undefined;
  }
  if (digits === '' || (group !== -1 && group !== 3)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `33`, `33C`, `33 C`, `33°C`, `33 Celsius`, `-5`, `43.5` -> degrees Celsius. */
export function parseCelsius(text: string): number | undefined {
  let t = text.trim();
  for (const suffix of [' Celsius', 'Celsius', '°C', ' C', 'C']) {
    if (t.endsWith(suffix)) {
      t = t.slice(0, -suffix.length);
      break;
    }
  }
  return parseRouterOsNumber(t);
}

const CRITICAL_WARNING_BITS: Readonly<Record<string, number>> = {
  'spare-space': 0x01,
  spare: 0x01,
  temperature: 0x02,
  'reliability-degraded': 0x04,
  reliability: 0x04,
  'read-only': 0x08,
  'volatile-backup-failed': 0x10,
  'volatile-backup': 0x10,
};

/**
 * NVMe critical warning as its bit field (0..255): `0x00` / `0x04` (smartctl), `0` / `4`, or the
 * RouterOS word list (`temperature,read-only`; `none` / `no` for 0). Else undefined.
 */
export function parseCriticalWarning(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'no' || t === 'ok') return 0;
  if (/^0x[0-9a-f]{1,2}$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? n : undefined;
  }
  if (t.length > 200) return undefined;
  let bits = 0;
  for (const word of t.split(/[,\s]+/)) {
    if (word === '') continue;
    const bit = CRITICAL_WARNING_BITS[word];
    if (bit === undefined || !Object.hasOwn(CRITICAL_WARNING_BITS, word)) return undefined;
    bits |= bit;
  }
  return bits;
}
