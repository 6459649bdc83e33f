import { type Logger } from '@rds-agent/core';
import { prepareConfig, silentLogger, type PreparedConfig } from '@rds-agent/core/host';
import { BUILTIN_PLUGINS } from '../builtins.js';

export interface LoadOptions {
  readonly file: string;
  readonly set?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

/**
 * Reads, interpolates and validates a config with the distribution's built-in plugins plus those
 * it names. Throws a ConfigError listing every issue, or a coded plugin AgentError; starts nothing.
 */
export function loadAgentConfig(options: LoadOptions): Promise<PreparedConfig> {
  return prepareConfig({
    file: options.file,
    builtins: BUILTIN_PLUGINS,
    logger: options.logger ?? silentLogger(),
    env: options.env ?? process.env,
    ...(options.set && Object.keys(options.set).length > 0 ? { set: options.set } : {}),
  });
}
