import { type LogLevel, type Logger } from '@rds-agent/core';
import { createLogger, type AgentConfig } from '@rds-agent/core/host';
import pretty from 'pino-pretty';

export type LogFormat = AgentConfig['logFormat'];

export interface CliLoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go. @default process.stdout */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * The agent's logger as the CLI wants it: JSON lines (one object per line, what journald and log
 * shippers parse) unless the format is `pretty`, or `auto` and the stream is a terminal. Both are
 * written synchronously so that the last lines before exit are never lost.
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const stream = options.stream ?? process.stdout;
  const wantPretty = options.format === 'pretty' || (options.format === 'auto' && stream.isTTY === true);
  if (!wantPretty) {
    return stream === process.stdout ? createLogger(options.level) : createLogger(options.level, {}, stream as never);
  }
  const prettyStream = pretty({
    sync: true,
    colorize: stream.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    destination: stream as never,
  });
  return createLogger(options.level, {}, prettyStream);
}

/** Changes the level of a logger built by {@link createCliLogger} (a SIGHUP reload may change `logLevel`). */
export function setLogLevel(logger: Logger, level: LogLevel): void {
  (logger as unknown as { level: string }).level = level;
}
