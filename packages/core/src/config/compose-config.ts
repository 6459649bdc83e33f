import type { BackoffDefinition } from '../backoff/backoff.js';
import { ConfigError, isWarning, type ConfigIssue } from '../errors/agent-error.js';
import type { ExporterDefinition } from '../metrics/exporter.js';
import { MONITOR_SCHEMA, validateMonitorSettings, type MonitorSettings } from '../monitor/monitor-settings.js';
import type { TransportDefinition } from '../transport/transport-definition.js';
import type { AgentConfig, BackoffSettings, ExporterConfig, PluginSpec, TargetConfig } from './agent-config.js';
import { envNameFor, join, show, validateFragment, withEnv, type ConfigOverrides } from './convict-adapter.js';
import { CORE_SCHEMA } from './core-schema.js';
import { readPluginSpecs } from './plugin-specs.js';
import type { ConfigSchema } from './schema-types.js';
import { splitOverrides } from './set-overrides.js';

/**
 * What the composition needs of the component registry: the definitions plugins registered, by
 * name. (The plugin folder's ComponentRegistry implements it; config never imports it.)
 *
 * @internal
 */
export interface ComponentLookup {
  transport(type: string): TransportDefinition | undefined;
  exporter(type: string): ExporterDefinition | undefined;
  backoff(name: string): BackoffDefinition | undefined;
  transportTypes(): string[];
  exporterTypes(): string[];
  backoffNames(): string[];
}

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const STRATEGY_DOC = 'Backoff strategy name (built in: exponential, decorrelated-jitter, full-jitter, constant; plugins add more).';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((i) => !isWarning(i));
}

function hasIssueUnder(issues: readonly ConfigIssue[], key: string): boolean {
  return issues.some((i) => !isWarning(i) && (i.key === key || i.key.startsWith(`${key}.`) || i.key.startsWith(`${key}[`)));
}

/** A definition's cross-field rules, with keys prefixed; a definition that throws is a reported issue, not a crash. */
function definitionIssues(validate: ((config: never) => readonly ConfigIssue[]) | undefined, value: unknown, prefix: string, who: string): ConfigIssue[] {
  if (!validate) return [];
  try {
    return validate(value as never).map((i) => ({ ...i, key: join(prefix, i.key) }));
  } catch (err) {
    return [{ key: prefix, message: `${who} failed to check its settings: ${(err as Error).message}` }];
  }
}

function validateBackoff(
  raw: unknown,
  key: string,
  registry: ComponentLookup,
  overrides: ConfigOverrides,
): { value?: BackoffSettings; issues: ConfigIssue[] } {
  if (raw !== undefined && raw !== null && !isRecord(raw)) return { issues: [{ key, message: `must be a mapping with a "strategy" key: value was ${show(raw)}` }] };
  const section = (raw ?? {}) as Record<string, unknown>;
  const strategy = overrides.set?.['strategy'] ?? overrides.env?.[envNameFor('backoff.strategy')] ?? section['strategy'] ?? 'exponential';
  const definition = typeof strategy === 'string' ? registry.backoff(strategy) : undefined;
  if (!definition) {
    return { issues: [{ key: `${key}.strategy`, message: `unknown backoff strategy ${show(strategy)}; expected one of: ${registry.backoffNames().join(', ')}` }] };
  }
  const schema = { strategy: { doc: STRATEGY_DOC, format: String, default: 'exponential' }, ...(definition.schema as object) } as ConfigSchema;
  const { value, issues } = validateFragment(overrides.env ? withEnv(schema, 'backoff') : schema, section, key, overrides);
  if (hasErrors(issues)) return { issues };
  const params = { ...value };
  delete params['strategy'];
  const extra = definitionIssues(definition.validate as never, params, key, `backoff strategy ${String(strategy)}`);
  issues.push(...extra);
  if (hasErrors(extra)) return { issues };
  return { value: { strategy: strategy as string, params }, issues };
}

/** A target's backoff: its own section merged over the top-level one (a different strategy starts fresh). */
function mergeBackoff(top: unknown, own: unknown): unknown {
  if (!isRecord(own)) return own === undefined ? top : own;
  if (!isRecord(top)) return own;
  if (own['strategy'] !== undefined && own['strategy'] !== (top['strategy'] ?? 'exponential')) return own;
  return { ...top, ...own };
}

