/** One item of a `print detail` listing. */
export interface DetailItem {
  /** The item number RouterOS printed (not stable across changes; use a key such as `slot`). */
  readonly index: number;
  /** Flag letters of the item (`BM`, `Bt`, `Br`), spaces removed. */
  readonly flags: string;
  /** `;;; text` comment lines above the item, joined with a space. */
  readonly comment?: string;
  /** Properties as text; quoted strings are unquoted and unescaped. */
  readonly properties: Readonly<Record<string, string>>;
}

const ITEM_START = /^ {0,3}(\d+)(?: ([A-Za-z ]*?))?\s+(?=[a-z][a-z0-9-]*=)/;
const PAIR = /([a-z][a-z0-9-]*)=("(?:[^"\\]|\\.)*"|.*?)(?=\s+[a-z][a-z0-9-]*=|\s*$)/g;

/**
 * Parses `print detail` output (`/disk print detail`): an optional `Flags:` legend, then items
 * `<n> <flags> key=value ...` whose long lines wrap onto indented continuation lines, separated by
 * blank lines, with optional `;;; comment` lines. Exec output wraps at about 80 columns and may
 * split a token: a continuation that starts with `key=` (or follows a line that ended in a space)
 * is joined with a space, otherwise glued on directly.
 */
export function parsePrintDetail(output: string): DetailItem[] {
  const items: { index: number; flags: string; comment?: string; text: string }[] = [];
  let pendingComment: string[] = [];
  let current: (typeof items)[number] | undefined;
  let prevRaw = '';
  for (const raw of output.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed === '') {
      current = undefined;
      prevRaw = raw;
      continue;
    }
    if (/^Flags:/.test(trimmed) || /^Columns:/.test(trimmed)) {
      current = undefined;
      continue;
    }
    if (trimmed.startsWith(';;;')) {
      pendingComment.push(trimmed.slice(3).trim());
      current = undefined;
      continue;
    }
    const start = ITEM_START.exec(raw);
    if (start) {
      current = { index: Number(start[1]), flags: (start[2] ?? '').replace(/\s+/g, ''), text: raw.slice(start[0].length).trimEnd() };
      if (pendingComment.length > 0) current.comment = pendingComment.join(' ');
      pendingComment = [];
      items.push(current);
    } else if (current) {
      const sep = /^[a-z][a-z0-9-]*=/.test(trimmed) || /\s$/.test(prevRaw) ? ' ' : '';
      current.text += sep + trimmed;
    }
    prevRaw = raw;
  }
  return items.map(({ index, flags, comment, text }) => ({
    index,
    flags,
    ...(comment !== undefined ? { comment } : {}),
    properties: parseProperties(text),
  }));
}

/** `key=value key2="quoted \"x\""` -> record. Unquoted values may hold spaces (`size=16 003 143`). */
export function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const m of text.matchAll(PAIR)) {
    const value = m[2]!;
    props[m[1]!] = value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value.trim();
  }
  return props;
}
