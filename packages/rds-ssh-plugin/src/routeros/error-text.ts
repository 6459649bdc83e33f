/**
 * RouterOS prints refusals on stdout with exit status 0, so every line is checked against this
 * grammar (from captured outputs: `bad command name foo (line 1 column 2)`, `failure: no such item`,
 * `not enough permissions (9)`, ...). Anchored at line start, no nested quantifiers: no ReDoS.
 */
export const ROUTEROS_ERROR_LINE =
  /^(bad command name|expected (end of )?command|syntax error|failure:|no such item|not enough permissions|input does not match|invalid value|bad parameter|interrupted)/;

/** The first line of `output` (CRLF already normalised or not) that is RouterOS error text, trimmed; else undefined. */
export function findRouterOsError(output: string): string | undefined {
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (ROUTEROS_ERROR_LINE.test(line)) return line;
  }
  return undefined;
}
