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
import { isPlugin, PLUGIN_API_VERSION, type Plugin } from './plugin.js';

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
  for (const plugin of builtins.values()) {
    const entry = configured.get(plugin.name);
    await registerPlugin(plugin, entry?.spec.config ?? {}, entry ? `plugins[${entry.index}].config` : `plugins(${plugin.name})`, options);
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
    await registerPlugin(plugin, spec.config, `plugins[${index}].config`, options);
    loaded.push({ name: plugin.name, ...(plugin.version ? { version: plugin.version } : {}), source: spec.module });
  }
  return loaded;
}

async function registerPlugin(plugin: Plugin, rawConfig: Readonly<Record<string, unknown>>, key: string, options: LoadPluginsOptions): Promise<void> {
  const range = semver.validRange(plugin.apiVersion);
  if (!range || !semver.satisfies(PLUGIN_API_VERSION, range)) {
    throw new AgentError(
      ErrorCode.PLUGIN_VERSION,
      `plugin ${plugin.name} requires core plugin API ${JSON.stringify(plugin.apiVersion)}, but this core provides ${PLUGIN_API_VERSION}`,
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
  try {
    await plugin.register(options.registry.hostFor(plugin.name, logger), Object.freeze(config));
  } catch (err) {
    if (err instanceof AgentError && err.code === ErrorCode.DUPLICATE_COMPONENT) throw err;
    throw new AgentError(ErrorCode.PLUGIN_REGISTER, `plugin ${plugin.name} failed to register: ${(err as Error).message}`, { cause: err });
  }
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
