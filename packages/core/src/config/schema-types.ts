import type convict from 'convict';

/**
 * A convict schema fragment, as plugins declare it. Use the agent's formats for durations
 * (`format: 'duration'`: `500ms`, `5s`, `1m` or a number of ms), ports (`port`), files
 * (`'file-path'`), and mark secrets `sensitive: true`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConfigSchema = convict.Schema<any>;
