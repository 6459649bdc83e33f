import { isSecretField, scrubValue } from './secret-fields.js';

/**
 * Parses the single line `:put [... print as-value]` prints: `key=value` pairs joined by `;`,
 * raw values, no escaping. Several items come back as one line, each starting at `.id=`; a new
 * record starts whenever a key repeats. A `;` inside a value cannot be told apart (RouterOS does
 * not escape it): such text ends up in a separate, key-less fragment, which is appended to the
 * previous value. Credential fields are dropped, fragments included. Linear (one slice per value),
 * never throws.
 */
export function parseAsValue(output: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  const text = output.replace(/\r?\n/g, '').trim();
  if (text === '') return records;
  let current: Record<string, string> | undefined;
  // The value being read runs from `valueStart` to `valueEnd`: key-less fragments after it extend
  // it, so a value with `;` inside is one slice of the text, never a chain of concatenations.
  let key: string | undefined;
  let valueStart = 0;
  let valueEnd = 0;
  const finish = (): void => {
    if (current && key !== undefined) current[key] = scrubValue(text.slice(valueStart, valueEnd));
    key = undefined;
  };
  const n = text.length;
  for (let pos = 0; pos <= n; ) {
    let end = text.indexOf(';', pos);
    if (end < 0) end = n;
    // `key=` within the first 65 characters of the part, looked for there only.
    let eq = pos;
    const limit = Math.min(end, pos + 65);
    while (eq < limit && text.charCodeAt(eq) !== 0x3d) eq++;
    const name = eq > pos && eq < limit ? text.slice(pos, eq) : undefined;
    if (name === undefined || !isAsValueKey(name)) {
      if (key !== undefined) valueEnd = end;
    } else {
      finish();
      // A credential's value (and its fragments) is never kept: `key` stays unset until the next key.
      if (!isSecretField(name)) {
        // Object.hasOwn: `constructor=` or `toString=` must not look like a repeated key.
        if (!current || Object.hasOwn(current, name)) {
          current = {};
          records.push(current);
        }
        key = name;
        valueStart = eq + 1;
        valueEnd = end;
      }
    }
    pos = end + 1;
  }
  finish();
  return records;
}

/** `.?[A-Za-z0-9][A-Za-z0-9.-]*`: a property name as `as-value` prints it (`.id`, `cpu-load`). */
function isAsValueKey(key: string): boolean {
  let i = key.charCodeAt(0) === 0x2e ? 1 : 0;
  if (i >= key.length || !isAlnum(key.charCodeAt(i))) return false;
  for (i++; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!isAlnum(c) && c !== 0x2e && c !== 0x2d) return false;
  }
  return true;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
