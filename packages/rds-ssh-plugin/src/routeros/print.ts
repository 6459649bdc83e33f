import { isBlank, isDigit, isLetter, lines } from './scan.js';
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
  for (const raw of lines(output)) {
    const n = raw.length;
    let i = 0;
    while (i < n && isBlank(raw.charCodeAt(i))) i++;
    const keyAt = i;
    if (i >= n || !isKeyCharacter(raw.charCodeAt(i)) || raw.charCodeAt(i) === 0x2d) continue;
    while (i < n && isKeyCharacter(raw.charCodeAt(i))) i++;
    if (raw.charCodeAt(i) !== 0x3a) continue;
    // `key:` alone, or `key:` + white space + value; `12:30:01` (no space after the colon) is no field.
    if (i + 1 < n && !isBlank(raw.charCodeAt(i + 1))) continue;
    const key = raw.slice(keyAt, i);
    if (isSecretField(key)) continue;
    result[key] = scrubValue(raw.slice(i + 1).trim());
  }
  return result;
}

/** `[A-Za-z0-9-]`, as the old `/^\s*([a-z0-9][a-z0-9-]*):/i` grammar had it. */
function isKeyCharacter(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 0x2d;
}
