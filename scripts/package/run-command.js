// Runs a build tool and fails loudly: the command line and its stderr end up in the error.
import { spawnSync } from 'node:child_process';

/**
 * Runs `command args` synchronously; resolves to its stdout. `input` is piped to stdin; `stdout`
 * may be a file descriptor to stream into instead (for archives). Throws when the tool cannot be
 * started or exits non-zero.
 */
export function runCommand(command, args, options = {}) {
  const { cwd, env, input, stdout, quiet = true } = options;
  const result = spawnSync(command, args, {
    cwd,
    env: env ?? process.env,
    input,
    encoding: stdout === undefined ? 'utf8' : undefined,
    stdio: [input === undefined ? 'ignore' : 'pipe', stdout ?? 'pipe', quiet ? 'pipe' : 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = [command, ...args].join(' ');
  if (result.error) {
    const hint = result.error.code === 'ENOENT' ? ` (is ${command} installed?)` : '';
    throw new Error(`${line}: ${result.error.message}${hint}`, { cause: result.error });
  }
  if (result.status !== 0) {
    const stderr = result.stderr ? String(result.stderr).trim() : '';
    throw new Error(`${line}: exit ${result.status ?? result.signal}${stderr ? `\n${stderr}` : ''}`);
  }
  return result.stdout === null || result.stdout === undefined ? '' : String(result.stdout);
}
