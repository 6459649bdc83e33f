/**
 * Renders rows as a plain-text table with aligned columns (no box drawing: it must survive `less`,
 * journald and copy-paste). Cells are single-line; long ones are cut to `maxCell` characters.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], maxCell = 60): string {
  const clip = (s: string): string => {
    const one = s.replace(/\s+/g, ' ').trim();
    return one.length > maxCell ? `${one.slice(0, maxCell - 1)}…` : one;
  };
  const cells = [headers.map(clip), ...rows.map((r) => r.map(clip))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
