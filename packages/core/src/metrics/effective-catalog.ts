import { METRIC_CATALOG, Metrics } from './catalog.js';
import { buildInfoComponentLabels } from './build-info.js';
import { define, type MetricDef } from './metric-def.js';

/** What a label of `rds_target_info` may be called (Prometheus label grammar, lower case). */
export const INFO_LABEL = /^[a-z_][a-z0-9_]*$/;

/**
 * The catalog one agent exports: the static catalog with `rds_target_info` carrying, besides
 * `target` and `transport`, every label the registered transports declare they describe
 * (`TransportDefinition.infoLabels`), sorted and de-duplicated; and `rds_agent_build_info`
 * carrying, after `version`, `revision` and `nodejs_version`, a `<package>_version` label per
 * library the registered transports and exporters declare (`componentVersions`: pass their
 * package names). Exporters build their instruments from it (`ExporterContext.catalog`), so a
 * third-party plugin's labels are exported, not dropped.
 *
 * @public
 */
export function effectiveCatalog(
  infoLabels: readonly string[] = [],
  componentPackages: readonly string[] = [],
): { readonly targetInfo: MetricDef; readonly buildInfo: MetricDef; readonly metrics: readonly MetricDef[] } {
  const base: readonly string[] = Metrics.targetInfo.labels;
  const extra = [...new Set(infoLabels)].filter((l) => !base.includes(l) && INFO_LABEL.test(l)).sort();
  const components = buildInfoComponentLabels(componentPackages);
  const targetInfo = extra.length === 0 ? Metrics.targetInfo : define({ ...Metrics.targetInfo, labels: [...base, ...extra] });
  const buildInfo = components.length === 0 ? Metrics.buildInfo : define({ ...Metrics.buildInfo, labels: [...Metrics.buildInfo.labels, ...components] });
  if (targetInfo === Metrics.targetInfo && buildInfo === Metrics.buildInfo) return { targetInfo, buildInfo, metrics: METRIC_CATALOG };
  const replaced = new Map<MetricDef, MetricDef>([
    [Metrics.targetInfo, targetInfo],
    [Metrics.buildInfo, buildInfo],
  ]);
  return { targetInfo, buildInfo, metrics: Object.freeze(METRIC_CATALOG.map((d) => replaced.get(d) ?? d)) };
}
