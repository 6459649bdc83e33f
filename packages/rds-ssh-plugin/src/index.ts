import { definePlugin, installedPackageVersion, type TransportDefinition } from '@rds-agent/core';
import { rdsSshConfigSchema, validateRdsSshConfig, type RdsSshConfig } from './config.js';
import { checkRdsSshFiles } from './config-files.js';
import { RdsSshTransport } from './transport/rds-ssh-transport.js';

/** The transport type name a target uses: `transport: rds-ssh`. */
export const RDS_SSH_TRANSPORT = 'rds-ssh';

/** The `rds-ssh` transport definition (schema, cross-field validation, factory). */
export const rdsSshTransportDefinition: TransportDefinition<RdsSshConfig> = {
  schema: rdsSshConfigSchema,
  validate: (config) => validateRdsSshConfig(config),
  checkFiles: (config) => checkRdsSshFiles(config),
  // The address, so `rds_target_info` says which device a target is.
  infoLabels: ['host', 'port', 'host_key_verification', 'probe_mode'],
  // The SSH client every session is: `ssh2_version` on rds_agent_build_info.
  componentVersions: { ssh2: installedPackageVersion('ssh2', import.meta.url) },
  create: (config, context) => new RdsSshTransport(config, context),
};

export { checkRdsSshFiles } from './config-files.js';
export { PrivateKeyCache, type KeyProblem } from './transport/private-keys.js';
export { rdsSshConfigSchema, validateRdsSshConfig, RDS_SSH_DEFAULTS, FINGERPRINT_PATTERN, MIN_INPUT_INTERVAL_MS, type RdsSshConfig } from './config.js';
export { RdsSshTransport, KEEPALIVE_COUNT_MAX, DEFAULT_RUN_TIMEOUT_MS, type ProbeMode } from './transport/rds-ssh-transport.js';
export { classifySshError } from './errors/classify.js';
export { fingerprintOf, keyTypeOf } from './host-key/fingerprint.js';
export { parseKnownHosts, knownHostsName, type KnownHostKey, type KnownHostsMatch } from './host-key/known-hosts.js';
export { keyscan, type ScannedKey, type KeyscanOptions } from './host-key/keyscan.js';
export { execCommand, isChannelOpenFailure, normaliseNewlines, type ExecResult, type ExecOptions } from './runner/exec-command.js';
export { CLOSE_SETTLE_MS, ChannelGate, PROBE_PREEMPT_AFTER_MS, type ChannelKind, type ChannelLease, type Refusal } from './runner/channel-gate.js';
export * from './routeros/index.js';
export * from './inputs/index.js';

export default definePlugin({
  name: '@rds-agent/rds-ssh-plugin',
  version: '0.2.0',
  apiVersion: '^0.2.0',
  register(host) {
    host.addTransport<RdsSshConfig>(RDS_SSH_TRANSPORT, rdsSshTransportDefinition);
  },
});
