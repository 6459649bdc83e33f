/**
 * Character-level helpers for the RouterOS text scanners. Every parser of device output is built
 * from these single-pass loops instead of regular expressions: a regex that can backtrack over a
 * run of one character (spaces, say) turns 2 MiB of hostile output into minutes of CPU.
 */

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** Space, tab or CR (LF ends a line and is never inside one). */
export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === CR || code === LF || code === 0x0b || code === 0x0c;
}

/** `[a-z]`: the first character of a RouterOS property name. */
export function isKeyStart(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

/** `[a-z0-9-]`: the rest of a RouterOS property name. */
export function isKeyChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d;
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

export function isLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/**
 * The lines of `text` (LF or CRLF separated), a trailing CR removed from each. `split` is linear;
 * the CR strip looks at one character per line.
 */
export function lines(text: string): string[] {
  const out = text.split('\n');
  for (let i = 0; i < out.length; i++) {
    const line = out[i]!;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === CR) out[i] = line.slice(0, -1);
  }
  return out;
}

/** Index of the first non-blank character at or after `from`, or `text.length`. */
export function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** End (exclusive) of the property name starting at `from` (`[a-z][a-z0-9-]*`), or `from` when none starts there. */
export function keyEnd(text: string, from: number): number {
  if (from >= text.length || !isKeyStart(text.charCodeAt(from))) return from;
  let j = from + 1;
  while (j < text.length && isKeyChar(text.charCodeAt(j))) j++;
  return j;
}

/** True when `text` starts with `key=` (a RouterOS property name followed by `=`). */
export function startsWithKeyAssignment(text: string): boolean {
  const end = keyEnd(text, 0);
  return end > 0 && text.charCodeAt(end) === 0x3d;
}

/** True when the last character of `text` is blank. */
export function endsWithBlank(text: string): boolean {
  return text.length > 0 && isBlank(text.charCodeAt(text.length - 1));
}
