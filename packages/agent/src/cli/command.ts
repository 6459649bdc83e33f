import type { Logger } from '@rds-agent/core';
import type { PreparedConfig } from '@rds-agent/core/host';
import type { CliIo } from './cli-io.js';
import { COMMON_OPTIONS, parseCommandArgs, parseSetFlags, requireConfigPath, type CommandOptions, type ParsedValues } from './parse-args.js';
import { reportError } from './report-error.js';
import { loadAgentConfig } from '../runtime/load-config.js';

/** One `rds-agent <name>` subcommand: one file under `cli/commands/`. */
export interface Command {
  readonly name: string;
  /** One line for the command list of `rds-agent --help`. */
  readonly summary: string;
  /** Full text of `rds-agent <name> --help`. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** What a command's body gets: its parsed flags, positionals and the process streams. */
export interface CommandContext<V> {
  readonly values: V;
  readonly positionals: readonly string[];
  readonly io: CliIo;
  /** The config file once known, so error reports can name it. */
  file?: string;
}

/** The flags of every command that reads a config: `-c/--config <file>` and repeatable `--set key=value`. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  set: { type: 'string', multiple: true },
} as const satisfies CommandOptions;

/**
 * Declares a command: parses its flags (strict, plus `--help` and `--debug`), prints its help, and
 * turns whatever the body throws into one line on stderr and the matching exit code.
 */
export function defineCommand<const O extends CommandOptions>(spec: {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  readonly options: O;
  readonly allowPositionals?: boolean;
  execute(context: CommandContext<ParsedValues<O & typeof COMMON_OPTIONS>>): Promise<number>;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    help: spec.help,
    async run(args, io) {
      let debug = false;
      let context: CommandContext<ParsedValues<O & typeof COMMON_OPTIONS>> | undefined;
      try {
        const { values, positionals } = parseCommandArgs(args, spec.options, spec.allowPositionals ?? false);
        debug = values.debug === true;
        if (values.help) {
          io.stdout.write(spec.help);
          return 0;
        }
        context = { values, positionals, io };
        return await spec.execute(context);
      } catch (err) {
        return reportError(err, io, { debug, command: spec.name, ...(context?.file ? { file: context.file } : {}) });
      }
    },
  };
}

/**
 * Loads and validates the config named by `-c` (or `RDS_AGENT_CONFIG`) with `--set` overrides and
 * the environment, recording the file on the context for error reports.
 */
export async function loadConfigFromFlags(
  context: CommandContext<{ config?: string; set?: string[] }>,
  logger?: Logger,
): Promise<PreparedConfig & { reload: (logger?: Logger) => Promise<PreparedConfig> }> {
  const file = requireConfigPath(context.values.config, context.io.env);
  context.file = file;
  const set = parseSetFlags(context.values.set);
  const load = (l?: Logger) => loadAgentConfig({ file, set, env: context.io.env, ...(l ? { logger: l } : {}) });
  return { ...(await load(logger)), reload: load };
}
