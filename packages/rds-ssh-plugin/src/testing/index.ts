/**
 * `@rds-agent/rds-ssh-plugin/testing`: a RouterOS (ROSE Data Server) SSH simulator with fault
 * injection, plus the output-formatting helpers it uses, for tests, benchmarks and demos.
 */
export {
  RdsSimulator,
  startRdsSimulator,
  type RdsSimulatorOptions,
  type RdsSimulatorEvents,
  type SimulatedUser,
  type SimConnectionInfo,
  type KeepaliveMode,
  type CommandHandler,
  type CommandContext,
  type CommandResult,
} from './rds-simulator.js';
export { RouterOsDevice, normalizeCommand, type DeviceOptions, type SimulatedDisk } from './routeros-device.js';
export {
  CRLF,
  renderKeyValues,
  groupThousands,
  formatSize,
  formatRate,
  formatPrintDuration,
  formatValueDuration,
  wrapDetailItem,
  badCommandName,
} from './routeros-format.js';
export { generateKeyPair, fingerprintOf, fingerprintOfBlob, type SimKeyPair, type SimKeyType } from './host-keys.js';
