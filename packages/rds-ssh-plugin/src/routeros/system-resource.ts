import { parseKeyValuePrint } from './print.js';
import { parseRouterOsDuration, parseRouterOsNumber, parseSize } from './values.js';

/** `/system resource print`, in base units. Fields the output lacks or that do not parse are absent. */
export interface SystemResource {
  /** Time since boot (ms), from `uptime: 1w2d3h4m5s`. */
  readonly uptimeMs?: number;
  /** CPU load as a ratio 0..1, from `cpu-load: 3%`. */
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
 * Parses `/system resource print` (the print form, not `as-value`: `cpu-load` keeps its `%` and
 * sizes carry binary units).
 *
 * @example parseSystemResource('  uptime: 1m58s\r\n  cpu-load: 3%\r\n').cpuLoad === 0.03
 */
export function parseSystemResource(output: string): SystemResource {
  const kv = parseKeyValuePrint(output);
  const text = (key: string): string | undefined => (kv[key] !== undefined && kv[key] !== '' ? kv[key] : undefined);
  const num = <T>(key: string, parse: (t: string) => T | undefined): T | undefined => {
    const t = text(key);
    return t === undefined ? undefined : parse(t);
  };
  const load = num('cpu-load', parseRouterOsNumber);
  const result: Record<string, number | string | undefined> = {
    uptimeMs: num('uptime', parseRouterOsDuration),
    // RouterOS prints whole percents; clamp guards the ratio against a board that over-reports.
    cpuLoad: load === undefined ? undefined : Math.min(1, Math.max(0, load / 100)),
    freeMemoryBytes: num('free-memory', parseSize),
    totalMemoryBytes: num('total-memory', parseSize),
    version: text('version'),
    boardName: text('board-name'),
    architecture: text('architecture-name'),
  };
  for (const k of Object.keys(result)) if (result[k] === undefined) delete result[k];
  return result as SystemResource;
}
