import { deviceName } from './device-text.js';
import { inRange, IGNORE_REJECTIONS, LIMITS, type Rejections } from './plausibility.js';
import { parsePrintDetail } from './print-detail.js';
import { isBlank, isDigit } from './scan.js';
import { parseRouterOsNumber } from './values.js';

/** One row of `/system health print`: `name`, `value`, `type` (`C`, `RPM`, `V`, `A`, `W`, or empty for a PSU state). */
export interface HealthRow {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

/** The PSU states RouterOS prints; anything else is reported as `other`. */
export const PSU_STATES = ['ok', 'fail', 'not-present', 'idle', 'no-input'] as const;
export type PsuState = (typeof PSU_STATES)[number] | 'other';

export interface SensorReading {
  readonly sensor: string;
  readonly value: number;
}

/** `/system health`, in base units, checked. */
export interface SystemHealth {
  readonly temperaturesCelsius: readonly SensorReading[];
  readonly fansRpm: readonly SensorReading[];
  readonly voltagesVolts: readonly SensorReading[];
  readonly currentsAmperes: readonly SensorReading[];
  readonly powersWatts: readonly SensorReading[];
  readonly psus: readonly { readonly sensor: string; readonly state: PsuState }[];
  /** True when temperatures and voltages came x10 (°C x10, dV) and were divided by 10. */
  readonly scaledByTen: boolean;
}

/**
 * Rows of `/system health print terse` (`0 name=cpu-temperature value=43 type=C`) or of the
 * v7 table (`Columns: NAME, VALUE, TYPE` then ` 0  cpu-temperature  43  C`). Linear, never throws.
 */
export function parseHealthText(output: string): HealthRow[] {
  const rows: HealthRow[] = [];
  const items = parsePrintDetail(output);
  if (items.length > 0) {
    for (const item of items) {
      const p = item.properties;
      if (p['name'] !== undefined && p['value'] !== undefined) rows.push(p['type'] !== undefined ? { name: p['name'], value: p['value'], type: p['type'] } : { name: p['name'], value: p['value'] });
    }
    return rows;
  }
  // The table: `<#> <name> <value> [<type>]`; values and names hold no spaces. Over offsets: only
  // rows that start with an item number are cut into words.
  const n = output.length;
  for (let start = 0; start < n; ) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    const line = start;
    start = end + 1;
    let i = line;
    while (i < end && isBlank(output.charCodeAt(i))) i++;
    if (i >= end || !isDigit(output.charCodeAt(i)) || end - line > 256) continue;
    const tokens = words(output.slice(line, end), 5);
    if (tokens.length < 3 || tokens.length > 4 || !isIndex(tokens[0]!)) continue;
    rows.push(tokens[3] !== undefined ? { name: tokens[1]!, value: tokens[2]!, type: tokens[3] } : { name: tokens[1]!, value: tokens[2]! });
  }
  return rows;
}

/** Type of a row that prints none, from its name (`cpu-temperature` -> `C`, `fan1-speed` -> `RPM`). */
function inferredType(name: string, value: string): string {
  if ((PSU_STATES as readonly string[]).includes(value)) return '';
  if (name.endsWith('temperature')) return 'C';
  if (name.endsWith('-speed')) return 'RPM';
  if (name.endsWith('voltage')) return 'V';
  if (name.endsWith('current')) return 'A';
  if (name.endsWith('power-consumption') || name.endsWith('-power')) return 'W';
  if (name.endsWith('-state')) return '';
  return '?';
}

/**
 * Turns health rows into checked readings.
 *
 * The x10 pitfall: scripts, the API and SNMP report temperatures x10 and voltages in dV, the CLI
 * prints plain numbers; both reach us. The scale is a property of the interface that printed the
 * whole answer, so it is decided once per answer: when any temperature is above 150 (no RDS runs
 * at 150 °C, but 43.0 °C x10 is 430) and no temperature or voltage has a fractional part, every
 * temperature and voltage is divided by 10. Without a temperature row, a voltage above 400 V is
 * read as dV. Values still out of range after that are dropped (`implausible`).
 */
export function healthFromRows(rows: readonly HealthRow[], rejections: Rejections = IGNORE_REJECTIONS): SystemHealth {
  const parsed: { sensor: string; type: string; value: string; number: number | undefined }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const sensor = deviceName(row.name, rejections);
    if (sensor === undefined || seen.has(sensor)) continue;
    seen.add(sensor);
    const value = row.value.trim();
    const type = row.type !== undefined && row.type.trim() !== '' ? row.type.trim() : inferredType(sensor, value);
    parsed.push({ sensor, type, value, number: type === '' ? undefined : parseRouterOsNumber(value) });
  }
  const temps = parsed.filter((p) => p.type === 'C' && p.number !== undefined);
  const volts = parsed.filter((p) => p.type === 'V' && p.number !== undefined);
  const fractional = [...temps, ...volts].some((p) => !Number.isInteger(p.number));
  const scaledByTen = !fractional && temps.some((p) => p.number! > 150);

  const out = { temperaturesCelsius: [] as SensorReading[], fansRpm: [] as SensorReading[], voltagesVolts: [] as SensorReading[], currentsAmperes: [] as SensorReading[], powersWatts: [] as SensorReading[], psus: [] as { sensor: string; state: PsuState }[] };
  const push = (list: SensorReading[], sensor: string, v: number, min: number, max: number): void => {
    if (inRange(v, min, max)) list.push({ sensor, value: v });
    else rejections.add('implausible');
  };
  for (const p of parsed) {
    if (p.type === '') {
      const state = (PSU_STATES as readonly string[]).includes(p.value) ? (p.value as PsuState) : 'other';
      if (state === 'other') rejections.add('unrecognised');
      out.psus.push({ sensor: p.sensor, state });
      continue;
    }
    // A row of no known kind (a fan mode, say) is not a sensor reading: skipped, not counted.
    if (p.type === '?') continue;
    if (p.number === undefined) {
      rejections.add('unparsable');
      continue;
    }
    const v = p.number;
    switch (p.type) {
      case 'C':
        push(out.temperaturesCelsius, p.sensor, scaledByTen ? v / 10 : v, LIMITS.minCelsius, LIMITS.maxCelsius);
        break;
      case 'V': {
        const dV = scaledByTen || (temps.length === 0 && Math.abs(v) > LIMITS.maxVolts);
        push(out.voltagesVolts, p.sensor, dV ? v / 10 : v, -LIMITS.maxVolts, LIMITS.maxVolts);
        break;
      }
      case 'RPM':
        push(out.fansRpm, p.sensor, v, 0, LIMITS.maxRpm);
        break;
      case 'A':
        push(out.currentsAmperes, p.sensor, v, 0, LIMITS.maxAmperes);
        break;
      case 'W':
        push(out.powersWatts, p.sensor, v, 0, LIMITS.maxWatts);
        break;
      default:
        rejections.add('unrecognised');
    }
  }
  return { ...out, scaledByTen };
}

/** Up to `max` white-space separated words of `line` (more are not looked at). */
function words(line: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && out.length < max) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

function isIndex(token: string): boolean {
  if (token.length === 0 || token.length > 9) return false;
  for (let i = 0; i < token.length; i++) if (!isDigit(token.charCodeAt(i))) return false;
  return true;
}
