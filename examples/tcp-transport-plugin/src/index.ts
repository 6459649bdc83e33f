/**
 * rds-agent-plugin-tcp: an example third-party plugin. Adds `transport: tcp`, a plain TCP
 * connection used as a liveness signal, and `backoff: { strategy: linear }`. Load it from a config:
 *
 * ```yaml
 * plugins: [rds-agent-plugin-tcp]        # or a path: ./plugins/tcp/dist/index.js
 * targets:
 *   - name: web-1
 *     transport: tcp
 *     options: { host: 192.0.2.7, port: 443 }
 * ```
 */
import { definePlugin, type TransportDefinition } from '@rds-agent/core';
import { tcpConfigSchema, validateTcpConfig, type TcpTransportConfig } from './config.js';
import { TcpTransport } from './tcp-transport.js';
import { linearBackoff, type LinearBackoffParams } from './linear-backoff.js';

/** The transport type name targets use. */
export const TCP_TRANSPORT = 'tcp';

export const tcpTransportDefinition: TransportDefinition<TcpTransportConfig> = {
  schema: tcpConfigSchema,
  validate: validateTcpConfig,
  // What describe() returns; exported as labels of rds_target_info.
  infoLabels: ['probe_mode', 'expect'],
  create: (config, context) => new TcpTransport(config, context),
};

export { TcpTransport } from './tcp-transport.js';
export { tcpConfigSchema, validateTcpConfig, type TcpTransportConfig } from './config.js';
export { LinearBackoff, linearBackoff, type LinearBackoffParams } from './linear-backoff.js';

export default definePlugin({
  name: 'rds-agent-plugin-tcp',
  version: '0.2.0',
  // The range of core versions this was written against; the loader refuses a core outside it.
  apiVersion: '^0.2.0',
  register(host) {
    host.addTransport<TcpTransportConfig>(TCP_TRANSPORT, tcpTransportDefinition);
    host.addBackoff<LinearBackoffParams>('linear', linearBackoff);
  },
});
