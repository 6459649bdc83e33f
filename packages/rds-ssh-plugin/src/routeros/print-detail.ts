import { IGNORE_REJECTIONS, type Rejections } from './plausibility.js';
import { parseProperties } from './properties.js';
import { isBlank, isDigit, isLetter, keyEnd, startsWithKeyAssignment } from './scan.js';

export { parseProperties } from './properties.js';

/** One item of a `print detail` (or `print terse`) listing. */
export interface DetailItem {
  /** The item number RouterOS printed (not stable across changes; use a key such as `slot`). */
  readonly index: number;
  /** Flag letters of the item (`BM`, `Bt`, `Br`), spaces removed. */
  readonly flags: string;
  /** `;;; text` comment lines above the item, joined with a space. */
  readonly comment?: string;
  /** Properties as text; quoted strings are unquoted and unescaped; credentials are dropped. */
  readonly properties: Readonly<Record<string, string>>;
}

/** Item numbers longer than this are not item numbers (RouterOS lists have at most a few thousand items). */
const MAX_INDEX_DIGITS = 9;
/** More flag letters than this on one item is noise, not flags (RouterOS menus define a few dozen). */
const MAX_FLAGS = 32;
/**
 * Longest item text kept (a `/disk` item is about 1.5 KB): a longer one is noise, dropped without
 * parsing its properties, so one giant "item" cannot cost a 2 MiB property scan.
 */
export const MAX_ITEM_CHARS = 64 * 1024;

/**
 * Parses `print detail` output (`/disk print detail`) and `print terse` output (one unwrapped
 * line per item): an optional `Flags:` legend, then items `<n> <flags> key=value ...` whose long
 * lines wrap onto indented continuation lines, separated by blank lines, with optional
 * `;;; comment` lines. Exec output wraps at about 80 columns and may split a token: a continuation
 * that starts with `key=` (or follows a line that ended in a space) is joined with a space,
 * otherwise glued on directly. Linear in the output and never throws.
 */
export function parsePrintDetail(output: string, rejections: Rejections = IGNORE_REJECTIONS): DetailItem[] {
  const items: { index: number; flags: string; comment?: string; parts: string[]; chars: number }[] = [];
  let pendingComment: string[] = [];
  let current: (typeof items)[number] | undefined;
  // Line by line over offsets: blank, header and overlong continuation lines are never copied.
  const n = output.length;
  let prevEndsBlank = false;
  for (let start = 0; start < n; ) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    const lineStart = start;
    start = end + 1;
    // Inside an item already too long to keep, only a line that may end it is looked at.
    if (current && current.chars > MAX_ITEM_CHARS && !mayEndItem(output, lineStart, end)) continue;
    let last = end; // exclusive end without the trailing blanks (CR included)
    while (last > lineStart && isBlank(output.charCodeAt(last - 1))) last--;
    let first = lineStart;
    while (first < last && isBlank(output.charCodeAt(first))) first++;
    const endsBlank = end > lineStart && isBlank(output.charCodeAt(end - 1 - (output.charCodeAt(end - 1) === 0x0d ? 1 : 0)));
    if (first === last) {
      current = undefined;
      prevEndsBlank = endsBlank;
      continue;
    }
    if (output.startsWith('Flags:', first) || output.startsWith('Columns:', first)) {
      current = undefined;
      continue;
    }
    if (output.startsWith(';;;', first)) {
      pendingComment.push(output.slice(first + 3, last).trim());
      current = undefined;
      continue;
    }
    const start0 = first - lineStart <= 3 ? itemStart(output, lineStart, last) : undefined;
    if (start0) {
      const head = output.slice(start0.propsAt, last);
      current = { index: start0.index, flags: start0.flags, parts: [head], chars: head.length };
      if (pendingComment.length > 0) current.comment = pendingComment.join(' ');
      pendingComment = [];
      items.push(current);
    } else if (current && current.chars <= MAX_ITEM_CHARS) {
      const trimmed = output.slice(first, last);
      const sep = startsWithKeyAssignment(trimmed) || prevEndsBlank ? ' ' : '';
      current.parts.push(sep + trimmed);
      current.chars += sep.length + trimmed.length;
    }
    prevEndsBlank = endsBlank;
  }
  const out: DetailItem[] = [];
  for (const { index, flags, comment, parts, chars } of items) {
    if (chars > MAX_ITEM_CHARS) {
      rejections.add('unparsable');
      continue;
    }
    const properties = parseProperties(parts.length === 1 ? parts[0]! : parts.join(''));
    // Two literal shapes, not a spread: a spread per item costs more than parsing its properties.
    out.push(comment !== undefined ? { index, flags, comment, properties } : { index, flags, properties });
  }
  return out;
}

/** True when the line may start an item, a comment or a header, or is blank: it can end the item before it. */
function mayEndItem(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && i - from < 3 && text.charCodeAt(i) === 0x20) i++;
  if (i >= to) return true;
  const c = text.charCodeAt(i);
  if (isDigit(c) || c === 0x3b || c === 0x46 || c === 0x43) return true; // digit, ';;;', 'Flags:', 'Columns:'
  while (i < to && isBlank(text.charCodeAt(i))) i++;
  return i >= to; // a blank line
}

/**
 * Recognises the first line of an item: up to 3 spaces, the item number, white space, optional
 * flag letters (words of `[A-Za-z]`), then the first `key=`. Anything else (a continuation line,
 * a table header, noise) is not an item start. One pass over the line.
 */
function itemStart(text: string, from: number, to: number): { index: number; flags: string; propsAt: number } | undefined {
  let i = from;
  while (i < to && i - from < 3 && text.charCodeAt(i) === 0x20) i++;
  const digitsAt = i;
  while (i < to && isDigit(text.charCodeAt(i))) i++;
  if (i === digitsAt || i - digitsAt > MAX_INDEX_DIGITS || i >= to || !isBlank(text.charCodeAt(i))) return undefined;
  const index = Number(text.slice(digitsAt, i));
  let flags = '';
  for (;;) {
    while (i < to && isBlank(text.charCodeAt(i))) i++;
    if (i >= to) return undefined;
    const end = keyEnd(text, i);
    if (end > i && end < to && text.charCodeAt(end) === 0x3d) return { index, flags, propsAt: i };
    let j = i;
    while (j < to && isLetter(text.charCodeAt(j))) j++;
    if (j === i || (j < to && !isBlank(text.charCodeAt(j))) || flags.length + j - i > MAX_FLAGS) return undefined;
    flags += text.slice(i, j);
    i = j;
  }
}
