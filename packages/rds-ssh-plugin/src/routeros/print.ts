/**
 * Parses singleton `print` output (`/system identity print`, `/system resource print`,
 * `/disk monitor-traffic <slot> once`): right-aligned `key: value` lines. CRLF, padding and blank
 * lines are tolerated; values are trimmed and kept as text (see `values.ts` to convert them).
 * Lines that are not `key: value` (echoed log lines, headers) are ignored.
 */
export function parseKeyValuePrint(output: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const raw of output.split(/\r?\n/)) {
    const m = /^\s*([a-z0-9][a-z0-9-]*):(?:\s+(.*?))?\s*$/i.exec(raw);
    if (!m) continue;
    result[m[1]!] = m[2] ?? '';
  }
  return result;
}
