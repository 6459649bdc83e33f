import type { Labels, MetricDef } from '@rds-agent/core';

/**
 * The text both exposition formats share. For every catalog metric a sample line is the same in the
 * classic text format (as prom-client writes it) and in OpenMetrics 1.0: label values escape `\`,
 * `"` and newline, values are `+Inf`, `-Inf`, `NaN` or JavaScript's shortest round-trip decimal,
 * a histogram's `le` comes first. Only the `# HELP`/`# TYPE` lines differ (OpenMetrics names a
 * counter family without `_total` and also escapes `"` in HELP), and OpenMetrics ends with `# EOF`.
 */

const LABEL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n' };

/** A label value escaped for both formats. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, (c) => LABEL_ESCAPES[c]!) : value;
}

/**
 * `name="value",...` for a series, in the labels' own key order (as prom-client writes them),
 * without braces; '' without labels. Built once per series, by `join`: a string grown by `+=` is a
 * tree of V8 cons strings, several times the size of the flat text it spells, and a long-lived
 * one stays that way.
 */
export function labelText(labels: Labels): string {
  const parts: string[] = [];
  for (const key in labels) {
    const value = labels[key];
    if (value !== undefined) parts.push(`${key}="${escapeLabelValue(String(value))}"`);
  }
  return parts.join(',');
}

/** A sample value. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}

/** The `# HELP`/`# TYPE` lines of a family in the classic text format. */
export function textHeader(name: string, def: MetricDef): string {
  const help = def.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `# HELP ${name} ${help}\n# TYPE ${name} ${def.kind}\n`;
}

/** OpenMetrics names a counter family without `_total`; its samples keep it. */
export function openMetricsFamilyName(name: string, def: MetricDef): string {
  return def.kind === 'counter' && name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/** The `# HELP`/`# TYPE` lines of a family in OpenMetrics 1.0. */
export function openMetricsHeader(name: string, def: MetricDef): string {
  const family = openMetricsFamilyName(name, def);
  return `# HELP ${family} ${escapeLabelValue(def.help)}\n# TYPE ${family} ${def.kind}\n`;
}
