import type { CliIo } from './cli-io.js';
import type { Command } from './command.js';
import { ExitCode } from './exit-code.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { hashPasswordCommand } from './commands/hash-password.js';
import { keyscanCommand } from './commands/keyscan.js';
import { printConfigCommand } from './commands/print-config.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { VERSION } from '../version.js';

export const COMMANDS: readonly Command[] = [runCommand, validateCommand, checkCommand, statusCommand, keyscanCommand, hashPasswordCommand, printConfigCommand, demoCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `rds-agent ${VERSION}: connection health and telemetry of MikroTik ROSE Data Server (RDS) appliances

Usage: rds-agent <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -v, --version  print the version
  -h, --help     show this help ("rds-agent <command> --help" for a command)

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
`;
}

/** Dispatches `rds-agent <command> ...`; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    if (first === 'help' && rest[0]) return runCli([rest[0], '--help'], io);
    io.stdout.write(mainHelp());
    return first === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (first === '-v' || first === '--version' || first === 'version') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.OK;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.stderr.write(`rds-agent: unknown command ${JSON.stringify(first)}\nRun "rds-agent --help" for the list of commands.\n`);
    return ExitCode.USAGE;
  }
  return command.run(rest, io);
}
