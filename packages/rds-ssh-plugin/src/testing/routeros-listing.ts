/**
 * Renders RouterOS menus (lists of items with typed properties) in the layouts exec output uses:
 * `print detail` (Flags legend, flag columns, wrapped at ~80 columns), `print terse` (one line per
 * item), `print` tables (`Columns:` line, columns that overflow 80 dropped), `as-value` and
 * `:serialize to=json`. Pure functions over {@link RosValue}s; see the RouterOS reference, section 2.
 */
import { CRLF, jsonRosValue, rawRosValue, renderKeyValues, renderRosValue, wrapDetailItem, type RosValue } from './routeros-format.js';

/** One property: name and typed value, in the order RouterOS prints them. */
export type RosProp = readonly [name: string, value: RosValue];

/** One flag of a menu's legend: `B - BLOCK-DEVICE`. */
export interface FlagDef {
  readonly letter: string;
  readonly name: string;
}

/** One item of a list menu. */
export interface ListItem {
  /** The flag letters the item has (any order; the legend orders the columns). */
  readonly flags: string;
  readonly props: readonly RosProp[];
  /** The item's `.id` (`*1A`). @default from its position in the listing */
  readonly id?: string;
  /** Fields only `as-value` and JSON show (what `print` shows as flags: `running`, `disabled`, ...). */
  readonly hidden?: readonly RosProp[];
}

/** One column of a `print` table: its header and the property it shows. */
export interface TableColumn {
  readonly header: string;
  readonly prop: string;
  /** Numbers and sizes are right-aligned. @default 'left' */
  readonly align?: 'left' | 'right';
}

/** How wide exec output is: RouterOS wraps and drops table columns at about 80 columns. */
export const EXEC_WIDTH = 80;

/**
 * The flag columns of a listing: one column per legend flag that some item has, in legend order
 * (`27 B r`: B set, M not, r set). A menu that has flags but none present keeps one blank column,
 * as ` 0   name=routeros` shows for packages.
 */
function flagColumns(items: readonly ListItem[], legend: readonly FlagDef[]): { present: FlagDef[]; cell: (item: ListItem) => string } {
  const present = legend.filter((f) => items.some((i) => i.flags.includes(f.letter)));
  if (present.length === 0) {
    const blank = legend.length > 0 ? ' ' : '';
    return { present, cell: () => blank };
  }
  return { present, cell: (item) => present.map((f) => (item.flags.includes(f.letter) ? f.letter : ' ')).join('') };
}

function legendLine(present: readonly FlagDef[]): string {
  return present.length === 0 ? '' : `Flags: ${present.map((f) => `${f.letter} - ${f.name}`).join('; ')}${CRLF}`;
}

function numberWidth(count: number): number {
  return Math.max(2, String(Math.max(0, count - 1)).length);
}

/** `print detail`: legend, then `<n> <flags> key=value ...` wrapped at `width`, items separated by a blank line. */
export function renderDetail(items: readonly ListItem[], legend: readonly FlagDef[], width = EXEC_WIDTH): string {
  const { present, cell } = flagColumns(items, legend);
  const nw = numberWidth(items.length);
  const blocks = items.map((item, i) => {
    const head = `${String(i).padStart(nw)} ${cell(item)} `;
    const tokens = item.props.map(([k, v]) => `${k}=${renderRosValue(v, 'detail')}`);
    return wrapDetailItem(head, tokens, width);
  });
  return legendLine(present) + blocks.join(CRLF) + CRLF;
}

/** Options of {@link renderTerse}: quirks some RouterOS outputs may show (both are accepted by a careful reader). */
export interface TerseOptions {
  /** Counters with space thousands separators, as `detail` prints them. @default false */
  readonly groupThousands?: boolean;
  /** A `Flags:` legend line before the items. @default false */
  readonly legend?: boolean;
}

/** `print terse`: one unwrapped line per item, `<n> <flags> key=value ...`. */
export function renderTerse(items: readonly ListItem[], legend: readonly FlagDef[], options: TerseOptions = {}): string {
  const { present, cell } = flagColumns(items, legend);
  const nw = numberWidth(items.length);
  let out = options.legend ? legendLine(present) : '';
  items.forEach((item, i) => {
    const tokens = item.props.map(([k, v]) => `${k}=${renderRosValue(v, 'terse', options.groupThousands)}`);
    out += `${String(i).padStart(nw)} ${cell(item)} ${tokens.join(' ')}${CRLF}`;
  });
  return out + CRLF;
}

