import { inRange, IGNORE_REJECTIONS, LIMITS, checkedField, type Rejections } from './plausibility.js';
import { parseKeyValuePrint } from './print.js';
import { deviceText } from './device-text.js';
import { parseRouterOsDuration, parseRouterOsNumber, parseSize } from './values.js';

/** `/system resource print`, in base units. Fields the output lacks, that do not parse or cannot be true are absent. */
export interface SystemResource {
  /** Time since boot (ms), from `uptime: 1w2d3h4m5s` (or `2w1d03:17:42` as-value). */
  readonly uptimeMs?: number;
  /** CPU load as a ratio 0..1, from `cpu-load: 3%` (or `3` as-value). */
  readonly cpuLoad?: number;
  /** Bytes, from `free-memory: 178.1MiB` (one decimal: precise to about 0.05 %). */
  readonly freeMemoryBytes?: number;
  /** Bytes, from `total-memory: 384.0MiB`. */
  readonly totalMemoryBytes?: number;
  /** `version: 7.16 (stable)`, verbatim. */
  readonly version?: string;
  /** `board-name`, verbatim. */
  readonly boardName?: string;
  /** `architecture-name` (`arm64`, `x86_64`), verbatim. */
  readonly architecture?: string;
}

/**
 * Parses `/system resource print` (the print form: `cpu-load` keeps its `%` and sizes carry
 * binary units). Implausible values are left out and counted in `rejections`: uptime beyond 100
 * years, a CPU load outside 0..100 %, total memory outside 1 MiB..64 TiB, free memory above total.
 *
 * @example parseSystemResource('  uptime: 1m58s\r\n  cpu-load: 3%\r\n').cpuLoad === 0.03
 */
export function parseSystemResource(output: string, rejections: Rejections = IGNORE_REJECTIONS): SystemResource {
  return systemResourceFromRecord(parseKeyValuePrint(output), rejections);
}

/**
 * The same checks over a record of text values, from the print form or from
 * `:serialize to=json [/system resource print as-value]` (numbers turned into text).
 */
export function systemResourceFromRecord(record: Readonly<Record<string, string>>, rejections: Rejections = IGNORE_REJECTIONS): SystemResource {
  const text = (key: string): string | undefined => (Object.hasOwn(record, key) && record[key] !== '' ? record[key] : undefined);
  const uptimeMs = checkedField(text('uptime'), parseRouterOsDuration, (v) => inRange(v, 0, LIMITS.maxUptimeSeconds * 1000), rejections);
  const load = checkedField(text('cpu-load'), parseRouterOsNumber, (v) => inRange(v, 0, 100), rejections);
  const total = checkedField(text('total-memory'), parseSize, (v) => inRange(v, LIMITS.minMemoryBytes, LIMITS.maxMemoryBytes), rejections);
  const free = checkedField(text('free-memory'), parseSize, (v) => inRange(v, 0, total ?? LIMITS.maxMemoryBytes), rejections);
  const result: Record<string, number | string | undefined> = {
    uptimeMs,
    cpuLoad: load === undefined ? undefined : load / 100,
    freeMemoryBytes: free,
    totalMemoryBytes: total,
    version: deviceText(text('version'), rejections),
    boardName: deviceText(text('board-name'), rejections),
    architecture: deviceText(text('architecture-name'), rejections),
  };
  for (const k of Object.keys(result)) if (result[k] === undefined) delete result[k];
  return result as SystemResource;
}
