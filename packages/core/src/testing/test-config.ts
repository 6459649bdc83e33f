import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareConfig, type PreparedConfig } from '../agent/bootstrap.js';
import { corePlugin } from '../agent/core-plugin.js';
import type { AgentConfig } from '../config/agent-config.js';
import { validateAgentConfig } from '../config/compose-config.js';
import type { ConfigOverrides } from '../config/convict-adapter.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { silentLogger } from '../logging/logger.js';
import { ComponentRegistry } from '../plugin/component-registry.js';
import type { Plugin } from '../plugin/plugin.js';

/** Options of {@link loadTestConfig}. @public */
export interface LoadTestConfigOptions {
  /** The plugins under test (core's own is always loaded first). */
  readonly plugins: readonly Plugin[];
  /** A config file to load (YAML or JSON)... */
  readonly file?: string;
  /** ...or its text (written to a temporary `.yaml` file). */
  readonly yaml?: string;
  /** Environment for `RDS_AGENT_*` and `${env:...}`. @default {} (not the test's own environment) */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--set key=value` overrides. */
  readonly set?: Readonly<Record<string, string>>;
}

/**
 * Runs a config through the agent's real pipeline (read, interpolate, load plugins, validate) with the
 * given plugins as built-ins, exactly as `rds-agent validate` would: resolves the prepared config, or
 * rejects with the ConfigError (every issue, with keys) or coded plugin error the agent would print.
 * For a plugin package's `testdata/good.yaml` and `testdata/bad_*.yaml`.
 *
 * @public
 */
export async function loadTestConfig(options: LoadTestConfigOptions): Promise<PreparedConfig> {
  let file = options.file;
  let dir: string | undefined;
  if (!file) {
    if (options.yaml === undefined) throw new Error('loadTestConfig: give a file or yaml');
    dir = mkdtempSync(join(tmpdir(), 'rds-agent-test-config-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, options.yaml);
  }
  try {
    return await prepareConfig({ file, builtins: options.plugins, logger: silentLogger(), env: options.env ?? {}, ...(options.set ? { set: options.set } : {}) });
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates a raw (already parsed) config the way the agent does; throws the ConfigError it would. @public */
export type ConfigValidator = (raw: Record<string, unknown>, overrides?: ConfigOverrides, warnings?: ConfigIssue[]) => AgentConfig;

/**
 * Registers core's plugin and `plugins` (with empty plugin settings) as the agent would, and returns
 * a validator of raw config objects against the composed schema: for table-driven config tests that
 * need no files. `overrides.env` defaults to `{}` (not the test's own environment).
 *
 * @public
 */
export async function configValidator(plugins: readonly Plugin[]): Promise<ConfigValidator> {
  const registry = new ComponentRegistry();
  for (const plugin of [corePlugin, ...plugins]) {
    await (plugin as Plugin).register(registry.hostFor(plugin.name, silentLogger()), {});
  }
  return (raw, overrides = {}, warnings) => validateAgentConfig(raw, registry, { env: {}, ...overrides }, warnings);
}
