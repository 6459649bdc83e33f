/**
 * Shared by this package's transport tests (the `.test.support` name keeps it out of the test run
 * and the published package): an `rds-ssh` config pointed at a running simulator with its pinned key.
 */
import { RDS_SSH_DEFAULTS, type RdsSshConfig } from '../config.js';
import type { RdsSimulator } from '../testing/index.js';

export function simTargetConfig(sim: RdsSimulator, privateKeyFile: string, overrides: Partial<RdsSshConfig> = {}): RdsSshConfig {
  return {
    ...RDS_SSH_DEFAULTS,
    host: '127.0.0.1',
    port: sim.port,
    username: sim.username,
    privateKeyFile,
    hostKeyFingerprints: [sim.hostKeyFingerprint],
    ...overrides,
  };
}