function validateTarget(
  raw: unknown,
  index: number,
  registry: ComponentLookup,
  monitorDefaults: MonitorSettings,
  topBackoffRaw: unknown,
  overrides: { env?: ConfigOverrides['env']; set: Readonly<Record<string, string>>; backoffSet: Readonly<Record<string, string>> },
): { value?: TargetConfig; issues: ConfigIssue[] } {
  const key = `targets[${index}]`;
  if (!isRecord(raw)) return { issues: [{ key, message: `must be a mapping with name, transport and options: value was ${show(raw)}` }] };
  const issues: ConfigIssue[] = [];
  const name = raw['name'];
  if (typeof name !== 'string' || !TARGET_NAME.test(name)) {
    issues.push({ key: `${key}.name`, message: `must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit: value was ${show(name)}` });
  }
  const type = raw['transport'];
  const definition = typeof type === 'string' ? registry.transport(type) : undefined;
  if (!definition) {
    issues.push({ key: `${key}.transport`, message: `unknown transport ${show(type)}; expected one of: ${registry.transportTypes().join(', ') || '(none registered)'}` });
  }
  const monitorSchema = Object.fromEntries(
    Object.entries(MONITOR_SCHEMA).map(([k, v]) => [k, { ...v, default: monitorDefaults[k as keyof MonitorSettings] }]),
  ) as ConfigSchema;
  const schema = {
    name: { doc: 'Target name', format: String, default: '' },
    transport: { doc: 'Transport type', format: String, default: '' },
    options: definition ? definition.schema : { doc: 'Transport options', format: Object, default: {} },
    monitor: monitorSchema,
    backoff: { doc: 'Backoff override', format: Object, default: {} },
  } as ConfigSchema;
  const checked = validateFragment(schema, raw, key, { set: overrides.set });
  issues.push(...checked.issues);
  const backoff = validateBackoff(mergeBackoff(topBackoffRaw, raw['backoff']), `${key}.backoff`, registry, { ...(overrides.env ? { env: overrides.env } : {}), set: overrides.backoffSet });
  issues.push(...backoff.issues);
  const options = checked.value['options'] as Record<string, unknown> | undefined;
  if (definition && options && !hasIssueUnder(checked.issues, `${key}.options`)) {
    issues.push(...definitionIssues(definition.validate as never, options, `${key}.options`, `transport ${String(type)}`));
  }
  const monitor = checked.value['monitor'] as unknown as MonitorSettings;
  // The target's own monitor section (or its --set flags) may break the cross-field rules the
  // top-level section kept; a rule broken by the top level alone is reported once, there.
  const ownMonitor = isRecord(raw['monitor']) || Object.keys(overrides.set).some((k) => k.startsWith('monitor.'));
  if (ownMonitor && !hasIssueUnder(checked.issues, `${key}.monitor`)) {
    issues.push(...validateMonitorSettings(monitor).map((i) => ({ ...i, key: `${key}.monitor.${i.key}` })));
  }
  if (hasErrors(issues) || !backoff.value) return { issues };
  return {
    value: { name: name as string, transport: type as string, options: options ?? {}, monitor, backoff: backoff.value },
    issues,
  };
}

/**
 * Validates a whole raw config (already read and interpolated) against core's schema composed with
 * every registered plugin's fragments: convict per section, then each definition's cross-field rules
 * (the `monitor:` section's like any plugin's). (That the files it names exist is `checkConfigFiles`.)
 * Every problem is collected; if there is any error, a ConfigError listing all of them (key, value,
 * expectation) is thrown and nothing is started. Warnings go to `warnings` and never fail it.
 *
 * @internal
 */
