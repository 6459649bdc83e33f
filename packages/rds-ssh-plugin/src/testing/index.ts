/**
 * `@rds-agent/rds-ssh-plugin/testing`: a RouterOS (ROSE Data Server) SSH simulator with connection
 * and storage/hardware fault injection, the RDS2216 device model behind it, and the output-formatting
 * helpers it uses, for tests, benchmarks and demos.
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
export {
  RouterOsDevice,
  normalizeCommand,
  type DeviceOptions,
  type OutputQuirks,
  type FaultKind,
  type FaultInfo,
  type DriveLossOptions,
  type BtrfsErrorOptions,
} from './routeros-device.js';
export {
  VARIANTS,
  rds2216Disks,
  rds2216Sensors,
  rds2216Interfaces,
  type DeviceVariant,
  type DeviceCapabilities,
  type DeviceInventory,
  type RaidLevel,
  type SimulatedDisk,
  type SimulatedSmart,
  type SimulatedSensor,
  type SimulatedInterface,
  type SimulatedBtrfs,
  type SimulatedPackage,
  type SimulatedSmbUser,
} from './device-inventory.js';
export { DEFAULT_REBUILD_MS, type RebuildOptions, type ArrayStatus } from './storage-state.js';
export { makeGarbage, GARBAGE_KINDS, TWO_MIB, MAX_GARBAGE_BYTES, type GarbageKind, type GarbageOptions } from './garbage-output.js';
export { STORAGE_COMMANDS, STORAGE_INPUTS, commandsOfInput, type StorageInput } from './storage-commands.js';
export { runFaultCommand, FAULT_COMMANDS_HELP } from './fault-commands.js';
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
  expectedEndOfCommand,
  formatDate,
  quoteRouterOs,
  ros,
  renderRosValue,
  rawRosValue,
  jsonRosValue,
  type RosValue,
  type RosForm,
} from './routeros-format.js';
export {
  renderDetail,
  renderTerse,
  renderTable,
  renderSingleton,
  renderAsValue,
  renderJson,
  itemId,
  EXEC_WIDTH,
  type RosProp,
  type FlagDef,
  type ListItem,
  type TableColumn,
  type TerseOptions,
} from './routeros-listing.js';
export { generateKeyPair, fingerprintOf, fingerprintOfBlob, type SimKeyPair, type SimKeyType } from './host-keys.js';
