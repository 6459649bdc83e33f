/**
 * Stable error codes. Tests and operators match on these, never on message text.
 * Transport codes double as the `reason` label value via {@link reasonOf}.
 *
 * @public
 */
export const ErrorCode = {
  /** TCP-level failure: reset, unreachable, DNS, socket closed. Retryable. */
  NETWORK: 'RDS_AGENT_ERR_NETWORK',
  /** Connection refused (nothing listening). Retryable. */
  REFUSED: 'RDS_AGENT_ERR_REFUSED',
  /** An operation exceeded its deadline (hung peer). Retryable. */
  TIMEOUT: 'RDS_AGENT_ERR_TIMEOUT',
  /** Protocol handshake failed (no common algorithm, bad banner). Retryable. */
  HANDSHAKE: 'RDS_AGENT_ERR_HANDSHAKE',
  /** The peer broke the protocol or answered nonsense. Retryable. */
  PROTOCOL: 'RDS_AGENT_ERR_PROTOCOL',
  /** Credentials were rejected. Permanent: retried only at the strategy's slowest rate. */
  AUTH: 'RDS_AGENT_ERR_AUTH',
  /** The peer presented a host key that is not pinned. Permanent, and a security event. */
  HOST_KEY_MISMATCH: 'RDS_AGENT_ERR_HOST_KEY_MISMATCH',
  /** A command ran but the device answered with an error (RouterOS error text). The connection is fine. */
  COMMAND: 'RDS_AGENT_ERR_COMMAND',
  /** The device does not know a command (older RouterOS, a package not installed). Not a loss. */
  UNSUPPORTED: 'RDS_AGENT_ERR_UNSUPPORTED',
  /** The probe ran and reported the target unhealthy (e.g. commands fail while the session is up). Retryable. */
  UNHEALTHY: 'RDS_AGENT_ERR_UNHEALTHY',
  /** Operation attempted on a closed or never-connected transport. */
  NOT_CONNECTED: 'RDS_AGENT_ERR_NOT_CONNECTED',
  /** The operation was aborted by its caller (stop, deadline of the caller). */
  ABORTED: 'RDS_AGENT_ERR_ABORTED',
  /** Configuration is invalid. */
  CONFIG: 'RDS_AGENT_ERR_CONFIG',
  /** A plugin could not be loaded, does not match the core API, or threw while registering. */
  PLUGIN_LOAD: 'RDS_AGENT_ERR_PLUGIN_LOAD',
  PLUGIN_VERSION: 'RDS_AGENT_ERR_PLUGIN_VERSION',
  PLUGIN_REGISTER: 'RDS_AGENT_ERR_PLUGIN_REGISTER',
  /** A plugin needs another plugin that is not loaded (or is loaded after it). */
  PLUGIN_DEPENDENCY: 'RDS_AGENT_ERR_PLUGIN_DEPENDENCY',
  /** Two plugins registered the same transport, exporter or backoff name. */
  DUPLICATE_COMPONENT: 'RDS_AGENT_ERR_DUPLICATE_COMPONENT',
  /** An exporter failed to start (port in use, unreadable TLS files, ...). */
  EXPORTER_START: 'RDS_AGENT_ERR_EXPORTER_START',
  /** Anything not classified. Treated as retryable. */
  UNKNOWN: 'RDS_AGENT_ERR_UNKNOWN',
} as const;

/** @public */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const REASONS: Record<string, string> = {
  [ErrorCode.NETWORK]: 'network',
  [ErrorCode.REFUSED]: 'refused',
  [ErrorCode.TIMEOUT]: 'timeout',
  [ErrorCode.HANDSHAKE]: 'handshake',
  [ErrorCode.PROTOCOL]: 'protocol',
  [ErrorCode.AUTH]: 'auth',
  [ErrorCode.HOST_KEY_MISMATCH]: 'host-key-mismatch',
  [ErrorCode.COMMAND]: 'command',
  [ErrorCode.UNSUPPORTED]: 'unsupported',
  [ErrorCode.UNHEALTHY]: 'unhealthy',
  [ErrorCode.NOT_CONNECTED]: 'not-connected',
  [ErrorCode.ABORTED]: 'aborted',
};

/**
 * The short, bounded label value for an error code (`network`, `auth`, `host-key-mismatch`, ...).
 * Bounded so that a `reason` label can never explode cardinality.
 */
export function reasonOf(code: string): string {
  return REASONS[code] ?? 'unknown';
}
