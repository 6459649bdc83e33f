import { ErrorCode } from './codes.js';

/** An error with a stable code, carried through the agent (config, plugin and exporter failures). @public */
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

/** One configuration problem: the key (dotted path), the offending value (redacted when sensitive) and what was expected. @public */
export interface ConfigIssue {
  readonly key: string;
  readonly message: string;
  /**
   * `warning`: the config is valid but probably not what the operator wants (a metrics endpoint
   * open beyond loopback without TLS, a password bcrypt would truncate). Warnings are printed by
   * `validate` and logged by `run`; they never stop the agent. @default 'error'
   */
  readonly severity?: 'error' | 'warning';
}

/** True for an issue that does not make the config invalid. */
export function isWarning(issue: ConfigIssue): boolean {
  return issue.severity === 'warning';
}

/** Thrown when configuration is invalid; carries every issue found, not just the first. @public */
export class ConfigError extends AgentError {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(ErrorCode.CONFIG, `invalid configuration:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`);
  }
}
