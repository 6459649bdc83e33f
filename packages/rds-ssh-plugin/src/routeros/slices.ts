import { isDigit } from './scan.js';

/** About how much text one synchronous parse step takes on: about a millisecond of CPU. */
export const SLICE_CHARS = 32 * 1024;

/**
 * Cuts `output` into pieces of at least `size` characters (the last may be shorter), each ending
 * at a line end, so a long answer can be parsed a piece at a time with the event loop served in
 * between. `items`: cut only before a line that starts an item (`<n> ...` within 3 spaces of the
 * margin) or a `;;; comment`, so no item of a `print detail` / `terse` listing is split (one
 * item stays whole however long: indentation makes its raw length no measure of what it holds).
 * `lines`: cut before any line (`key: value` output). Linear.
 */
export function slices(output: string, mode: 'items' | 'lines', size: number = SLICE_CHARS): string[] {
  if (output.length <= size) return [output];
  const out: string[] = [];
  let start = 0;
  let next = output.indexOf('\n', start + size - 1);
  while (next >= 0 && next + 1 < output.length) {
    const at = next + 1;
    if (mode === 'lines' || cutsBefore(output, at)) {
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
