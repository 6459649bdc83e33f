import type { AgentConfig } from '../config/agent-config.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { loadRawConfig } from '../config/load-config.js';
import { validateAgentConfig } from '../config/compose-config.js';
import { checkConfigFiles } from '../config/file-checks.js';
import type { ConfigOverrides } from '../config/convict-adapter.js';
import { readPluginSpecs } from '../config/plugin-specs.js';
import { ConfigError } from '../errors/agent-error.js';
import type { Logger } from '../logging/logger.js';
import { ComponentRegistry } from '../plugin/component-registry.js';
import { loadPlugins, type LoadedPlugin } from '../plugin/plugin-loader.js';
import type { Plugin } from '../plugin/plugin.js';
import { corePlugin } from './core-plugin.js';

/** @internal */
export interface PrepareOptions extends ConfigOverrides {
  /** Path of the YAML or JSON config file. */
  readonly file: string;
  /** The distribution's built-in plugins (core's own is always added first). */
  readonly builtins?: readonly Plugin[];
  readonly logger: Logger;
  /**
   * Check that every file the config names is a readable regular file (`validate` and `run` do).
   * @default true
   */
  readonly checkFiles?: boolean;
}

/** @internal */
export interface PreparedConfig {
  readonly config: AgentConfig;
  readonly registry: ComponentRegistry;
  readonly plugins: readonly LoadedPlugin[];
  readonly file: string;
  /** Valid but doubtful settings (`validate` prints them, `run` logs them at warn). */
  readonly warnings: readonly ConfigIssue[];
}

/**
 * Everything that must happen before anything starts: read and interpolate the file, load and
 * register plugins (they shape the schema), validate the whole config strictly, then check the
 * files it names. Throws a
 * ConfigError (every issue at once) or a coded plugin AgentError; starts nothing.
 *
 * @internal
 */
export async function prepareConfig(options: PrepareOptions): Promise<PreparedConfig> {
  const env = options.env ?? process.env;
  const { raw, baseDir, file } = loadRawConfig(options.file, env);
  const { specs, issues } = readPluginSpecs(raw);
  if (issues.length > 0) throw new ConfigError(issues);
  const registry = new ComponentRegistry();
  const plugins = await loadPlugins(specs, { builtins: [corePlugin, ...(options.builtins ?? [])], baseDir, registry, logger: options.logger });
  const warnings: ConfigIssue[] = [];
  const config = validateAgentConfig(raw, registry, { env, ...(options.set ? { set: options.set } : {}) }, warnings, specs);
  if (options.checkFiles !== false) checkConfigFiles(config, registry, warnings);
  return { config, registry, plugins, file: file ?? options.file, warnings };
}
