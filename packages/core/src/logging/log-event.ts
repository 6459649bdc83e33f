/**
 * Stable values of the `event` field of a log line: the security events an operator filters and
 * alerts on (`jq 'select(.event == "host_key_mismatch")'`, a Loki `| json | event="auth_failed"`).
 * A line carries at most one; every value here is a security event. Values are never renamed or
 * reused for something else; new ones may be added. Plugins MUST use these for the same
 * situations and MUST NOT put anything else in `event`.
 *
 * @public
 */
export const LogEvent = {
  /**
   * The device presented a host key that is not pinned (or is revoked): the agent does not
   * connect. Possible man-in-the-middle, or the device's key changed. Level error, every attempt.
   */
  hostKeyMismatch: 'host_key_mismatch',
  /**
   * A target runs with host-key verification switched off: anyone on the path can impersonate the
   * device. Level warn, once per target (and again after a config reload recreates it).
   */
  hostKeyCheckDisabled: 'host_key_check_disabled',
  /**
   * A connection attempt failed with `RDS_AGENT_ERR_AUTH`: the device refused the credentials, or
   * they could not be used (unreadable key file, wrong passphrase). Level error, every attempt.
   */
  authFailed: 'auth_failed',
  /**
   * A credential file (key, password, passphrase) can be read by group or others. Level warn, once
   * per file.
   */
  credentialFileReadable: 'credential_file_readable',
} as const;

/** One of the {@link LogEvent} values. @public */
export type LogEventName = (typeof LogEvent)[keyof typeof LogEvent];
