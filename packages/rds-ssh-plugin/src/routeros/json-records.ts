import { IGNORE_REJECTIONS, type Rejections } from './plausibility.js';
import { isSecretField, mayHoldSecret, scrubValue } from './secret-fields.js';

/** Most properties kept per record: RouterOS items have about 60; more is noise. */
const MAX_KEYS_PER_RECORD = 256;
/** Most list elements joined into one value (`devs` of a btrfs filesystem). */
const MAX_LIST_ELEMENTS = 64;
/**
 * Deepest nesting accepted: RouterOS prints a list of records whose values may be lists (depth 3).
 * Checked before `JSON.parse`, which takes half a second on 2 MiB of `[[[[...` (measured, Node 20).
 */
const MAX_DEPTH = 8;
/** The only properties whose value may be a list (joined with `,`): elsewhere a list is a wrong type. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['devs', 'dev-ids', 'spaces', 'ports', 'members']);

/**
 * Parses what `:put [:serialize to=json [<path> print ... as-value]]` prints into records of text
 * values, the shape the text parsers produce, so one set of field parsers serves both forms:
 * numbers become their decimal text, booleans `true`/`false`, lists of scalars (only for list
 * properties such as `devs`) are joined with `,`. Values of any other type (objects, `null`, a list
 * where a scalar belongs, a non-finite number) are dropped and counted `unparsable`; keys that are
 * not RouterOS property names and credential fields are dropped. A top-level object is one record,
 * an array of objects is one record each.
 *
 * Returns `undefined` when the output is not JSON of that shape (the caller counts it unparsable).
 * Line breaks are removed first (exec output may wrap a long line; JSON strings never hold a raw
 * one). `JSON.parse` is linear and iterative; the caller caps the output size. Never throws.
 */
export function parseJsonRecords(output: string, rejections: Rejections = IGNORE_REJECTIONS): Record<string, string>[] | undefined {
  const doc = parseJsonDocument(output);
  if (!doc) return undefined;
  const records: Record<string, string>[] = [];
  for (const object of doc.objects) records.push(jsonRecord(object, rejections, doc.careful));
  return records;
}

/**
 * The first half of {@link parseJsonRecords}: the JSON parsed and checked for shape, the objects
 * that become records (not yet converted), and whether the answer holds a secret word at all.
 * Lets a caller convert the objects a batch at a time.
 */
export function parseJsonDocument(output: string): { readonly objects: readonly Record<string, unknown>[]; readonly careful: boolean } | undefined {
  const text = output.replace(/[\r\n]/g, '').trim();
  if (text === '' || !shallow(text, MAX_DEPTH)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // One scan of the whole answer spares the per-key and per-value secret checks when it has none.
  const careful = mayHoldSecret(text);
  if (isObject(value)) return { objects: [value], careful };
  if (!Array.isArray(value)) return undefined;
  const objects = (value as unknown[]).filter(isObject);
  if (objects.length === 0 && value.length > 0) return undefined;
  return { objects, careful };
}

/** True when brackets outside strings never nest deeper than `max`. One pass, no allocation. */
function shallow(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return false;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One JSON object as a record of text values (the second half of {@link parseJsonRecords}). */
export function jsonRecord(object: Record<string, unknown>, rejections: Rejections, careful: boolean): Record<string, string> {
  const record: Record<string, string> = {};
  let kept = 0;
  for (const key of Object.keys(object)) {
    if (kept >= MAX_KEYS_PER_RECORD) break;
    if (!isPropertyName(key) || (careful && isSecretField(key))) continue;
    const text = scalarText(object[key]) ?? (LIST_FIELDS.has(key) ? listText(object[key]) : undefined);
    if (text === undefined) {
      rejections.add('unparsable');
      continue;
    }
    record[key] = careful ? scrubValue(text) : text;
    kept++;
  }
  return record;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function listText(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const parts: string[] = [];
  for (const element of v.slice(0, MAX_LIST_ELEMENTS) as unknown[]) {
    const t = scalarText(element);
    if (t !== undefined) parts.push(t);
  }
  return parts.join(',');
}

/** `.id`, `cpu-load`, `raid-member-failed`: `.?[a-z0-9][a-z0-9.-]*`, at most 64 characters. */
function isPropertyName(key: string): boolean {
  if (key.length === 0 || key.length > 64) return false;
  let i = key.charCodeAt(0) === 0x2e ? 1 : 0;
  if (i >= key.length) return false;
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || (c === 0x2e && i > 0);
    if (!ok) return false;
  }
  return true;
}
