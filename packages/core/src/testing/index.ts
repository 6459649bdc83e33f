/**
 * @rds-agent/core/testing: the test doubles rds-agent's own tests use, shipped so plugin authors
 * test the same way: a FakeClock to drive time, pinned Random sources, a scriptable FakeTransport,
 * a RecordingExporter that answers "what would a scrape show", and the `transportContract()` suite
 * every transport must pass.
 */
export * from './fake-clock.js';
export * from './sequence-random.js';
export * from './fixed-random.js';
export * from './fake-transport.js';
export * from './recording-exporter.js';
export * from './transport-contract.js';
export * from './wait-for.js';
export * from './metrics-pipeline.js';
export * from './test-config.js';
// Real time and randomness and a quiet logger, for tests against real peers (a simulator, sshd).
export { SystemClock } from '../clock/clock.js';
export { SystemRandom } from '../clock/random.js';
export { silentLogger } from '../logging/logger.js';
export { validateFragment } from '../config/convict-adapter.js';
export * from './fake-transport-plugin.js';
// The real host parts an exporter is fed by, for exporter tests (`createMetricsPipeline` wires them).
export { MetricsHub } from '../metrics/metrics-hub.js';
export type { BuildInfo, BuildInfoInput } from '../metrics/build-info.js';
export { StatusStore } from '../metrics/status-store.js';
export { effectiveCatalog } from '../metrics/effective-catalog.js';
export { createLogger } from '../logging/logger.js';
// Every JSON log line a test reads goes through this: one key once per object, or the test fails.
export { parseJsonLogLine, LogLineError } from '../logging/json-log-line.js';
export type { MonitorEvent } from '../monitor/events.js';
export * from './manual-loop-lag.js';
export * from './exporter-contract.js';
export * from './backoff-contract.js';
export * from './plugin-manifest.js';
export * from './testdata-suite.js';
