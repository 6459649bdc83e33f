import type { CliIo } from './cli-io.js';

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
