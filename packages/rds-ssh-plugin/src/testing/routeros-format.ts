/**
 * Formatting helpers that reproduce the layout of RouterOS exec output (see the captured samples in
 * the RouterOS reference): CRLF line ends, right-aligned `key: value` singletons, space thousands
 * separators, binary size units, compact durations. Pure functions, shared by the simulator's
 * default command set and by custom command handlers.
 */

/** RouterOS ends every exec output line with CRLF. */
export const CRLF = '\r\n';

/**
 * Renders a singleton `print` (e.g. `/system resource print`): keys right-aligned so that every
 * colon sits at the width of the longest key + 2, then a trailing blank line.
 *
 * With `alignValues` the values are right-aligned too, as `monitor-traffic ... once` prints them.
 *
 * @example renderKeyValues([['name', 'mikrotik-sim']]) === '  name: mikrotik-sim\r\n\r\n'
 */
export function renderKeyValues(pairs: ReadonlyArray<readonly [string, string]>, alignValues = false): string {
  const keyWidth = Math.max(0, ...pairs.map(([k]) => k.length)) + 2;
  const valueWidth = alignValues ? Math.max(0, ...pairs.map(([, v]) => v.length)) : 0;
  let out = '';
  for (const [key, value] of pairs) {
    out += `${key.padStart(keyWidth)}: ${alignValues ? value.padStart(valueWidth) : value}${CRLF}`;
  }
  return out + CRLF;
}

/** `16003143565312` -> `16 003 143 565 312` (RouterOS raw counters and byte fields). */
export function groupThousands(n: number | bigint): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

const SIZE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Binary size with one decimal in the smallest unit that keeps the value under 10 000; values under
 * 10 000 bytes print bare. `1073741824` -> `1024.0MiB`, `1956` -> `1956`.
 */
export function formatSize(bytes: number): string {
  if (bytes < 10_000) return String(Math.round(bytes));
  let value = bytes;
  let unit = -1;
  while (value >= 10_000 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)}${SIZE_UNITS[unit]}`;
}

/** Bits per second with SI prefixes, as `monitor-traffic` prints rates: `0bps`, `500kbps`, `12.8Mbps`. */
export function formatRate(bitsPerSecond: number): string {
  const prefixes: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, prefix] of prefixes) {
    if (bitsPerSecond >= scale) {
      const v = bitsPerSecond / scale;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${prefix}bps`;
    }
  }
  return `${Math.round(bitsPerSecond)}bps`;
}

/** `print`-style duration: `1w2d3h4m5s`, zero parts omitted, `0s` for zero. */
export function formatPrintDuration(ms: number): string {
  let s = Math.floor(ms / 1000);
  const parts: Array<[number, string]> = [
    [604_800, 'w'],
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  let out = '';
  for (const [unit, suffix] of parts) {
    const n = Math.floor(s / unit);
    s -= n * unit;
    if (n > 0) out += `${n}${suffix}`;
  }
  return out || '0s';
}

/** `get`/`as-value`-style duration: `2w1d03:17:42` (weeks and days only when non-zero). */
export function formatValueDuration(ms: number): string {
  let s = Math.floor(ms / 1000);
  const w = Math.floor(s / 604_800);
  s -= w * 604_800;
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3_600);
  s -= h * 3_600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${w > 0 ? `${w}w` : ''}${d > 0 ? `${d}d` : ''}${pad(h)}:${pad(m)}:${pad(s)}`;
}

const CONTINUES_AS_KEY = /^[a-z][a-z0-9-]*=/;

/**
 * Wraps one `print detail` item at `width` columns, at token boundaries: the first line starts with
 * `head` (item number and flags), continuation lines are indented to the width of `head`.
 *
 * A token too long for a continuation line is split mid-token near the column limit, as exec output
 * splits long file paths; the split never puts a space or something that looks like `key=` at the
 * start of the next line, so a reader can tell a glued continuation from a new token.
 */
export function wrapDetailItem(head: string, tokens: readonly string[], width = 80): string {
  const indent = ' '.repeat(head.length);
  const room = Math.max(8, width - indent.length);
  const lines: string[] = [];
  let line = head;
  let lineHasToken = false;
  for (const token of tokens) {
    if (!lineHasToken || line.length + 1 + token.length <= width) {
      line += (lineHasToken ? ' ' : '') + token;
      lineHasToken = true;
      continue;
    }
    if (token.length <= room) {
      lines.push(line);
      line = indent + token;
      continue;
    }
    // Too long for any line: fill this one to the limit, then continue the token on the next ones.
    let rest = ' ' + token;
    while (line.length + rest.length > width) {
      let cut = Math.max(2, width - line.length);
      // Never leave a continuation that starts with a space or looks like a new `key=`: a reader
      // could not tell it from a new token (the real wrap point is unverified, this one is readable).
      while (cut > 2 && (rest[cut] === ' ' || CONTINUES_AS_KEY.test(rest.slice(cut, cut + 64)))) cut -= 1;
      lines.push(line + rest.slice(0, cut));
      rest = rest.slice(cut);
      line = indent;
    }
    line += rest;
  }
  lines.push(line);
  return lines.map((l) => l + CRLF).join('');
}

/**
 * RouterOS's error answer for an unknown command; exec still exits 0. Without `column` the first word
 * of `command` is named at column 2 (right after the leading `/`).
 */
export function badCommandName(command: string, column?: number): string {
  const name = command.trim().split(/[\s/]+/).filter(Boolean)[0] ?? command.trim();
  return `bad command name ${name} (line 1 column ${column ?? 2})${CRLF}`;
}

/** `expected end of command (line 1 column N)`: RouterOS's answer to an argument it does not know. */
export function expectedEndOfCommand(column: number): string {
  return `expected end of command (line 1 column ${column})${CRLF}`;
}

/** `2026-10-01 08:35:03`: how recent RouterOS 7 prints a date (UTC here). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * A quoted RouterOS string as `print` shows it: `\`, `"` and `$` escaped with a backslash.
 *
 * @example quoteRouterOs('U.2 SSD') === '"U.2 SSD"'
 */
export function quoteRouterOs(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Characters a `terse` string may show without quotes; anything else (or an empty string) is quoted. */
const TERSE_BARE = /^[A-Za-z0-9._-]+$/;

/**
 * One property value with its RouterOS type, so each output form renders it as RouterOS does:
 * - `string`: quoted in `detail`, quoted in `terse` only when empty or not `[A-Za-z0-9._-]`, bare in
 *   singleton `print` and tables; in JSON a string that looks like a number becomes a number.
 * - `word`: enums, paths, references (`raid-master=none`, `file-path=/a/b.img`): never quoted.
 * - `number`: bare (`nvme-tcp-server-port=4420`); `counter`: bytes and counters, space thousands
 *   separators in `detail`, singletons and tables (`size=960 197 124 096`), raw in `terse` and values.
 * - `bool`: `yes`/`no`, `true`/`false` in values; `duration` (ms): `1w2d3h4m5s`, `1w2d03:04:05` in values;
 *   `date`: verbatim; `unit`: `3%`, `2000MHz`, the bare number in values; `size`: `1024.0GiB`, bytes in
 *   values; `unset`: printed as its text (`fs=-`), absent from `as-value` and JSON.
 */
export type RosValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'counter'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'duration'; readonly value: number }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'unit'; readonly value: number; readonly unit: string }
  | { readonly kind: 'size'; readonly value: number }
  | { readonly kind: 'unset'; readonly text: string };

