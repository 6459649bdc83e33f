/**
 * The longest wait Node.js timers honour (2^31 - 1 ms, about 24.8 days): a longer one fires at once,
 * so every duration setting is capped here.
 *
 * @public
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** One `<number><unit>` part; `ms` is tried before `m`. Sticky, so a scan is linear in the text. */
const PART = /(\d{1,15}(?:\.\d{1,9})?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration into milliseconds:
 * - a non-negative whole number is milliseconds (`500`, or the string `"500"`);
 * - a string of one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h`, `d`, `w`, each at
 *   most once and largest first: `500ms`, `5s`, `1.5m`, `1m30s`, `1h30m`, `2d12h`.
 *
 * Returns `undefined` for anything else (negative, fractional ms, NaN, Infinity, `5 s`, `30s1m`), so
 * the caller can report the key and the value. The result may exceed what a timer can wait: the
 * caller checks the key's range.
 *
 * @public
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > 64) return undefined;
  if (/^\d{1,16}$/.test(text)) return Number(text);
  let total = 0;
  let pos = 0;
  let lastSize = Infinity;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) return undefined;
    const size = UNITS_MS[m[2]!]!;
    if (size >= lastSize) return undefined; // each unit once, largest first: 1m30s, never 30s1m
    lastSize = size;
    total += Number(m[1]) * size;
    pos = PART.lastIndex;
  }
  const ms = Math.round(total);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Formats ms the way config accepts it back, compound where that is exact (`16s`, `1m30s`,
 * `1500ms`, `2h`).
 *
 * @public
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) return `${ms}ms`;
  if (ms === 0) return '0ms';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest > 0) out += `${rest}ms`;
  // Long mixed forms read worse than plain milliseconds (2147483647ms beats 24d20h31m23s647ms).
  return out.length > 12 ? `${ms}ms` : out;
}
