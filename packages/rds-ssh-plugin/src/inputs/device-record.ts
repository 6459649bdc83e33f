import { parseJsonRecords } from '../routeros/json-records.js';
import type { Rejections } from '../routeros/plausibility.js';
import { parsePrintDetail } from '../routeros/print-detail.js';
import { lines } from '../routeros/scan.js';
import { parseRouterOsBoolean } from '../routeros/values.js';

/**
 * One item of a RouterOS listing, from either output form: `text` (`print terse` / `detail`,
 * with a flags column) or `json` (`:serialize to=json [... as-value]`, no flags; some flags come
 * as boolean properties instead).
 */
export interface DeviceRecord {
  readonly source: 'text' | 'json';
  readonly flags: string;
  /** Property values as text (JSON numbers and booleans turned into text); credentials already dropped. */
  readonly props: Readonly<Record<string, string>>;
}

/** Items of a `print terse` / `print detail` answer; `undefined` when it holds text but no item (garbage). */
export function recordsFromText(output: string): DeviceRecord[] | undefined {
  const items = parsePrintDetail(output);
  if (items.length === 0 && hasContent(output)) return undefined;
  return items.map((item) => ({ source: 'text', flags: item.flags, props: item.properties }));
}

/** Records of a `:serialize to=json` answer; `undefined` when it is not JSON records. */
export function recordsFromJson(output: string, rejections?: Rejections): DeviceRecord[] | undefined {
  return parseJsonRecords(output, rejections)?.map((props) => ({ source: 'json', flags: '', props }));
}

/** A property, or undefined when absent (never an inherited member of Object.prototype). */
export function prop(record: DeviceRecord, key: string): string | undefined {
  return Object.hasOwn(record.props, key) ? record.props[key] : undefined;
}

/**
 * A yes/no fact: the flag letter in text form, or a boolean property (either form). `undefined`
 * when neither form says (a JSON record without the property).
 */
export function fact(record: DeviceRecord, options: { flag?: string; props?: readonly string[] }): boolean | undefined {
  for (const key of options.props ?? []) {
    const v = prop(record, key);
    if (v !== undefined) {
      const b = parseRouterOsBoolean(v);
      if (b !== undefined) return b;
    }
  }
  if (options.flag !== undefined && record.source === 'text') return record.flags.includes(options.flag);
  return undefined;
}

/** RouterOS's spellings of "no value": ``, `none`, `-`. */
export function isNone(value: string | undefined): boolean {
  return value === undefined || value === '' || value === 'none' || value === '-';
}

/** True when some line is neither blank nor a `Flags:` / `Columns:` header nor a comment. */
export function hasContent(output: string): boolean {
  for (const raw of lines(output)) {
    const t = raw.trim();
    if (t !== '' && !t.startsWith('Flags:') && !t.startsWith('Columns:') && !t.startsWith(';;;')) return true;
  }
  return false;
}
