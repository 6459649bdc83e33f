import { isSecretField } from './secret-fields.js';

/** Most properties kept per record: RouterOS items have about 60; more is noise. */
const MAX_KEYS_PER_RECORD = 256;
/** Most list elements joined into one value (`devs` of a btrfs filesystem). */
const MAX_LIST_ELEMENTS = 64;

/**
 * Parses what `:put [:serialize to=json [<path> print ... as-value]]` prints into records of text
 * values, the shape the text parsers produce, so one set of field parsers serves both forms:
 * numbers become their decimal text, booleans `true`/`false`, lists of scalars are joined with
 * `,`; nested objects, `null` and keys that are not RouterOS property names are dropped, and so are
 * credential fields. A top-level object is one record, an array of objects is one record each.
 *
 * Returns `undefined` when the output is not JSON of that shape (the caller counts it unparsable).
 * Line breaks are removed first (exec output may wrap a long line; JSON strings never hold a raw
 * one). `JSON.parse` is linear and iterative; the caller caps the output size. Never throws.
 */
export function parseJsonRecords(output: string): Record<string, string>[] | undefined {
  const text = output.replace(/[\r\n]/g, '').trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isObject(value)) return [toRecord(value)];
  if (!Array.isArray(value)) return undefined;
  const records: Record<string, string>[] = [];
  for (const element of value as unknown[]) if (isObject(element)) records.push(toRecord(element));
  if (records.length === 0 && value.length > 0) return undefined;
  return records;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toRecord(object: Record<string, unknown>): Record<string, string> {
  const record: Record<string, string> = {};
  let kept = 0;
  for (const key of Object.keys(object)) {
    if (kept >= MAX_KEYS_PER_RECORD) break;
    if (!isPropertyName(key) || isSecretField(key)) continue;
    const text = scalarText(object[key]) ?? listText(object[key]);
    if (text === undefined) continue;
    record[key] = text;
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
