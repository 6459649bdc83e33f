import convict from 'convict';
import { ConfigError, isWarning, type ConfigIssue } from '../errors/agent-error.js';
import type { ComponentRegistry } from '../plugin/component-registry.js';
import type { AgentConfig, BackoffSettings, ExporterConfig, MonitorSettings, PluginSpec, TargetConfig } from './agent-config.js';
import { registerConfigFormats } from './formats.js';
import type { ConfigSchema } from './schema-types.js';
import { MONITOR_SCHEMA } from '../monitor/monitor-settings.js';

export { MONITOR_SCHEMA } from '../monitor/monitor-settings.js';

/** Where settings come from besides the file: environment (`RDS_AGENT_*`) and `--set key=value` flags. @internal */
export interface ConfigOverrides {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Dotted keys to string values, applied last (CLI flags). */
  readonly set?: Readonly<Record<string, string>>;
}

/** @internal */
export const ENV_PREFIX = 'RDS_AGENT_';
const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Core's part of the agent schema (`backoff`, `targets`, `exporters` and `plugins` are composed with the plugins' fragments). @internal */
export const CORE_SCHEMA = {
  logLevel: { doc: 'Minimum log level.', format: LOG_LEVELS, default: 'info' },
  logFormat: { doc: 'Log output: json lines, pretty (human), or auto (pretty on a TTY, json otherwise).', format: ['auto', 'json', 'pretty'], default: 'auto' },
  shutdownTimeout: { doc: 'How long a graceful stop may take (sessions closed, exports flushed) before the agent exits anyway.', format: 'duration', default: 10000 },
  monitor: MONITOR_SCHEMA,
} as const satisfies ConfigSchema;

const STRATEGY_DOC = 'Backoff strategy name (built in: exponential, decorrelated-jitter, full-jitter, constant; plugins add more).';

/** `RDS_AGENT_EXPORTERS_PROMETHEUS_PORT` for `exporters.prometheus.port`. @internal */
export function envNameFor(path: string): string {
  return ENV_PREFIX + path.split('.').map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()).join('_');
}

/** Copies a schema, giving every leaf an `env` name derived from its path (unless it has one). */
function withEnv(schema: ConfigSchema, prefix: string): ConfigSchema {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) out[key] = { env: envNameFor(path), ...(node as object) };
    else out[key] = withEnv(node as ConfigSchema, path);
  }
  return out as ConfigSchema;
}

function isLeaf(node: unknown): boolean {
  return typeof node !== 'object' || node === null || Array.isArray(node) || 'default' in node;
}

/** Dotted paths of every `sensitive: true` leaf of a schema (for redaction). @internal */
export function sensitivePaths(schema: ConfigSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) {
      if ((node as { sensitive?: boolean }).sensitive === true) out.push(path);
    } else out.push(...sensitivePaths(node as ConfigSchema, path));
  }
  return out;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Validates one section with convict and returns its properties plus every issue, keys prefixed.
 * Convict reports all problems at once, one per line; we turn each line into a ConfigIssue.
 */