/** Short constructors for {@link RosValue}s. */
export const ros = {
  str: (value: string): RosValue => ({ kind: 'string', value }),
  word: (value: string): RosValue => ({ kind: 'word', value }),
  num: (value: number): RosValue => ({ kind: 'number', value }),
  counter: (value: number): RosValue => ({ kind: 'counter', value }),
  bool: (value: boolean): RosValue => ({ kind: 'bool', value }),
  duration: (ms: number): RosValue => ({ kind: 'duration', value: ms }),
  date: (value: string): RosValue => ({ kind: 'date', value }),
  unit: (value: number, unit: string): RosValue => ({ kind: 'unit', value, unit }),
  size: (bytes: number): RosValue => ({ kind: 'size', value: bytes }),
  unset: (text = '-'): RosValue => ({ kind: 'unset', text }),
} as const;

/** The output forms a value renders in. `print`: singleton `key: value` lines and table cells. */
export type RosForm = 'detail' | 'terse' | 'print';

/** Renders `v` for a text form. `groupTerse`: terse counters with thousands separators too (a quirk some outputs show). */
export function renderRosValue(v: RosValue, form: RosForm, groupTerse = false): string {
  switch (v.kind) {
    case 'string':
      if (form === 'detail') return quoteRouterOs(v.value);
      if (form === 'terse') return TERSE_BARE.test(v.value) ? v.value : quoteRouterOs(v.value);
      return v.value;
    case 'word':
    case 'date':
      return v.value;
    case 'number':
      return String(v.value);
    case 'counter':
      return form === 'terse' && !groupTerse ? String(v.value) : groupThousands(v.value);
    case 'bool':
      return v.value ? 'yes' : 'no';
    case 'duration':
      return formatPrintDuration(v.value);
    case 'unit':
      return `${v.value}${v.unit}`;
    case 'size':
      return formatSize(v.value);
    case 'unset':
      return v.text;
  }
}

/** The raw `as-value` text of `v` (`undefined` for unset values, which `as-value` leaves out). */
export function rawRosValue(v: RosValue): string | undefined {
  switch (v.kind) {
    case 'string':
    case 'word':
    case 'date':
      return v.value;
    case 'number':
    case 'counter':
    case 'unit':
    case 'size':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'duration':
      return formatValueDuration(v.value);
    case 'unset':
      return undefined;
  }
}

const LOOKS_NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * The JSON value `:serialize to=json` gives `v`: numbers, booleans, strings; a string that looks like
 * a number becomes a number unless `stringConversion` is off (`options=json.no-string-conversion`).
 */
export function jsonRosValue(v: RosValue, stringConversion = true): string | number | boolean | undefined {
  switch (v.kind) {
    case 'number':
    case 'counter':
    case 'unit':
    case 'size':
      return v.value;
    case 'bool':
      return v.value;
    case 'unset':
      return undefined;
    default: {
      const raw = rawRosValue(v)!;
      return stringConversion && LOOKS_NUMERIC.test(raw) && Number.isSafeInteger(Math.trunc(Number(raw))) ? Number(raw) : raw;
    }
  }
}
