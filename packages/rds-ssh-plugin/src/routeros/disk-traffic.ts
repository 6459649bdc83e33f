import { IGNORE_REJECTIONS, LIMITS, inRange, type Rejections } from './plausibility.js';
import { parseKeyValuePrint } from './print.js';
import { parseRate, parseRouterOsDuration, parseRouterOsNumber } from './values.js';

/** `/disk monitor-traffic <slot> once`, values in base units. */
export interface DiskTraffic {
  readonly slot: string;
  /**
   * Every numeric field by its RouterOS name: `*-ops`, `*-bytes`, `*-merges` (cumulative counts),
   * `*-per-second` (instantaneous), `*-rate` (bits per second), `*-time` (milliseconds).
   */
  readonly values: Readonly<Record<string, number>>;
}

/**
 * Parses `/disk monitor-traffic <slot> once` output; fields that do not parse, or that are
 * negative or beyond 2^53 (a counter RouterOS cannot have printed), are left out and counted.
 */
export function parseDiskTraffic(output: string, rejections: Rejections = IGNORE_REJECTIONS): DiskTraffic {
  const kv = parseKeyValuePrint(output);
  const values: Record<string, number> = {};
  for (const [key, text] of Object.entries(kv)) {
    if (key === 'slot') continue;
    const v = key.endsWith('-rate') ? parseRate(text) : key.endsWith('-time') ? parseRouterOsDuration(text) : parseRouterOsNumber(text);
    if (v === undefined) {
      if (text !== '') rejections.add('unparsable');
      continue;
    }
    if (!inRange(v, 0, LIMITS.maxCount)) {
      rejections.add('implausible');
      continue;
    }
    values[key] = v;
  }
  return { slot: kv['slot'] ?? '', values };
}
