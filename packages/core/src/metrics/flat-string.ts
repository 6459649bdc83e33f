/**
 * A copy of a string to keep for a long time (a series key, a label text), as one flat string.
 *
 * Strings built by `+`, `+=` or template literals are V8 cons strings: a tree of nodes, several
 * times the size of the text it spells, that a long-lived reference keeps as it is. At 1,000
 * targets the exporter's and the hub's series keys were 230 KiB per target of such trees. The
 * JSON round trip is exact for every string (lone surrogates included) and returns a new flat one;
 * short strings are never cons strings. Call it when a series is created, not per update.
 *
 * @public
 */
export function flatString(value: string): string {
  return value.length < CONS_MIN_LENGTH ? value : (JSON.parse(JSON.stringify(value)) as string);
}

/** V8 builds a cons string only for results at least this long (ConsString::kMinLength). */
const CONS_MIN_LENGTH = 13;
