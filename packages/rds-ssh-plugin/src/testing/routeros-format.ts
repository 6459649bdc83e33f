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

/**
 * Wraps one `print detail` item at `width` columns, at token boundaries: the first line starts with
 * `head` (item number and flags), continuation lines are indented to the width of `head`.
 */
export function wrapDetailItem(head: string, tokens: readonly string[], width = 80): string {
  const indent = ' '.repeat(head.length);
  const lines: string[] = [];
  let line = head;
  let lineHasToken = false;
  for (const token of tokens) {
    if (lineHasToken && line.length + 1 + token.length > width) {
      lines.push(line);
      line = indent + token;
    } else {
      line += (lineHasToken ? ' ' : '') + token;
    }
    lineHasToken = true;
  }
  lines.push(line);
  return lines.map((l) => l + CRLF).join('');
}

/** RouterOS's error answer for an unknown command; exec still exits 0. */
export function badCommandName(command: string): string {
  const name = command.trim().split(/[\s/]+/).filter(Boolean)[0] ?? command.trim();
  return `bad command name ${name} (line 1 column 2)${CRLF}`;
}
