import { METRIC_CATALOG, Metrics } from './catalog.js';
import { define, type MetricDef } from './metric-def.js';

/** What a label of `rds_target_info` may be called (Prometheus label grammar, lower case). */
export const INFO_LABEL = /^[a-z_][a-z0-9_]*$/;

/**
 * The catalog one agent exports: the static catalog with `rds_target_info` carrying, besides
 * `target` and `transport`, every label the registered transports declare they describe
 * (`TransportDefinition.infoLabels`), sorted and de-duplicated. Exporters build their instruments
 * from it (`ExporterContext.catalog`), so a third-party transport's labels are exported, not dropped.
 *
 * @public
 */
export function effectiveCatalog(infoLabels: readonly string[] = []): { readonly targetInfo: MetricDef; readonly metrics: readonly MetricDef[] } {
  const base: readonly string[] = Metrics.targetInfo.labels;
  const extra = [...new Set(infoLabels)].filter((l) => !base.includes(l) && INFO_LABEL.test(l)).sort();
  if (extra.length === 0) return { targetInfo: Metrics.targetInfo, metrics: METRIC_CATALOG };
  const targetInfo = define({ ...Metrics.targetInfo, labels: [...base, ...extra] });
  return { targetInfo, metrics: Object.freeze(METRIC_CATALOG.map((d) => (d === Metrics.targetInfo ? targetInfo : d))) };
}
