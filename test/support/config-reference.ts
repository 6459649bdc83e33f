import 'reflect-metadata';
import { BUILTIN_PLUGINS } from '@rds-agent/agent';
import { ComponentRegistry, configReference, corePlugin, loadPlugins, silentLogger } from '@rds-agent/core/host';

/** The configuration reference for the distribution: core plus the built-in plugins. */
export async function builtinConfigReference(): Promise<string> {
  const registry = new ComponentRegistry();
  await loadPlugins([], { builtins: [corePlugin, ...BUILTIN_PLUGINS], baseDir: process.cwd(), registry, logger: silentLogger() });
  return configReference(registry);
}