export function validateAgentConfig(
  raw: Record<string, unknown>,
  registry: ComponentLookup,
  overrides: ConfigOverrides = {},
  /** Receives the warnings (issues with `severity: 'warning'`), which never make the config invalid. */
  warnings: ConfigIssue[] = [],
  /** The `plugins:` list as the loader already read it (read here when absent). */
  pluginSpecs?: readonly PluginSpec[],
): AgentConfig {
  const env = overrides.env;
  const issues: ConfigIssue[] = [];
  let specs = pluginSpecs;
  if (!specs) {
    const read = readPluginSpecs(raw);
    issues.push(...read.issues);
    specs = read.specs;
  }
  const targetsRaw = raw['targets'];
  const targetCount = Array.isArray(targetsRaw) ? targetsRaw.length : 0;
  const split = splitOverrides(overrides.set ?? {}, targetCount);
  issues.push(...split.issues);

  const exporterSchema: Record<string, unknown> = {};
  for (const type of registry.exporterTypes()) {
    const def = registry.exporter(type)!;
    exporterSchema[type] = {
      enabled: { doc: `Whether the ${type} exporter runs.`, format: 'strict-boolean', default: def.enabledByDefault ?? false },
      ...(def.schema as object),
    };
  }
  const rootSchema = withEnv({ ...CORE_SCHEMA, exporters: exporterSchema } as ConfigSchema, '');
  const rootRaw: Record<string, unknown> = { ...raw };
  for (const k of ['backoff', 'targets', 'plugins']) delete rootRaw[k];
  const root = validateFragment(rootSchema, rootRaw, '', { ...(env ? { env } : {}), set: split.root });
  const unknownExporters = new Set<string>();
  for (const issue of root.issues) {
    const m = /^exporters\.([^.]+)/.exec(issue.key);
    if (m && !registry.exporter(m[1]!)) {
      // One issue per unknown exporter section, not one per key inside it.
      if (!unknownExporters.has(m[1]!)) {
        unknownExporters.add(m[1]!);
        issues.push({ key: `exporters.${m[1]}`, message: `unknown exporter "${m[1]}"; expected one of: ${registry.exporterTypes().join(', ')}` });
      }
    } else issues.push(issue);
  }

  // An invalid top-level monitor section is reported once, not again for every target inheriting it.
  const monitorOk = !hasIssueUnder(root.issues, 'monitor');
  let monitorDefaults = monitorOk ? (root.value['monitor'] as MonitorSettings) : undefined;
  if (monitorDefaults) {
    const cross = validateMonitorSettings(monitorDefaults).map((i) => ({ ...i, key: `monitor.${i.key}` }));
    issues.push(...cross);
    if (hasErrors(cross)) monitorDefaults = undefined;
  }
  const defaults = monitorDefaults ?? (Object.fromEntries(Object.entries(MONITOR_SCHEMA).map(([k, v]) => [k, v.default])) as unknown as MonitorSettings);

  const backoffRaw = raw['backoff'];
  const backoff = validateBackoff(backoffRaw, 'backoff', registry, { ...(env ? { env } : {}), set: split.backoff });
  issues.push(...backoff.issues);
  const topBackoff = Object.keys(split.backoff).length > 0 ? { ...(isRecord(backoffRaw) ? backoffRaw : {}), ...split.backoff } : backoffRaw;

  const targets: TargetConfig[] = [];
  if (!Array.isArray(targetsRaw) || targetsRaw.length === 0) {
    issues.push({ key: 'targets', message: `must be a list of at least one target ({ name, transport, options }): value was ${show(targetsRaw)}` });
  } else {
    const seen = new Map<string, number>();
    targetsRaw.forEach((t, i) => {
      const result = validateTarget(t, i, registry, defaults, topBackoff, { ...(env ? { env } : {}), set: split.targets[i] ?? {}, backoffSet: split.targetBackoff[i] ?? {} });
      issues.push(...result.issues);
      const name = isRecord(t) ? t['name'] : undefined;
      if (typeof name === 'string') {
        if (seen.has(name)) issues.push({ key: `targets[${i}].name`, message: `duplicate target name ${show(name)} (also targets[${seen.get(name)}])` });
        else seen.set(name, i);
      }
      if (result.value) targets.push(result.value);
    });
  }

  const exporters: ExporterConfig[] = [];
  const exportersValue = (root.value['exporters'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const type of registry.exporterTypes()) {
    const section = exportersValue[type];
    if (!section) continue;
    const { enabled, ...options } = section;
    if (enabled === true && !hasIssueUnder(root.issues, `exporters.${type}`)) {
      const definition = registry.exporter(type)!;
      issues.push(...definitionIssues(definition.validate as never, options, `exporters.${type}`, `exporter ${type}`));
    }
    exporters.push({ type, enabled: enabled === true, options });
  }

  warnings.push(...issues.filter(isWarning));
  if (hasErrors(issues)) throw new ConfigError(issues.filter((i) => !isWarning(i)));
  return deepFreeze({
    logLevel: root.value['logLevel'],
    logFormat: root.value['logFormat'],
    shutdownTimeout: root.value['shutdownTimeout'],
    connectConcurrency: root.value['connectConcurrency'],
    monitor: defaults,
    backoff: backoff.value!,
    targets,
    exporters,
    plugins: specs,
  } as AgentConfig);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
