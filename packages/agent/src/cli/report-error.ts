import { AgentError, ConfigError, ErrorCode } from '@rds-agent/core';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';
import { UsageError } from './usage-error.js';

/** Codes that mean "the configuration (or a plugin it names) is wrong": exit 2, nothing started. */
const CONFIG_CODES = new Set<string>([ErrorCode.CONFIG, ErrorCode.PLUGIN_LOAD, ErrorCode.PLUGIN_VERSION, ErrorCode.PLUGIN_REGISTER, ErrorCode.DUPLICATE_COMPONENT]);

/** Lines for every issue of a ConfigError, `key: message`, in file order. */
export function formatIssues(err: ConfigError): string[] {
  return err.issues.map((i) => `  ${i.key}: ${i.message}`);
}

/**
 * Prints an error the way every command does (one line, no stack unless `--debug`) and returns the
 * exit code it maps to.
 */
export function reportError(err: unknown, io: CliIo, options: { debug?: boolean; command?: string; file?: string } = {}): number {
  const prefix = 'rds-agent: ';
  if (err instanceof UsageError) {
    io.stderr.write(`${prefix}${err.message}\nRun "rds-agent ${options.command ? `${options.command} ` : ''}--help" for usage.\n`);
    return ExitCode.USAGE;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`${prefix}invalid configuration${options.file ? ` in ${options.file}` : ''} (${err.issues.length} ${err.issues.length === 1 ? 'problem' : 'problems'}):\n${formatIssues(err).join('\n')}\n`);
    if (options.debug) io.stderr.write(`${err.stack ?? ''}\n`);
    return ExitCode.USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof AgentError ? ` [${err.code}]` : '';
  io.stderr.write(`${prefix}error: ${message}${hint(message)}${code}\n`);
  if (options.debug && err instanceof Error) io.stderr.write(`${err.stack ?? ''}\n${err.cause ? `cause: ${String((err.cause as Error).stack ?? err.cause)}\n` : ''}`);
  return err instanceof AgentError && CONFIG_CODES.has(err.code) ? ExitCode.USAGE : ExitCode.FAILURE;
}

function hint(message: string): string {
  const exporter = /exporters\.([\w-]+)/.exec(message)?.[1];
  if (/EADDRINUSE/.test(message)) {
    return `\n  hint: another process listens on that address; change exporters.${exporter ?? '<type>'}.port (or --set exporters.${exporter ?? '<type>'}.port=<free port>)`;
  }
  if (/EACCES/.test(message) && exporter) return `\n  hint: ports below 1024 need privileges; choose exporters.${exporter}.port >= 1024`;
  return '';
}
