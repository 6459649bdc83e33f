import { isSecretField, scrubValue } from './secret-fields.js';

/**
 * Parses the single line `:put [... print as-value]` prints: `key=value` pairs joined by `;`,
 * raw values, no escaping. Several items come back as one line, each starting at `.id=`; a new
 * record starts whenever a key repeats. A `;` inside a value cannot be told apart (RouterOS does
 * not escape it): such text ends up in a separate, key-less fragment, which is appended to the
 * previous value. Credential fields are dropped, fragments included. Linear, never throws.
 */
export function parseAsValue(output: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  let skipping = false;
  const text = output.replace(/\r?\n/g, '').trim();
  if (text === '') return records;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = eq > 0 && eq <= 64 ? part.slice(0, eq) : undefined;
    if (key === undefined || !isAsValueKey(key)) {
      if (current && lastKey !== undefined && !skipping) current[lastKey] += ';' + part;
      continue;
    }
    if (isSecretField(key)) {
      skipping = true;
      continue;
    }
    skipping = false;
    // Object.hasOwn: `constructor=` or `toString=` must not look like a repeated key.
    if (!current || Object.hasOwn(current, key)) {
      current = {};
      records.push(current);
    }
    current[key] = part.slice(eq + 1);
    lastKey = key;
  }
  for (const record of records) for (const key of Object.keys(record)) record[key] = scrubValue(record[key]!);
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
