const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses a duration: a non-negative integer of milliseconds, or a string `<number><unit>` with unit
 * `ms`, `s`, `m`, `h`, `d` (`500ms`, `5s`, `1.5m`). Returns `undefined` when it is neither, so the
 * caller can report the key and the value.
 *
 * @public
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const m = DURATION.exec(trimmed);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS_MS[m[2]!]!;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Formats ms the way config accepts it back (`16s`, `1500ms`, `2m`). @public */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
