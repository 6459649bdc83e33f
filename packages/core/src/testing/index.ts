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