function runConvict(
  schema: ConfigSchema,
  raw: unknown,
  prefix: string,
  overrides: { env?: Readonly<Record<string, string | undefined>>; set?: Readonly<Record<string, string>> } = {},
): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  registerConfigFormats();
  const issues: ConfigIssue[] = [];
  let conf: convict.Config<Record<string, unknown>>;
  try {
    conf = convict<Record<string, unknown>>(schema, { env: (overrides.env ?? {}) as NodeJS.ProcessEnv, args: [] });
  } catch (err) {
    // A bad default or env value fails at construction, naming the key.
    return { value: {}, issues: [{ key: prefix || '(schema)', message: (err as Error).message }] };
  }
  const sensitive = new Set(sensitivePaths(schema));
  // Convict walks map values key by key and splits keys on dots, so `{ "service.name": x }` breaks
  // it: validate map-valued settings here and hand convict the rest.
  const maps = takeMaps(schema, raw, sensitive);
  issues.push(...maps.issues.map((i) => ({ key: join(prefix, i.key), message: i.message })));
  try {
    if (raw !== undefined) conf.load(maps.rest as Record<string, unknown>);
    for (const [key, value] of Object.entries(overrides.set ?? {})) conf.set(key, value);
  } catch (err) {
    issues.push({ key: prefix || '(config)', message: (err as Error).message });
  }
  try {
    conf.validate({ allowed: 'strict' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n')) {
      if (line.trim() === '') continue;
      const undeclared = /^configuration param '(.+)' not declared in the schema$/.exec(line);
      if (undeclared) {
        const key = undeclared[1]!;
        issues.push({ key: join(prefix, key), message: `unknown setting (not in the schema)${closest(key, schema)}` });
        continue;
      }
      const colon = line.indexOf(': ');
      const key = colon > 0 ? line.slice(0, colon) : '';
      let message = colon > 0 ? line.slice(colon + 2) : line;
      // Convict leaves out falsy values (0, false, ""); add them so every message shows the value.
      if (key && !sensitive.has(key) && !message.includes('value was')) {
        try {
          message += `: value was ${show(conf.get(key))}`;
        } catch {
          /* key not readable: keep the message as is */
        }
      }
      issues.push({ key: join(prefix, key || '(config)'), message });
    }
  }
  // The properties come back even when some are invalid, so callers can still check the sections
  // that are clean and report every mistake in one pass.
  const value = conf.getProperties() as Record<string, unknown>;
  for (const [path, map] of maps.values) setPath(value, path, map);
  return { value, issues };
}

/** Leaves whose default is a mapping (`string-map`, `Object`): their keys are data, not settings. */
function mapLeaves(schema: ConfigSchema, prefix: string[] = []): { path: string[]; format: unknown }[] {
  const out: { path: string[]; format: unknown }[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    if (isLeaf(node)) {
      const leaf = node as { default?: unknown; format?: unknown };
      if (isRecord(leaf.default)) out.push({ path: [...prefix, key], format: leaf.format });
    } else out.push(...mapLeaves(node as ConfigSchema, [...prefix, key]));
  }
  return out;
}