/**
 * A `print` table: legend, `Columns: A, B`, a header row and one row per item, cells padded to the
 * column width and separated by two spaces. Columns are dropped from the right while a row would be
 * wider than `width` (what exec output does instead of wrapping tables).
 */
export function renderTable(items: readonly ListItem[], legend: readonly FlagDef[], columns: readonly TableColumn[], width = EXEC_WIDTH): string {
  const { present, cell } = flagColumns(items, legend);
  const nw = numberWidth(items.length);
  const flagWidth = cell(items[0] ?? { flags: '', props: [] }).length;
  const cells = items.map((item) =>
    columns.map((c) => {
      const v = item.props.find(([k]) => k === c.prop)?.[1];
      return v === undefined ? '' : renderRosValue(v, 'print');
    }),
  );
  const widths = columns.map((c, j) => Math.max(c.header.length, ...cells.map((row) => row[j]!.length)));
  const lead = nw + 1 + flagWidth + 1;
  let kept = columns.length;
  const rowWidth = (n: number): number => lead + widths.slice(0, n).reduce((a, b) => a + b, 0) + 2 * Math.max(0, n - 1);
  while (kept > 1 && rowWidth(kept) > width) kept -= 1;
  const pad = (text: string, j: number): string => (columns[j]!.align === 'right' ? text.padStart(widths[j]!) : text.padEnd(widths[j]!));
  const line = (first: string, flags: string, row: readonly string[]): string =>
    `${first.padStart(nw)} ${flags.padEnd(flagWidth)} ${row
      .slice(0, kept)
      .map((t, j) => pad(t, j))
      .join('  ')}${CRLF}`;
  let out = legendLine(present) + `Columns: ${columns.slice(0, kept).map((c) => c.header).join(', ')}${CRLF}`;
  out += line('#', '', columns.map((c) => c.header));
  items.forEach((item, i) => {
    out += line(String(i), cell(item), cells[i]!);
  });
  return out + CRLF;
}

/** A singleton `print` (`/system resource print`): right-aligned `key: value` lines. */
export function renderSingleton(props: readonly RosProp[]): string {
  return renderKeyValues(props.map(([k, v]) => [k, renderRosValue(v, 'print')] as const));
}

/** The RouterOS item id of the item at `index`: `*1`, `*2`, ... `*1A`. */
export function itemId(index: number): string {
  return `*${(index + 1).toString(16).toUpperCase()}`;
}

function sortedRaw(props: readonly RosProp[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of props) {
    const raw = rawRosValue(v);
    if (raw !== undefined) out.push([k, raw]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * What `:put [<menu> print as-value]` prints: one line, `.id=*N` first then the other fields
 * alphabetical, raw values, `;`-joined, items one after the other, no escaping at all.
 */
export function renderAsValue(subject: { readonly items: readonly ListItem[] } | { readonly singleton: readonly RosProp[] }): string {
  if ('singleton' in subject) return sortedRaw(subject.singleton).map(([k, v]) => `${k}=${v}`).join(';');
  return subject.items
    .map((item, i) => [`.id=${item.id ?? itemId(i)}`, ...sortedRaw([...item.props, ...(item.hidden ?? [])]).map(([k, v]) => `${k}=${v}`)].join(';'))
    .join(';');
}

function jsonObject(props: readonly RosProp[], id: string | undefined, stringConversion: boolean): Record<string, unknown> {
  const entries: Array<[string, unknown]> = id === undefined ? [] : [['.id', id]];
  for (const [k, v] of props) {
    const value = jsonRosValue(v, stringConversion);
    if (value !== undefined) entries.push([k, value]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * What `:put [:serialize to=json [<menu> print as-value]]` prints: a JSON array of objects (keys
 * sorted, `.id` first) for a list, one object for a singleton, on one line.
 */
export function renderJson(
  subject: { readonly items: readonly ListItem[] } | { readonly singleton: readonly RosProp[] },
  stringConversion = true,
): string {
  if ('singleton' in subject) return JSON.stringify(jsonObject(subject.singleton, undefined, stringConversion));
  return JSON.stringify(subject.items.map((item, i) => jsonObject([...item.props, ...(item.hidden ?? [])], item.id ?? itemId(i), stringConversion)));
}
