import { deviceText } from './device-text.js';
import { inRange, isCount, IGNORE_REJECTIONS, LIMITS, checkedField, type Rejections } from './plausibility.js';
import { isDigit } from './scan.js';
import { parseCelsius, parseCount, parseCriticalWarning, parseRouterOsNumber } from './values.js';

/** What `/disk smart-info <slot>` (smartctl text in one `OUTPUT` column, RouterOS 7.23+) says about one NVMe drive. */
export interface SmartInfo {
  readonly model?: string;
  readonly serial?: string;
  /** `SMART overall-health self-assessment test result: PASSED` (true) or `FAILED` (false). */
  readonly passed?: boolean;
  /** NVMe critical warning bits (0..255). */
  readonly criticalWarning?: number;
  readonly temperatureCelsius?: number;
  /** 0..1, from `Available Spare: 100%`. */
  readonly availableSpare?: number;
  readonly availableSpareThreshold?: number;
  /** NVMe "Percentage Used" as a ratio: 1 = rated endurance used up; may reach 2.55. */
  readonly percentageUsed?: number;
  readonly powerOnHours?: number;
  readonly unsafeShutdowns?: number;
  readonly mediaErrors?: number;
}

/** The smartctl labels read; other lines are not kept (bounded memory on hostile output). */
const KNOWN_LABELS = new Set([
  'Model Number',
  'Device Model',
  'Serial Number',
  'SMART overall-health self-assessment test result',
  'Critical Warning',
  'Temperature',
  'Available Spare',
  'Available Spare Threshold',
  'Percentage Used',
  'Power On Hours',
  'Unsafe Shutdowns',
  'Media and Data Integrity Errors',
]);

const ratio = (max: number) => (v: number) => inRange(v, 0, max);

/**
 * Parses smartctl's NVMe text as `/disk smart-info` prints it: `Label:   value` lines (commas as
 * thousands separators), optionally after a `Columns: OUTPUT` header and a row number. Unknown
 * lines are ignored; known fields that do not parse or cannot be true are left out and counted.
 * Linear, never throws. Some USB enclosures print nothing: the result is then `{}`.
 */
export function parseSmartInfo(output: string, rejections: Rejections = IGNORE_REJECTIONS): SmartInfo {
  const fields = new Map<string, string>();
  const n = output.length;
  for (let start = 0; start < n; ) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    const lineStart = start;
    start = end + 1;
    // Labels sit in the first 80 columns: the colon is looked for there only (an indexOf over the
    // rest of the output, per line, would make a colon-less answer quadratic).
    let colonAt = lineStart;
    const limit = Math.min(end, lineStart + 81);
    while (colonAt < limit && output.charCodeAt(colonAt) !== 0x3a) colonAt++;
    if (colonAt >= limit || colonAt === lineStart) continue;
    const raw = output.slice(lineStart, Math.min(end, lineStart + 512));
    const colon = colonAt - lineStart;
    let label = raw.slice(0, colon).trim();
    // A table row number in front (` 3 Temperature:`) is not part of the label.
    let d = 0;
    while (d < label.length && isDigit(label.charCodeAt(d))) d++;
    if (d > 0 && d < label.length && label[d] === ' ') label = label.slice(d).trim();
    if (KNOWN_LABELS.has(label) && !fields.has(label)) fields.set(label, raw.slice(colon + 1).trim());
  }
  const get = (label: string): string | undefined => fields.get(label);
  const percent = (label: string, max: number): number | undefined => {
    const v = checkedField(get(label), parseRouterOsNumber, ratio(max * 100), rejections);
    return v === undefined ? undefined : v / 100;
  };
  const health = get('SMART overall-health self-assessment test result');
  const result: Record<string, string | number | boolean | undefined> = {
    model: deviceText(get('Model Number') ?? get('Device Model'), rejections),
    serial: deviceText(get('Serial Number'), rejections),
    passed: health === undefined ? undefined : health === 'PASSED' ? true : health.startsWith('FAILED') ? false : undefined,
    criticalWarning: checkedField(get('Critical Warning'), parseCriticalWarning, (v) => isCount(v, 255), rejections),
    temperatureCelsius: checkedField(get('Temperature'), parseCelsius, (v) => inRange(v, LIMITS.minCelsius, LIMITS.maxCelsius), rejections),
    availableSpare: percent('Available Spare', 1),
    availableSpareThreshold: percent('Available Spare Threshold', 1),
    percentageUsed: percent('Percentage Used', 2.55),
    powerOnHours: checkedField(get('Power On Hours'), parseCount, (v) => isCount(v, LIMITS.maxUptimeSeconds / 3600), rejections),
    unsafeShutdowns: checkedField(get('Unsafe Shutdowns'), parseCount, (v) => isCount(v), rejections),
    mediaErrors: checkedField(get('Media and Data Integrity Errors'), parseCount, (v) => isCount(v), rejections),
  };
  if (health !== undefined && result['passed'] === undefined) rejections.add('unrecognised');
  for (const k of Object.keys(result)) if (result[k] === undefined) delete result[k];
  return result as SmartInfo;
}
