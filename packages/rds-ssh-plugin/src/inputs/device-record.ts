import { jsonRecord, parseJsonDocument, parseJsonRecords } from '../routeros/json-records.js';
import { IGNORE_REJECTIONS, type Rejections } from '../routeros/plausibility.js';
import { parsePrintDetail } from '../routeros/print-detail.js';
import { isBlank } from '../routeros/scan.js';
import { slices, yieldToEventLoop } from '../routeros/slices.js';
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

/**
 * {@link recordsFromText} a slice at a time ({@link slices}, cut between items), yielding to the
 * event loop between slices: a 2 MiB answer never holds the loop for one long parse.
 */
export async function recordsFromTextInSlices(output: string, limit: number = Number.POSITIVE_INFINITY): Promise<DeviceRecord[] | undefined> {
  const pieces = slices(output, 'items');
  if (pieces.length === 1) return recordsFromText(output)?.slice(0, limit);
  const records: DeviceRecord[] = [];
  for (const piece of pieces) {
    // Once `limit` records are in hand the rest is not parsed at all.
    if (records.length >= limit) break;
    for (const item of parsePrintDetail(piece)) records.push({ source: 'text', flags: item.flags, props: item.properties });
    await yieldToEventLoop();
  }
  if (records.length === 0 && hasContent(output)) return undefined;
  return records;
}

/** Objects converted per slice of a JSON answer (~1-2 ms each). */
const JSON_SLICE = 1024;

/** {@link recordsFromJson}, converting the parsed objects a slice at a time with the event loop served in between. */
export async function recordsFromJsonInSlices(
  output: string,
  rejections: Rejections = IGNORE_REJECTIONS,
  limit: number = Number.POSITIVE_INFINITY,
): Promise<DeviceRecord[] | undefined> {
  const doc = parseJsonDocument(output);
  if (!doc) return undefined;
  const records: DeviceRecord[] = [];
  for (let i = 0; i < doc.objects.length && i < limit; i++) {
    if (i > 0 && i % JSON_SLICE === 0) await yieldToEventLoop();
    records.push({ source: 'json', flags: '', props: jsonRecord(doc.objects[i]!, rejections, doc.careful) });
  }
  return records;
}

/** Records of a `:serialize to=json` answer; `undefined` when it is not JSON records. */
export function recordsFromJson(output: string, rejections?: Rejections): DeviceRecord[] | undefined {
  return parseJsonRecords(output, rejections)?.map((props) => ({ source: 'json', flags: '', props }));
}

/** A property, or undefined when absent (never an inherited member of Object.prototype). */
export function prop(record: DeviceRecord, key: string): string | undefined {
  // Every own value is a string; what Object.prototype would lend (`constructor`, ...) never is.
  const v: unknown = record.props[key];
  return typeof v === 'string' ? v : undefined;
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

/** True when some line is neither blank nor a `Flags:` / `Columns:` header nor a comment. No copies. */
export function hasContent(output: string): boolean {
  const n = output.length;
  let start = 0;
  while (start < n) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    let i = start;
    while (i < end && isBlank(output.charCodeAt(i))) i++;
    if (i < end && !output.startsWith('Flags:', i) && !output.startsWith('Columns:', i) && !output.startsWith(';;;', i)) return true;
    start = end + 1;
  }
  return false;
}
