/** The subset of a prom-client `metric.get()` result the OpenMetrics writer reads. */
export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values: readonly { readonly value: number; readonly labels: Readonly<Record<string, string | number | undefined>>; readonly metricName?: string }[];
}

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * Writes one metric family in OpenMetrics 1.0 text.
 *
 * prom-client can render OpenMetrics only for a whole registry switched into that mode, and doing
 * so renames its counters in place (it strips `_total`), which would corrupt the classic text
 * format served from the same registry. So the exporter keeps one registry in classic mode and
 * writes OpenMetrics itself from the metric snapshots. OpenMetrics rules applied here:
 * - a counter family is named without `_total`; its sample is `<family>_total`;
 * - HELP escapes `\`, `"` and newline; label values escape the same three;
 * - values use `+Inf`, `-Inf`, `NaN`.
 * The caller ends the exposition with `# EOF`.
 */
export function writeOpenMetricsFamily(metric: MetricSnapshot): string {
  const counter = metric.type === 'counter';
  const family = counter && metric.name.endsWith('_total') ? metric.name.slice(0, -'_total'.length) : metric.name;
  let out = `# HELP ${family} ${escape(metric.help)}\n# TYPE ${family} ${metric.type}\n`;
  const sample = counter ? `${family}_total` : family;
  for (const v of metric.values) {
    out += `${v.metricName ?? sample}${labels(v.labels)} ${number(v.value)}\n`;
  }
  return out;
}

function labels(set: Readonly<Record<string, string | number | undefined>>): string {
  let out = '';
  for (const key in set) {
    const value = set[key];
    if (value === undefined) continue;
    out += `${out === '' ? '{' : ','}${key}="${escape(String(value))}"`;
  }
  return out === '' ? '' : `${out}}`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n' };

function escape(text: string): string {
  return /[\\"\n]/.test(text) ? text.replace(/[\\"\n]/g, (c) => ESCAPES[c]!) : text;
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
