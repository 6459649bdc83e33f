import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import type { PluginSpec } from '../config/agent-config.js';
import { validateFragment } from '../config/convict-adapter.js';
import { AgentError, ConfigError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';
import type { ComponentRegistry } from './component-registry.js';
import { CORE_VERSION, isPlugin, PLUGIN_REGISTER_TIMEOUT_MS, type Plugin } from './plugin.js';
import { SystemClock, type Clock } from '../clock/clock.js';
import { withDeadline } from '../signals/deadline.js';

/** @internal */
export interface LoadPluginsOptions {
  /** Plugins that ship with the distribution; registered first, configurable by naming them in `plugins:`. */
  readonly builtins?: readonly Plugin[];
  /** Directory that relative plugin paths and package names resolve from (the config file's). */
  readonly baseDir: string;
  readonly registry: ComponentRegistry;
  readonly logger: Logger;
  /** Overrides how a module is imported (tests). */
  readonly importModule?: (specifier: string, baseDir: string) => Promise<unknown>;
  /** Times each plugin's `register`. @default real time */
  readonly clock?: Clock;
  /** How long `register` may take (ms). @default PLUGIN_REGISTER_TIMEOUT_MS */
  readonly registerTimeoutMs?: number;
}

/** A plugin that registered successfully. @internal */
export interface LoadedPlugin {
  readonly name: string;
  readonly version?: string;
  readonly source: 'builtin' | string;
}

/**
 * Loads the built-in plugins and those named in config (package name or file path), checks each
 * plugin's declared core API range, validates its settings and calls `register`. Fails with a
 * coded AgentError naming the plugin: `RDS_AGENT_ERR_PLUGIN_LOAD` (cannot import / exports no
 * plugin), `RDS_AGENT_ERR_PLUGIN_VERSION` (API range does not include this core's),
 * `RDS_AGENT_ERR_PLUGIN_REGISTER` (register threw); a ConfigError for bad plugin settings.
 *
 * @internal
 */
export async function loadPlugins(specs: readonly PluginSpec[], options: LoadPluginsOptions): Promise<LoadedPlugin[]> {
  const importModule = options.importModule ?? importFrom;
  const builtins = new Map((options.builtins ?? []).map((p) => [p.name, p]));
  const configured = new Map<string, { spec: PluginSpec; index: number }>();
  const external: { spec: PluginSpec; index: number }[] = [];
  specs.forEach((spec, index) => {
    if (builtins.has(spec.module)) configured.set(spec.module, { spec, index });
    else external.push({ spec, index });
  });

  const loaded: LoadedPlugin[] = [];
  const registered = new Set<string>();
  for (const plugin of builtins.values()) {
    const entry = configured.get(plugin.name);
    await registerPlugin(plugin, entry?.spec.config ?? {}, entry ? `plugins[${entry.index}].config` : `plugins(${plugin.name})`, options, registered);
    loaded.push({ name: plugin.name, ...(plugin.version ? { version: plugin.version } : {}), source: 'builtin' });
  }
  for (const { spec, index } of external) {
    let mod: unknown;
    try {
      mod = await importModule(spec.module, options.baseDir);
    } catch (err) {
      throw new AgentError(ErrorCode.PLUGIN_LOAD, `plugin ${spec.module} (plugins[${index}]) cannot be loaded: ${(err as Error).message}`, { cause: err });
    }
    const plugin = pluginExport(mod);
    if (!plugin) {
      throw new AgentError(
        ErrorCode.PLUGIN_LOAD,
        `plugin ${spec.module} (plugins[${index}]) does not export a plugin: its default export must come from definePlugin({ name, apiVersion, register })`,
      );
    }
    await registerPlugin(plugin, spec.config, `plugins[${index}].config`, options, registered);
    loaded.push({ name: plugin.name, ...(plugin.version ? { version: plugin.version } : {}), source: spec.module });
  }
  return loaded;
}

async function registerPlugin(
  plugin: Plugin,
  rawConfig: Readonly<Record<string, unknown>>,
  key: string,
  options: LoadPluginsOptions,
  registered: Set<string>,
): Promise<void> {
  const range = semver.validRange(plugin.apiVersion);
  if (!range || !semver.satisfies(CORE_VERSION, range, { includePrerelease: true })) {
    throw new AgentError(
      ErrorCode.PLUGIN_VERSION,
      `plugin ${plugin.name} requires @rds-agent/core ${JSON.stringify(plugin.apiVersion)}, but this is @rds-agent/core ${CORE_VERSION}`,
    );
  }
  if (plugin.dependencies !== undefined && (!Array.isArray(plugin.dependencies) || !plugin.dependencies.every((d) => typeof d === 'string'))) {
    throw new AgentError(ErrorCode.PLUGIN_LOAD, `plugin ${plugin.name}: dependencies must be a list of plugin names`);
  }
  const missing = (plugin.dependencies ?? []).filter((d) => !registered.has(d));
  if (missing.length > 0) {
    throw new AgentError(
      ErrorCode.PLUGIN_DEPENDENCY,
      `plugin ${plugin.name} needs ${missing.map((m) => JSON.stringify(m)).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not loaded before it: list ${missing.length === 1 ? 'it' : 'them'} earlier in plugins:`,
    );
  }
  let config: Record<string, unknown> = {};
  if (plugin.configSchema) {
    const checked = validateFragment(plugin.configSchema, rawConfig, key);
    if (checked.issues.length > 0) throw new ConfigError(checked.issues);
    config = checked.value;
  } else if (Object.keys(rawConfig).length > 0) {
    throw new ConfigError([{ key, message: `plugin ${plugin.name} takes no settings` }]);
  }
  const logger = options.logger.child({ plugin: plugin.name });
  const timeoutMs = options.registerTimeoutMs ?? PLUGIN_REGISTER_TIMEOUT_MS;
  try {
    await withDeadline(
      options.clock ?? new SystemClock(),
      timeoutMs,
      new AbortController().signal,
      async () => plugin.register(options.registry.hostFor(plugin.name, logger), Object.freeze(config)),
      () => new AgentError(ErrorCode.PLUGIN_REGISTER, `plugin ${plugin.name} did not finish registering within ${timeoutMs} ms (register must only declare, never wait on the network)`),
    );
  } catch (err) {
    if (err instanceof AgentError && (err.code === ErrorCode.DUPLICATE_COMPONENT || err.code === ErrorCode.PLUGIN_REGISTER)) throw err;
    throw new AgentError(ErrorCode.PLUGIN_REGISTER, `plugin ${plugin.name} failed to register: ${(err as Error).message}`, { cause: err });
  }
  registered.add(plugin.name);
}

function pluginExport(mod: unknown): Plugin | undefined {
  const m = mod as { default?: unknown; plugin?: unknown } | null;
  if (isPlugin(m?.default)) return m.default;
  if (isPlugin(m?.plugin)) return m.plugin;
  // A CommonJS module imported from ESM has its exports under default.
  const inner = (m?.default as { default?: unknown } | undefined)?.default;
  return isPlugin(inner) ? inner : undefined;
}

/** Imports a plugin by path (relative to baseDir) or package name (resolved from baseDir, then from the agent's own install). */
async function importFrom(specifier: string, baseDir: string): Promise<unknown> {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    return import(pathToFileURL(resolve(baseDir, specifier)).href);
  }
  let resolved: string | undefined;
  try {
    resolved = createRequire(join(baseDir, 'noop.js')).resolve(specifier);
  } catch {
    resolved = undefined;
  }
  return resolved ? import(pathToFileURL(resolved).href) : import(specifier);
}
