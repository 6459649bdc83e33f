/**
 * @rds-agent/agent: the `rds-agent` distribution. The CLI lives in `dist/cli/main.js`; this entry
 * exposes the pieces other tools embed (the built-in plugin set, the version, the CLI dispatcher).
 */
export { BUILTIN_PLUGINS } from './builtins.js';
export { VERSION } from './version.js';
export { runCli } from './cli/run-cli.js';
export type { CliIo } from './cli/cli-io.js';
export { ExitCode } from './cli/exit-code.js';
