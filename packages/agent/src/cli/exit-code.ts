/** Conventional exit codes of every `rds-agent` command. */
export const ExitCode = {
  /** Success (and a graceful stop after SIGTERM/SIGINT). */
  OK: 0,
  /** A runtime failure: a target down in `check`, an exporter that cannot start, an unreachable agent. */
  FAILURE: 1,
  /** A usage or configuration error: nothing was started. */
  USAGE: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
