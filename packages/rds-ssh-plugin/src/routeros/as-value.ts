/**
 * Parses the single line `:put [... print as-value]` prints: `key=value` pairs joined by `;`,
 * raw values, no escaping. Several items come back as one line, each starting at `.id=`; a new
 * record starts whenever a key repeats. A `;` inside a value cannot be told apart (RouterOS does
 * not escape it): such text ends up in a separate, key-less fragment, which is appended to the
 * previous value.
 */
export function parseAsValue(output: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  let lastKey: string | undefined;
  const text = output.replace(/\r?\n/g, '').trim();
  if (text === '') return records;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : undefined;
    if (key === undefined || !/^\.?[a-z0-9][a-z0-9.-]*$/i.test(key)) {
      if (current && lastKey !== undefined) current[lastKey] += ';' + part;
      continue;
    }
    if (!current || key in current) {
      current = {};
      records.push(current);
    }
    current[key] = part.slice(eq + 1);
    lastKey = key;
  }
  return records;
}
