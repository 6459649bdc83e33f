import { isBlank } from './scan.js';
import { redactSecrets } from './secret-fields.js';

/**
 * RouterOS prints refusals on stdout with exit status 0, so every line is checked against this
 * grammar (from captured outputs: `bad command name foo (line 1 column 2)`, `failure: no such item`,
 * `not enough permissions (9)`, ...). Anchored at line start, no nested quantifiers: no ReDoS.
 */
export const ROUTEROS_ERROR_LINE =
  /^(bad command name|expected (end of )?command|syntax error|failure:|no such item|not enough permissions|input does not match|invalid value|bad parameter|interrupted|no such command)/;

/**
 * The error lines that mean "this device does not know the command" (an older RouterOS, a package
 * that is not installed, an argument this version lacks): `bad command name smart-info`,
 * `no such command prefix`, `expected end of command` (an unknown argument), `expected command name`.
 */
export const UNSUPPORTED_COMMAND_LINE = /^(bad command name|no such command|expected (end of )?command)/;

/** Longest error line kept (in messages and logs); device text beyond it is cut. */
const MAX_ERROR_LINE = 200;

/**
 * The first line of `output` that is RouterOS error text, trimmed, cut to 200 characters and with
 * credential values redacted; else undefined. Linear.
 */
export function findRouterOsError(output: string): string | undefined {
  // Line by line without splitting: a 2 MiB answer is scanned, not copied.
  const n = output.length;
  let start = 0;
  while (start < n) {
    let end = output.indexOf('\n', start);
    if (end < 0) end = n;
    let i = start;
    while (i < end && isBlank(output.charCodeAt(i))) i++;
    ERROR_AT.lastIndex = i;
    if (i < end && ERROR_AT.test(output)) {
      const line = output.slice(i, Math.min(end, i + 4 * MAX_ERROR_LINE)).trim();
      return redactSecrets(line.slice(0, MAX_ERROR_LINE));
    }
    start = end + 1;
  }
  return undefined;
}

/** {@link ROUTEROS_ERROR_LINE} anchored where `lastIndex` points (sticky). */
const ERROR_AT = new RegExp(ROUTEROS_ERROR_LINE.source.slice(1), 'y');

/** True when a RouterOS error line says the device does not know the command. */
export function isUnsupportedCommandError(line: string): boolean {
  return UNSUPPORTED_COMMAND_LINE.test(line);
}
