import { isBlank, isDigit, isLetter } from './scan.js';
import { isSecretField, scrubValue } from './secret-fields.js';

/**
 * Parses singleton `print` output (`/system identity print`, `/system resource print`,
 * `/disk monitor-traffic <slot> once`): right-aligned `key: value` lines. CRLF, padding and blank
 * lines are tolerated; values are trimmed and kept as text (see `values.ts` to convert them).
 * Lines that are not `key: value` (echoed log lines such as `12:30:01 system,info ...`, headers)
 * are ignored, and so are fields that name a credential. One pass per line: linear, never throws.
 */
export function parseKeyValuePrint(output: string): Record<string, string> {
  const result: Record<string, string> = {};
  const n = output.length;
  // Line by line over offsets: only the lines that are fields are copied.
  for (let start = 0; start < n; ) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    const lineStart = start;
    start = end + 1;
    let i = lineStart;
    while (i < end && isBlank(output.charCodeAt(i))) i++;
    const keyAt = i;
    if (i >= end || !isKeyCharacter(output.charCodeAt(i)) || output.charCodeAt(i) === 0x2d) continue;
    while (i < end && isKeyCharacter(output.charCodeAt(i))) i++;
    if (i >= end || output.charCodeAt(i) !== 0x3a) continue;
    // `key:` alone, or `key:` + white space + value; `12:30:01` (no space after the colon) is no field.
    if (i + 1 < end && !isBlank(output.charCodeAt(i + 1))) continue;
    const key = output.slice(keyAt, i);
    if (isSecretField(key)) continue;
    let a = i + 1;
    let b = end;
    while (a < b && isBlank(output.charCodeAt(a))) a++;
    while (b > a && isBlank(output.charCodeAt(b - 1))) b--;
    result[key] = scrubValue(output.slice(a, b));
  }
  return result;
}

/** `[A-Za-z0-9-]`, as the old `/^\s*([a-z0-9][a-z0-9-]*):/i` grammar had it. */
function isKeyCharacter(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 0x2d;
}
