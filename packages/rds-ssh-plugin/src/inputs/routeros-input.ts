import { ErrorCode, TransportError, type TelemetryReading } from '@rds-agent/core';
import type { InputName } from './input-settings.js';
import { ReadingBuilder } from './reading-builder.js';
import type { RouterOsSession } from './routeros-session.js';
import { abortError } from './shared-read.js';

/**
 * One RouterOS input (Telegraf's `inputs.*`): reads one group of device facts over a session.
 *
 * `collect` MUST honour `signal`, MUST NOT throw anything but a TransportError, and MUST reject
 * with `UNSUPPORTED` when the device does not know its command (the session then remembers it for
 * the connection), `COMMAND` when the device refused or answered nothing usable, or the
 * connection's own error. Values that fail the plausibility checks are dropped and counted in the
 * reading, never thrown.
 */
export interface RouterOsInput {
  readonly name: InputName;
  collect(session: RouterOsSession, signal: AbortSignal): Promise<TelemetryReading>;
}

/**
 * The frame every input runs in: an input the device does not support is refused at once (one log
 * line when it was learned, none after), a new `UNSUPPORTED` answer is remembered for the
 * connection, and anything that is not a TransportError (a bug) becomes one.
 */
export async function runInput(
  name: InputName,
  session: RouterOsSession,
  signal: AbortSignal,
  maxSeries: number,
  body: (reading: ReadingBuilder) => Promise<void>,
): Promise<TelemetryReading> {
  if (signal.aborted) throw abortError(signal);
  const known = session.disabledReason(name);
  if (known) throw known;
  const reading = new ReadingBuilder(maxSeries);
  try {
    await body(reading);
  } catch (err) {
    const e = err instanceof TransportError ? err : new TransportError(ErrorCode.UNKNOWN, `input ${name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    if (e.code === ErrorCode.UNSUPPORTED) session.disable(name, e);
    throw e;
  }
  return reading.build();
}

/** The run read nothing the input knows: the device answered something else (another version, a refusal we do not know). */
export function nothingRead(what: string): TransportError {
  return new TransportError(ErrorCode.COMMAND, `${what}: no telemetry fields in the answer`);
}
