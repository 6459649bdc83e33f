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

/** Parses `/disk monitor-traffic <slot> once` output; fields that do not parse are left out. */
export function parseDiskTraffic(output: string): DiskTraffic {
  const kv = parseKeyValuePrint(output);
  const values: Record<string, number> = {};
  for (const [key, text] of Object.entries(kv)) {
    if (key === 'slot') continue;
    const v = key.endsWith('-rate') ? parseRate(text) : key.endsWith('-time') ? parseRouterOsDuration(text) : parseRouterOsNumber(text);
    if (v !== undefined) values[key] = v;
  }
  return { slot: kv['slot'] ?? '', values };
}
