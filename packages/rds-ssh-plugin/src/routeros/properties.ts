import { isBlank, isKeyStart, keyEnd } from './scan.js';
import { isSecretField, mayHoldSecret, scrubValue } from './secret-fields.js';

const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * `key=value key2="quoted \"x\""` -> record, in one pass over `text` (linear, never throws).
 *
 * - A key is `[a-z][a-z0-9-]*` followed by `=`, at the start or after white space.
 * - A value starting with `"` runs to the next unescaped `"` and is unescaped (`\x` -> `x`). With no
 *   closing quote it is read as an unquoted value, quote included.
 * - An unquoted value runs to the next ` key=` (so `size=16 003 143` keeps its spaces), trimmed.
 * - Text before the first key, or between a closing quote and the next key, is ignored.
 * - Fields that name a credential ({@link isSecretField}) are dropped; a repeated key keeps the last value.
 *
 * @example parseProperties('slot="raid10" size=16 003 143 565 312 fs=xfs') -> { slot: 'raid10', size: '16 003 143 565 312', fs: 'xfs' }
 */
export function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  const n = text.length;
  // One scan of the whole text spares the per-key and per-value secret checks for the usual item.
  const careful = mayHoldSecret(text);
  // Once a search for a closing quote ran off the end, no later one can succeed: skip them all.
  let noClosingQuoteAfter = n;
  let i = nextKeyStart(text, 0);
  while (i < n) {
    // Set by the nextKeyStart call that found `i`: text[end] is '='.
    const end = foundKeyEnd;
    const key = text.slice(i, end);
    const v = end + 1;
    let value: string;
    let next: number;
    const close = text.charCodeAt(v) === QUOTE && v < noClosingQuoteAfter ? closingQuote(text, v + 1) : -1;
    if (close >= 0) {
      value = unescape(text, v + 1, close);
      next = nextKeyStart(text, close + 1);
    } else {
      if (text.charCodeAt(v) === QUOTE) noClosingQuoteAfter = Math.min(noClosingQuoteAfter, v);
      next = nextKeyStart(text, v);
      // Trim without a copy: skip blanks at both ends, slice once.
      let a = v;
      let b = next;
      while (a < b && isBlank(text.charCodeAt(a))) a++;
      while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
      value = text.slice(a, b);
    }
    if (!careful) props[key] = value;
    else if (!isSecretField(key)) props[key] = scrubValue(value);
    i = next;
  }
  return props;
}

/** End of the key {@link nextKeyStart} found last (saves reading every key twice). */
let foundKeyEnd = 0;

/**
 * The first position at or after `from` where `key=` starts at the beginning of `text` or after
 * white space; `text.length` when there is none. Each character is looked at a bounded number of
 * times: a word that turns out not to be a key is skipped whole.
 */
export function nextKeyStart(text: string, from: number): number {
  const n = text.length;
  let p = from;
  while (p < n) {
    if ((p === 0 || isBlank(text.charCodeAt(p - 1))) && isKeyStart(text.charCodeAt(p))) {
      const end = keyEnd(text, p);
      if (end < n && text.charCodeAt(end) === EQ) {
        foundKeyEnd = end;
        return p;
      }
      p = end;
      continue;
    }
    p++;
  }
  return n;
}

/** Index of the unescaped `"` closing a string whose content starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  const n = text.length;
  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** `text[from, to)` with RouterOS escapes (`\"`, `\\`, `\$`, ...) resolved to the escaped character. */
function unescape(text: string, from: number, to: number): string {
  let parts: string[] | undefined;
  let copied = from;
  // Bounded to [from, to): an indexOf over the rest of the text would make many values quadratic.
  for (let i = from; i < to - 1; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    (parts ??= []).push(text.slice(copied, i));
    copied = i + 1; // keep the escaped character, drop the backslash
    i++;
  }
  if (!parts) return text.slice(from, to);
  parts.push(text.slice(copied, to));
  return parts.join('');
}
