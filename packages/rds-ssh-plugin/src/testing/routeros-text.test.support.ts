/**
 * Strict little readers for the simulator's own tests: they check the documented layouts (CRLF,
 * `<n> <flag columns> key=value`, quoting) instead of trusting the transport's parsers, so a layout
 * change in the simulator fails here first. Not shipped (test support).
 */
import assert from 'node:assert/strict';

export interface TextItem {
  readonly index: number;
  /** Flag letters, spaces removed. */
  readonly flags: string;
  /** The raw flag columns, spaces kept (`B r`). */
  readonly flagColumns: string;
  readonly props: Record<string, string>;
}

/** Every line ends in CRLF; no bare LF or CR anywhere. */
export function assertCrlf(text: string): void {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  assert.ok(!/[^\r]\n/.test(text) && !/\r[^\n]/.test(text), 'only CRLF line ends');
}

/**
 * `key=value key="quoted \"x\"" date=2026-09-01 10:00:00`: quoted values unescaped; an unquoted value
 * runs until the next ` key=` (dates and space-grouped numbers hold spaces).
 */
export function readProps(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  let i = 0;
  let last: string | undefined;
  while (i < text.length) {
    while (text[i] === ' ') i += 1;
    if (i >= text.length) break;
    const key = /^[a-z][a-z0-9.-]*=/.exec(text.slice(i, i + 80));
    if (!key) {
      // A continuation of the previous unquoted value (`10:00:00`, `197 124 096`).
      assert.ok(last !== undefined, `a value before ${JSON.stringify(text.slice(i, i + 20))}`);
      const end = text.indexOf(' ', i);
      props[last] += ' ' + text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
      continue;
    }
    const name = key[0].slice(0, -1);
    i += key[0].length;
    if (text[i] === '"') {
      let v = '';
      i += 1;
      for (; i < text.length && text[i] !== '"'; i += 1) {
        if (text[i] === '\\') i += 1;
        v += text[i];
      }
      assert.equal(text[i], '"', `closing quote of ${name}`);
      i += 1;
      props[name] = v;
    } else {
      const end = text.indexOf(' ', i);
      props[name] = text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    }
    last = name;
  }
  return props;
}

/** `print terse`: one item per line, `<n right-aligned> <flag columns> key=value...`, then a blank line. */
export function readTerse(text: string, flagWidth: number): TextItem[] {
  assertCrlf(text);
  const lines = text.split('\r\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.pop(), '', 'a trailing blank line');
  return lines.map((line, n) => {
    const m = /^ *(\d+) /.exec(line);
    assert.ok(m, `item number in ${JSON.stringify(line.slice(0, 30))}`);
    const numberEnd = m[0].length;
    const flagColumns = line.slice(numberEnd, numberEnd + flagWidth);
    assert.equal(line[numberEnd + flagWidth], ' ', `space after the flag columns of item ${n}`);
    return { index: Number(m[1]), flags: flagColumns.replace(/ /g, ''), flagColumns, props: readProps(line.slice(numberEnd + flagWidth + 1)) };
  });
}

/**
 * `print detail`: optional `Flags:` legend, items `<n> <flags> key=value` whose continuation lines are
 * indented to the head's width, separated by blank lines. Continuations are joined with a space when
 * they start a new `key=`, glued on otherwise (a token split at the column limit).
 */
export function readDetail(text: string, flagWidth: number): { legend?: string; items: TextItem[]; lines: string[] } {
  assertCrlf(text);
  const lines = text.split('\r\n');
  let legend: string | undefined;
  if (lines[0]!.startsWith('Flags: ')) legend = lines.shift();
  const items: TextItem[] = [];
  let body: string | undefined;
  let head: { index: number; flagColumns: string; indent: number } | undefined;
  const flush = (): void => {
    if (head && body !== undefined) items.push({ index: head.index, flags: head.flagColumns.replace(/ /g, ''), flagColumns: head.flagColumns, props: readProps(body) });
    head = undefined;
    body = undefined;
  };
  for (const line of lines) {
    if (line === '') {
      flush();
      continue;
    }
    if (!head) {
      const m = /^ *(\d+) /.exec(line);
      assert.ok(m, `item head in ${JSON.stringify(line.slice(0, 30))}`);
      const flagColumns = line.slice(m[0].length, m[0].length + flagWidth);
      const indent = m[0].length + flagWidth + 1;
      head = { index: Number(m[1]), flagColumns, indent };
      body = line.slice(indent);
      continue;
    }
    assert.equal(line.slice(0, head.indent).trim(), '', `continuation indented to ${head.indent}: ${JSON.stringify(line)}`);
    const rest = line.slice(head.indent);
    body += /^[a-z][a-z0-9-]*=/.test(rest) ? ' ' + rest : rest;
  }
  flush();
  return { ...(legend !== undefined ? { legend } : {}), items, lines };
}

/**
 * A `print` table: optional legend, `Columns:` line, header row, rows of `lead` characters (number and
 * flag columns) then cells separated by two or more spaces. Good for tables whose only empty cells
 * are trailing ones.
 */
export function readTable(text: string, lead: number): { columns: string[]; rows: Array<{ flags: string; cells: Record<string, string> }> } {
  assertCrlf(text);
  const lines = text.split('\r\n').filter((l) => l !== '' && !l.startsWith('Flags: '));
  const columnsLine = lines.shift()!;
  assert.match(columnsLine, /^Columns: /);
  const columns = columnsLine.slice(9).split(', ');
  const header = lines.shift()!;
  assert.match(header, /^ *# /);
  assert.deepEqual(header.slice(lead).trim().split(/ {2,}/), columns, 'header row = Columns line');
  return {
    columns,
    rows: lines.map((line) => {
      const cells = line.slice(lead).trim().split(/ {2,}/);
      return { flags: line.slice(0, lead).replace(/^ *\d+/, '').trim(), cells: Object.fromEntries(columns.map((c, j) => [c, cells[j] ?? ''])) };
    }),
  };
}
