import { parseProperties } from './properties.js';
import { endsWithBlank, isBlank, isDigit, isLetter, keyEnd, lines, startsWithKeyAssignment } from './scan.js';

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
 * Parses `print detail` output (`/disk print detail`) and `print terse` output (one unwrapped
 * line per item): an optional `Flags:` legend, then items `<n> <flags> key=value ...` whose long
 * lines wrap onto indented continuation lines, separated by blank lines, with optional
 * `;;; comment` lines. Exec output wraps at about 80 columns and may split a token: a continuation
 * that starts with `key=` (or follows a line that ended in a space) is joined with a space,
 * otherwise glued on directly. Linear in the output and never throws.
 */
export function parsePrintDetail(output: string): DetailItem[] {
  const items: { index: number; flags: string; comment?: string; parts: string[] }[] = [];
  let pendingComment: string[] = [];
  let current: (typeof items)[number] | undefined;
  let prevRaw = '';
  for (const raw of lines(output)) {
    const trimmed = raw.trim();
    if (trimmed === '') {
      current = undefined;
      prevRaw = raw;
      continue;
    }
    if (trimmed.startsWith('Flags:') || trimmed.startsWith('Columns:')) {
      current = undefined;
      continue;
    }
    if (trimmed.startsWith(';;;')) {
      pendingComment.push(trimmed.slice(3).trim());
      current = undefined;
      continue;
    }
    const start = itemStart(raw);
    if (start) {
      current = { index: start.index, flags: start.flags, parts: [raw.slice(start.propsAt).trimEnd()] };
      if (pendingComment.length > 0) current.comment = pendingComment.join(' ');
      pendingComment = [];
      items.push(current);
    } else if (current) {
      const sep = startsWithKeyAssignment(trimmed) || endsWithBlank(prevRaw) ? ' ' : '';
      current.parts.push(sep + trimmed);
    }
    prevRaw = raw;
  }
  return items.map(({ index, flags, comment, parts }) => ({
    index,
    flags,
    ...(comment !== undefined ? { comment } : {}),
    properties: parseProperties(parts.join('')),
  }));
}

/**
 * Recognises the first line of an item: up to 3 spaces, the item number, white space, optional
 * flag letters (words of `[A-Za-z]`), then the first `key=`. Anything else (a continuation line,
 * a table header, noise) is not an item start. One pass over the line.
 */
function itemStart(line: string): { index: number; flags: string; propsAt: number } | undefined {
  const n = line.length;
  let i = 0;
  while (i < n && i < 3 && line.charCodeAt(i) === 0x20) i++;
  const digitsAt = i;
  while (i < n && isDigit(line.charCodeAt(i))) i++;
  if (i === digitsAt || i - digitsAt > MAX_INDEX_DIGITS || i >= n || !isBlank(line.charCodeAt(i))) return undefined;
  const index = Number(line.slice(digitsAt, i));
  let flags = '';
  for (;;) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) return undefined;
    const end = keyEnd(line, i);
    if (end > i && line.charCodeAt(end) === 0x3d) return { index, flags, propsAt: i };
    let j = i;
    while (j < n && isLetter(line.charCodeAt(j))) j++;
    if (j === i || (j < n && !isBlank(line.charCodeAt(j))) || flags.length + j - i > MAX_FLAGS) return undefined;
    flags += line.slice(i, j);
    i = j;
  }
}