function takeMaps(schema: ConfigSchema, raw: unknown, sensitive: ReadonlySet<string>): { rest: unknown; values: [string[], unknown][]; issues: ConfigIssue[] } {
  const leaves = mapLeaves(schema);
  if (leaves.length === 0 || !isRecord(raw)) return { rest: raw, values: [], issues: [] };
  const rest = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  const values: [string[], unknown][] = [];
  const issues: ConfigIssue[] = [];
  for (const { path, format } of leaves) {
    const parent = path.slice(0, -1).reduce<unknown>((node, k) => (isRecord(node) ? node[k] : undefined), rest);
    const last = path[path.length - 1]!;
    if (!isRecord(parent) || !(last in parent)) continue;
    const value = parent[last];
    delete parent[last];
    const key = path.join('.');
    const shown = (v: unknown): string => (sensitive.has(key) ? '' : `: value was ${show(v)}`);
    if (!isRecord(value)) issues.push({ key, message: `must be a mapping of names to values${shown(value)}` });
    else if (format === 'string-map' && !Object.values(value).every((v) => typeof v === 'string')) {
      const bad = Object.keys(value).find((k) => typeof value[k] !== 'string')!;
      issues.push({ key: `${key}.${bad}`, message: `must be a string${shown(value[bad])}` });
    } else values.push([path, value]);
  }
  return { rest, values, issues };
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const k of path.slice(0, -1)) {
    if (!isRecord(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function hasErrors(issues: readonly ConfigIssue[]): boolean {
  return issues.some((i) => !isWarning(i));
}

function hasIssueUnder(issues: readonly ConfigIssue[], key: string): boolean {
  return issues.some((i) => i.key === key || i.key.startsWith(`${key}.`) || i.key.startsWith(`${key}[`));
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

/** Suggests a declared sibling key for a misspelt one (`server.hots` -> did you mean `host`?). */
function closest(path: string, schema: ConfigSchema): string {
  const parts = path.split('.');
  const last = parts.pop()!;
  let node: unknown = schema;
  for (const p of parts) node = isRecord(node) ? node[p] : undefined;
  if (!isRecord(node) || isLeaf(node)) return '';
  const candidates = Object.keys(node).filter((k) => editDistance(k.toLowerCase(), last.toLowerCase()) <= 2);
  return candidates.length > 0 ? `; did you mean "${candidates[0]}"?` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * Reads the `plugins:` list before anything is loaded (plugins shape the rest of the schema).
 * Each entry is a package name or path string, or `{ module, config }`.
 *
 * @internal
 */
export function readPluginSpecs(raw: Record<string, unknown>): { specs: PluginSpec[]; issues: ConfigIssue[] } {
  const list = raw['plugins'];
  if (list === undefined || list === null) return { specs: [], issues: [] };
  if (!Array.isArray(list)) return { specs: [], issues: [{ key: 'plugins', message: `must be a list of package names or paths: value was ${show(list)}` }] };
  const specs: PluginSpec[] = [];
  const issues: ConfigIssue[] = [];
  list.forEach((entry: unknown, i) => {
    const key = `plugins[${i}]`;
    if (typeof entry === 'string' && entry.trim() !== '') specs.push({ module: entry, config: {} });
    else if (isRecord(entry) && typeof entry['module'] === 'string' && entry['module'].trim() !== '') {
      const extra = Object.keys(entry).filter((k) => k !== 'module' && k !== 'config');
      if (extra.length > 0) issues.push({ key: `${key}.${extra[0]}`, message: 'unknown setting (a plugin entry has only "module" and "config")' });
      if (entry['config'] !== undefined && !isRecord(entry['config'])) issues.push({ key: `${key}.config`, message: `must be a mapping: value was ${show(entry['config'])}` });
      specs.push({ module: entry['module'], config: isRecord(entry['config']) ? entry['config'] : {} });
    } else issues.push({ key, message: `must be a package name, a path, or { module, config }: value was ${show(entry)}` });
  });
  return { specs, issues };
}

/** Validates a plugin's own settings against its schema (used by the plugin loader). @internal @internal */
export function validatePluginConfig(schema: ConfigSchema, raw: unknown, key: string): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  return runConvict(schema, raw, key);
}

function validateBackoff(
  raw: unknown,
  key: string,
  registry: ComponentRegistry,
  env?: Readonly<Record<string, string | undefined>>,
): { value?: BackoffSettings; issues: ConfigIssue[] } {
  if (raw !== undefined && !isRecord(raw)) return { issues: [{ key, message: `must be a mapping with a "strategy" key: value was ${show(raw)}` }] };
  const section = (raw ?? {}) as Record<string, unknown>;
  const strategyFromEnv = env?.[envNameFor('backoff.strategy')];
  const strategy = strategyFromEnv ?? section['strategy'] ?? 'exponential';
  const definition = typeof strategy === 'string' ? registry.backoff(strategy) : undefined;
  if (!definition) {
    return { issues: [{ key: `${key}.strategy`, message: `unknown backoff strategy ${show(strategy)}; expected one of: ${registry.backoffNames().join(', ')}` }] };
  }
  const schema = { strategy: { doc: STRATEGY_DOC, format: String, default: 'exponential' }, ...(definition.schema as object) } as ConfigSchema;
  const { value, issues } = runConvict(env ? withEnv(schema, 'backoff') : schema, section, key, { env });
  if (issues.length > 0) return { issues };
  const params = { ...value };
  delete params['strategy'];
  const extra = ((definition as { validate?: (p: Record<string, unknown>) => readonly ConfigIssue[] }).validate?.(params) ?? []).map((i) => ({ ...i, key: join(key, i.key) }));
  if (hasErrors(extra)) return { issues: extra };
  return { value: { strategy: strategy as string, params }, issues: extra };
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
  registry: ComponentRegistry,
  monitorDefaults: MonitorSettings,
  topBackoffRaw: unknown,
  env: Readonly<Record<string, string | undefined>> | undefined,
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
  const checked = runConvict(schema, raw, key);
  issues.push(...checked.issues);
  const backoff = validateBackoff(mergeBackoff(topBackoffRaw, raw['backoff']), `${key}.backoff`, registry, env);
  issues.push(...backoff.issues);
  if (definition && !hasIssueUnder(checked.issues, `${key}.options`)) {
    const extra = definition.validate?.(checked.value['options'] as Record<string, unknown>) ?? [];
    issues.push(...extra.map((i) => ({ ...i, key: join(`${key}.options`, i.key) })));
  }
  if (hasErrors(issues) || !backoff.value) return { issues };
  return {
    value: {
      name: name as string,
      transport: type as string,
      options: checked.value['options'] as Record<string, unknown>,
      monitor: checked.value['monitor'] as unknown as MonitorSettings,
      backoff: backoff.value,
    },
    issues,
  };
}

/**
 * Validates a whole raw config (already read and interpolated) against core's schema composed with
 * every registered plugin's fragments. Every problem is collected; if there is any, a ConfigError
 * listing all of them (key, value, expectation) is thrown and nothing is started.
 *
 * @internal
 */
export function validateAgentConfig(
  raw: Record<string, unknown>,
  registry: ComponentRegistry,
  overrides: ConfigOverrides = {},
  /** Receives the warnings (issues with `severity: 'warning'`), which never make the config invalid. */
  warnings: ConfigIssue[] = [],
): AgentConfig {
  const env = overrides.env;
  const issues: ConfigIssue[] = [];
  const { specs, issues: pluginIssues } = readPluginSpecs(raw);
  issues.push(...pluginIssues);

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
  const setRoot = Object.fromEntries(Object.entries(overrides.set ?? {}).filter(([k]) => !/^(backoff|targets|plugins)\b/.test(k)));
  const root = runConvict(rootSchema, rootRaw, '', { env, set: setRoot });
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

  const backoffRaw = raw['backoff'];
  const setBackoff = Object.entries(overrides.set ?? {}).filter(([k]) => k.startsWith('backoff.'));
  const backoffSection = setBackoff.length > 0 ? { ...(isRecord(backoffRaw) ? backoffRaw : {}), ...Object.fromEntries(setBackoff.map(([k, v]) => [k.slice(8), v])) } : backoffRaw;
  const backoff = validateBackoff(backoffSection, 'backoff', registry, env);
  issues.push(...backoff.issues);

  const targets: TargetConfig[] = [];
  const targetsRaw = raw['targets'];
  // An invalid top-level monitor section is reported once, not again for every target inheriting it.
  const monitorDefaults = hasIssueUnder(root.issues, 'monitor') ? defaultsOf(MONITOR_SCHEMA) : (root.value['monitor'] as MonitorSettings);
  if (!Array.isArray(targetsRaw) || targetsRaw.length === 0) {
    issues.push({ key: 'targets', message: `must be a list of at least one target ({ name, transport, options }): value was ${show(targetsRaw)}` });
  } else {
    const seen = new Map<string, number>();
    targetsRaw.forEach((t, i) => {
      const result = validateTarget(t, i, registry, monitorDefaults, backoffSection, env);
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
      const extra = registry.exporter(type)!.validate?.(options) ?? [];
      issues.push(...extra.map((i) => ({ ...i, key: join(`exporters.${type}`, i.key) })));
    }
    exporters.push({ type, enabled: enabled === true, options });
  }

  warnings.push(...issues.filter(isWarning));
  if (hasErrors(issues)) throw new ConfigError(issues.filter((i) => !isWarning(i)));
  return deepFreeze({
    logLevel: root.value['logLevel'],
    logFormat: root.value['logFormat'],
    shutdownTimeout: root.value['shutdownTimeout'],
    monitor: monitorDefaults,
    backoff: backoff.value!,
    targets,
    exporters,
    plugins: specs,
  } as AgentConfig);
}

function defaultsOf(schema: Record<string, { default: unknown }>): MonitorSettings {
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, v.default])) as unknown as MonitorSettings;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
