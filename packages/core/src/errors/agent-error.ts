import { ErrorCode } from './codes.js';

/** An error with a stable code, carried through the agent (config, plugin and exporter failures). */
export class AgentError extends Error {
  override readonly name: string = 'AgentError';
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One configuration problem: the key (dotted path), the offending value (redacted when sensitive) and what was expected. */
export interface ConfigIssue {
  readonly key: string;
  readonly message: string;
}

/** Thrown when configuration is invalid; carries every issue found, not just the first. */
export class ConfigError extends AgentError {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(ErrorCode.CONFIG, `invalid configuration:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`);
  }
}
