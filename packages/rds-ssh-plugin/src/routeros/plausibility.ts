/**
 * Why a value the device printed was not turned into a sample. Bounded: these become the `reason`
 * label of `rds_telemetry_errors_total{input,reason}`.
 *
 * - `unparsable`: the field was printed but is not in any grammar RouterOS uses for it.
 * - `implausible`: it parsed, but cannot be true (negative uptime, free > total, 1.1e32 bytes, 250 % CPU).
 * - `unrecognised`: a known field in a vocabulary this version does not know (a RAID state, a PSU state);
 *   the sample is still reported (as `other`), the count says the parser needs a look.
 * - `cap`: dropped by the input's series cap (`maxSeries`, `telemetryMaxDisks`).
 * - `refused`: one of several per-item commands was refused (`no such item` for one slot).
 * - `invalid-name`: a slot, sensor or interface name that cannot be a label (too long, control characters).
 */
export type RejectReason = 'unparsable' | 'implausible' | 'unrecognised' | 'cap' | 'refused' | 'invalid-name';

/** Counts refused values by reason while a reading is built. */
export class Rejections {
  private readonly counts = new Map<RejectReason, number>();

  add(reason: RejectReason, count = 1): void {
    if (count > 0) this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  get total(): number {
    let sum = 0;
    for (const c of this.counts.values()) sum += c;
    return sum;
  }

  /** Adds every count of `other`. */
  addAll(other: Rejections): void {
    for (const { reason, count } of other.list()) this.add(reason, count);
  }

  count(reason: RejectReason): number {
    return this.counts.get(reason) ?? 0;
  }

  /** As `TelemetryReading.rejected`: one entry per reason seen, sorted by reason. */
  list(): { reason: RejectReason; count: number }[] {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([reason, count]) => ({ reason, count }));
  }
}

/** A sink that counts nothing: for callers that only want the parsed values. */
export const IGNORE_REJECTIONS: Rejections = new (class extends Rejections {
  override add(): void {
    // counts nothing
  }
})();

/**
 * The ranges a device value must fall in. Wide enough for any real RDS (20 bays of 30 TB, a
 * 100 GbE port running for decades), narrow enough that garbage (1.1e32 bytes) is caught.
 */
export const LIMITS = {
  /** Byte counts and sizes: beyond 2^53 a double no longer holds whole bytes. */
  maxBytes: Number.MAX_SAFE_INTEGER,
  /** Counters (operations, packets, errors): the same bound. */
  maxCount: Number.MAX_SAFE_INTEGER,
  /** Device memory: 1 MiB .. 64 TiB. */
  minMemoryBytes: 1024 ** 2,
  maxMemoryBytes: 64 * 1024 ** 4,
  /** Uptime and power-on time: 100 years. */
  maxUptimeSeconds: 100 * 365.25 * 86_400,
  /** Temperatures (°C) a sensor can report and still be a reading. */
  minCelsius: -60,
  maxCelsius: 200,
  /** Fan speed (RPM). */
  maxRpm: 100_000,
  /** Voltage (V) of a board or PSU rail, and AC input. */
  maxVolts: 400,
  /** Current (A). */
  maxAmperes: 500,
  /** Power (W). */
  maxWatts: 20_000,
} as const;

/** True when `v` is a finite number in `[min, max]`. */
export function inRange(v: number | undefined, min: number, max: number): v is number {
  return v !== undefined && Number.isFinite(v) && v >= min && v <= max;
}

/** True when `v` is a whole number in `[0, max]`. */
export function isCount(v: number | undefined, max: number = LIMITS.maxCount): v is number {
  return v !== undefined && Number.isInteger(v) && v >= 0 && v <= max;
}

/**
 * Reads one field: `undefined` when absent or empty (nothing counted), the checked value when it
 * parses and passes `ok`, else `undefined` with the refusal counted (`unparsable` / `implausible`).
 */
export function checkedField<T>(
  text: string | undefined,
  parse: (t: string) => T | undefined,
  ok: (v: T) => boolean,
  rejections: Rejections,
): T | undefined {
  if (text === undefined || text === '') return undefined;
  const value = parse(text);
  if (value === undefined) {
    rejections.add('unparsable');
    return undefined;
  }
  if (!ok(value)) {
    rejections.add('implausible');
    return undefined;
  }
  return value;
}
