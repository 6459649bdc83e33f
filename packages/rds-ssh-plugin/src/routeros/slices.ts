import { isDigit } from './scan.js';

/** About how much text one synchronous parse step takes on: about a millisecond of CPU. */
export const SLICE_CHARS = 32 * 1024;

/**
 * The longest raw text one item may span before `items` mode cuts it anyway. A real RouterOS item
 * is a few KB even when wrapped; one of 2 MiB (a line of one character per line, measured 57 ms
 * in one parse) is garbage, and parsing it whole would hold the event loop past the 50 ms budget.
 * (parsePrintDetail drops an item whose content passes 64 KiB anyway; this bounds the raw scan.)
 * What follows the cut parses as lines outside any item, which the parsers drop.
 */
export const MAX_ITEM_SPAN_CHARS = 16 * SLICE_CHARS;

/**
 * Cuts `output` into pieces of at least `size` characters (the last may be shorter), each ending
 * at a line end, so a long answer can be parsed a piece at a time with the event loop served in
 * between. `items`: cut only before a line that starts an item (`<n> ...` within 3 spaces of the
 * margin) or a `;;; comment`, so no item of a `print detail` / `terse` listing is split (one
 * item stays whole up to `maxItem` characters: indentation makes its raw length no measure of what
 * it holds). `lines`: cut before any line (`key: value` output). Linear.
 */
export function slices(output: string, mode: 'items' | 'lines', size: number = SLICE_CHARS, maxItem: number = MAX_ITEM_SPAN_CHARS): string[] {
  if (output.length <= size) return [output];
  const out: string[] = [];
  let start = 0;
  let next = output.indexOf('\n', start + size - 1);
  while (next >= 0 && next + 1 < output.length) {
    const at = next + 1;
    if (mode === 'lines' || cutsBefore(output, at) || at - start >= maxItem) {
      out.push(output.slice(start, at));
      start = at;
      next = output.indexOf('\n', start + size - 1);
    } else {
      next = output.indexOf('\n', at);
    }
  }
  out.push(output.slice(start));
  return out;
}

/** True when the line at `at` starts an item or a comment (the places a listing may be cut). */
function cutsBefore(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && i - at < 3 && text.charCodeAt(i) === 0x20) i++;
  return isDigit(text.charCodeAt(i)) || text.startsWith(';;;', i);
}

/** Lets the event loop run (timers, sockets, a `/metrics` request) before the next slice. */
export { yieldToEventLoop } from '@rds-agent/core';
