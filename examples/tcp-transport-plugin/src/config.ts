import type { ConfigIssue, ConfigSchema } from '@rds-agent/core';

/** A `tcp` target's options (the keys under the target's `options:`). */
export interface TcpTransportConfig {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port. @default 22 */
  readonly port: number;
  /**
   * Text the peer must send first (e.g. `SSH-` for an SSH server) before the connection counts as
   * up; empty = any accepted TCP connection is up. @default ''
   */
  readonly expect: string;
  /**
   * Bytes a probe writes on the kept connection; the peer must answer with at least one byte before
   * the probe's deadline (detects a hung peer). Empty = the probe only checks that the kept socket
   * is still open (a hung peer then goes unnoticed until TCP keepalive gives up). @default ''
   */
  readonly probePayload: string;
  /** TCP keepalive on the kept socket; 0 = off. @default 10000 */
  readonly keepAlive: number;
}

/** The convict fragment for `transport: tcp` options. */
export const tcpConfigSchema: ConfigSchema<TcpTransportConfig> = {
  host: { doc: 'Host name or IP address to connect to.', format: 'host', default: 'localhost' },
  port: { doc: 'TCP port to connect to.', format: 'port', default: 22 },
  expect: { doc: 'Text the peer must send first (e.g. "SSH-") before the connection counts as up; empty = any accepted connection.', format: String, default: '' },
  probePayload: {
    doc: 'Bytes a probe writes on the kept connection; the peer must answer before the probe deadline. Empty = the probe only checks that the socket is still open.',
    format: String,
    default: '',
  },
  keepAlive: { doc: 'TCP keepalive interval on the kept socket; 0 turns it off.', format: 'duration', default: 10_000 },
};

/** Cross-field checks (keys relative to `options`). */
export function validateTcpConfig(config: Readonly<TcpTransportConfig>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.port === 0) issues.push({ key: 'port', message: 'must be a port from 1 to 65535: value was 0' });
  if (config.expect.length > 1024) issues.push({ key: 'expect', message: `must be at most 1024 characters: value has ${config.expect.length}` });
  return issues;
}
