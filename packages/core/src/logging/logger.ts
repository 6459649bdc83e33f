import { pino, type LoggerOptions } from 'pino';

/**
 * The logging surface plugins and core code use: a subset of pino's, so a pino logger satisfies it.
 * Log structured fields first, message second: `logger.warn({ target, reason }, 'connection lost')`.
 *
 * @public
 */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  fatal(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** @public */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Paths pino censors in every log line, whatever a caller passes. A second line of defence: secrets
 * are read from files and never put into log fields in the first place.
 *
 * @internal
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'password',
  'passphrase',
  'privateKey',
  'authorization',
  'headers',
  '*.password',
  '*.passphrase',
  '*.privateKey',
  '*.authorization',
  '*.headers',
];

/** Builds the agent's pino logger (JSON lines; pretty output is the CLI's choice). @internal @internal */
export function createLogger(level: LogLevel = 'info', options: LoggerOptions = {}, destination?: pino.DestinationStream): Logger {
  const opts: LoggerOptions = {
    level,
    base: { name: 'rds-agent' },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
    ...options,
  };
  return destination ? pino(opts, destination) : pino(opts);
}

/** A logger that drops everything (tests, library use without logging). @internal @internal */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
