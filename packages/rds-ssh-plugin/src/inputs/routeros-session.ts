import { ErrorCode, TransportError, type Clock, type Logger } from '@rds-agent/core';
import { findRouterOsError, isUnsupportedCommandError } from '../routeros/error-text.js';
import { redactSecrets } from '../routeros/secret-fields.js';
import { fact, prop, recordsFromJsonInSlices, recordsFromTextInSlices, type DeviceRecord } from './device-record.js';
import { SharedRead, abortError, type ByteMeter } from './shared-read.js';

/**
 * What the inputs need from a transport: run one RouterOS command on the current connection.
 * A `CommandRunner` (the rds-ssh transport bound to one connection; a future REST transport).
 *
 * `run` MUST honour `signal`, MUST reject with a TransportError (`UNSUPPORTED` or `COMMAND` for
 * refusals, a connection code when the connection is gone) and MAY resolve with output that holds
 * RouterOS error text: the session checks every answer for it.
 */
export interface RouterOsRunner {
  run(command: string, options: { readonly signal: AbortSignal }): Promise<string>;
}

export interface RouterOsSessionOptions {
  readonly clock: Clock;
  /** The target's logger, bound to `{ target }`: inputs log without repeating it. */
  readonly logger: Logger;
  readonly target: string;
  /** How long one `/disk` listing serves every storage input. @default 5000 */
  readonly diskListingMaxAgeMs?: number;
}

/** The machine-readable-output probe: `1` on a RouterOS with `:serialize`, an error line on older ones. */
export const JSON_PROBE_COMMAND = ':put [:serialize to=json 1]';
export const PACKAGES_JSON_COMMAND = ':put [:serialize to=json [/system package print as-value]]';
export const PACKAGES_TEXT_COMMAND = '/system package print terse';
export const DISK_LISTING_JSON_COMMAND = ':put [:serialize to=json [/disk print detail as-value]]';
export const DISK_LISTING_TEXT_COMMAND = '/disk print terse';
export const STORAGE_PACKAGE = 'rose-storage';
export const DISK_LISTING_MAX_AGE_MS = 5000;
/**
 * Most records kept from one listing (`/disk`, `/interface`, ...); the rest are counted `cap`. An
 * RDS lists a few dozen disks and interfaces; the series caps would drop anything near this anyway.
 */
export const MAX_RECORDS = 1024;

/**
 * One connection's RouterOS session as the inputs see it: the runner plus what is learned once
 * per connection (does the device speak `:serialize to=json`? which packages are installed? which
 * inputs or parts of them does it not support?) and a short-lived `/disk` listing shared by the
 * storage inputs (raid, drives, filesystems, exports, traffic discovery). A new connection gets a
 * new session: a device upgraded while the agent was away is probed again.
 */
export class RouterOsSession {
  private json: SharedRead<boolean> | undefined;
  private packages: SharedRead<ReadonlySet<string> | undefined> | undefined;
  private listing: { readonly at: number; readonly read: SharedRead<readonly DeviceRecord[]> } | undefined;
  private readonly disabled = new Map<string, TransportError>();
  /** JSON forms the device did not know although it has `:serialize`: their text forms are used. */
  private readonly jsonRefused = new Set<string>();
  private discoveredSlots: readonly string[] | undefined;
  private readonly listingMaxAgeMs: number;

  constructor(
    private readonly runner: RouterOsRunner,
    private readonly options: RouterOsSessionOptions,
  ) {
    this.listingMaxAgeMs = options.diskListingMaxAgeMs ?? DISK_LISTING_MAX_AGE_MS;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get target(): string {
    return this.options.target;
  }

  /**
   * Runs one command, counts the bytes it printed into `meter`, and turns RouterOS error text into
   * a TransportError: `UNSUPPORTED` when the device does not know the command, else `COMMAND`.
   */
  async run(command: string, meter: ByteMeter, signal: AbortSignal): Promise<string> {
    if (signal.aborted) throw abortError(signal);
    let output: string;
    try {
      output = await this.runner.run(command, { signal });
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      throw classified(err);
    }
    meter.bytesRead += Buffer.byteLength(output, 'utf8');
    const line = findRouterOsError(output);
    if (line !== undefined) throw refusal(command, line);
    return output;
  }

  /** Whether the device answers `:serialize to=json` (asked once per connection; any refusal means no). */
  supportsJson(meter: ByteMeter, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (!this.json || this.json.failed) {
      this.json = new SharedRead(async (s, m) => {
        try {
          return (await this.run(JSON_PROBE_COMMAND, m, s)).trim() === '1';
        } catch (err) {
          if (isRefusal(err)) return false;
          throw err;
        }
      });
    }
    return this.json.join(signal, meter);
  }

  /**
   * Runs `jsonCommand` when the device supports `:serialize`, else `textCommand`, and says which
   * answered. A device with `:serialize` that cannot serialize this menu (`as-value` unknown here)
   * may still print it as text: it falls back, and remembers that for the connection.
   */
  async read(commands: { readonly json: string; readonly text: string }, meter: ByteMeter, signal: AbortSignal): Promise<{ readonly json: boolean; readonly command: string; readonly output: string }> {
    if (!(await this.supportsJson(meter, signal)) || this.jsonRefused.has(commands.json)) {
      return { json: false, command: commands.text, output: await this.run(commands.text, meter, signal) };
    }
    try {
      return { json: true, command: commands.json, output: await this.run(commands.json, meter, signal) };
    } catch (err) {
      if (!(err instanceof TransportError) || err.code !== ErrorCode.UNSUPPORTED) throw err;
      this.jsonRefused.add(commands.json);
      return { json: false, command: commands.text, output: await this.run(commands.text, meter, signal) };
    }
  }

  /**
   * Reads a listing in the best form the device speaks (see {@link read}): `print terse` /
   * `detail` text or JSON records. Output that is neither fails the read (`COMMAND`: the run fails,
   * and the agent counts it).
   */
  async records(commands: { readonly json: string; readonly text: string }, meter: ByteMeter, signal: AbortSignal): Promise<DeviceRecord[]> {
    const { json, command, output } = await this.read(commands, meter, signal);
    const records = json ? await recordsFromJsonInSlices(output, meter.rejections, MAX_RECORDS + 1) : await recordsFromTextInSlices(output, MAX_RECORDS + 1);
    if (signal.aborted) throw abortError(signal);
    if (records === undefined) {
      throw new TransportError(ErrorCode.COMMAND, `${command}: the answer is not a RouterOS listing`);
    }
    // No RouterOS menu on an RDS lists thousands of items: more is noise, and would only cost time.
    if (records.length > MAX_RECORDS) {
      // Past the limit the rest is neither parsed nor counted one by one: one `cap` says it happened.
      meter.rejections?.add('cap');
      records.length = MAX_RECORDS;
    }
    return records;
  }

  /**
   * Rejects with `UNSUPPORTED` when the package list is readable and lacks `rose-storage` (the
   * storage commands would answer `bad command name`). When the list cannot be read, the storage
   * inputs try their commands, which say so themselves.
   */
  async requireStoragePackage(meter: ByteMeter, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw abortError(signal);
    if (!this.packages || this.packages.failed) {
      this.packages = new SharedRead(async (s, m) => {
        try {
          const records = await this.records({ json: PACKAGES_JSON_COMMAND, text: PACKAGES_TEXT_COMMAND }, m, s);
          const names = new Set<string>();
          for (const r of records) {
            const name = prop(r, 'name');
            if (name !== undefined && fact(r, { flag: 'X', props: ['disabled'] }) !== true) names.add(name);
          }
          return names.size > 0 ? names : undefined;
        } catch (err) {
          if (!isRefusal(err)) throw err;
          this.logger.info(
            { code: (err as TransportError).code, err: (err as Error).message },
            'telemetry: cannot list the installed packages; the storage inputs run their commands anyway',
          );
          return undefined;
        }
      });
    }
    const names = await this.packages.join(signal, meter);
    if (names && !names.has(STORAGE_PACKAGE)) {
      throw new TransportError(ErrorCode.UNSUPPORTED, `the ${STORAGE_PACKAGE} package is not installed: no RAID, drive, filesystem or export telemetry`);
    }
  }

  /** The `/disk` listing, read at most once per {@link DISK_LISTING_MAX_AGE_MS} and shared by the inputs that ask meanwhile. */
  diskListing(meter: ByteMeter, signal: AbortSignal): Promise<readonly DeviceRecord[]> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const now = this.options.clock.now();
    if (!this.listing || this.listing.read.failed || now - this.listing.at > this.listingMaxAgeMs) {
      this.listing = {
        at: now,
        read: new SharedRead(async (s, m) => withSlots(await this.records({ json: DISK_LISTING_JSON_COMMAND, text: DISK_LISTING_TEXT_COMMAND }, m, s), m)),
      };
    }
    return this.listing.read.join(signal, meter);
  }

  /** Disk slots found once per connection for the traffic input. */
  get trafficSlots(): readonly string[] | undefined {
    return this.discoveredSlots;
  }

  set trafficSlots(slots: readonly string[] | undefined) {
    this.discoveredSlots = slots;
  }

  /** Why `part` (an input, or `drives/smart-info`) is off for this connection, if it is. */
  disabledReason(part: string): TransportError | undefined {
    return this.disabled.get(part);
  }

  /** Turns `part` off for the rest of this connection, with one log line. */
  disable(part: string, reason: TransportError): void {
    if (this.disabled.has(part)) return;
    this.disabled.set(part, reason);
    this.logger.info(
      { input: part, code: reason.code, err: reason.message },
      `telemetry: ${part} disabled for this connection: ${reason.message}`,
    );
  }
}

/**
 * The items of a `/disk` listing that name their slot (every disk, bay and array does). One without
 * is counted `unparsable` and dropped; a listing where no item has one is not a `/disk` listing (an
 * item's start and then 2 MiB of spaces parses as one item with `type=""`): the read fails
 * (`COMMAND`), so every storage input counts it instead of reporting an empty, healthy-looking run.
 */
function withSlots(records: readonly DeviceRecord[], meter: ByteMeter): DeviceRecord[] {
  const kept = records.filter((r) => (prop(r, 'slot') ?? '') !== '');
  const dropped = records.length - kept.length;
  if (dropped === 0) return kept;
  if (kept.length === 0) throw new TransportError(ErrorCode.COMMAND, `/disk listing: no item has a slot: the answer is not a /disk listing`);
  meter.rejections?.add('unparsable', dropped);
  return kept;
}

/** A refusal by the device (it answered, with an error): the connection is fine. */
export function isRefusal(err: unknown): err is TransportError {
  return err instanceof TransportError && (err.code === ErrorCode.COMMAND || err.code === ErrorCode.UNSUPPORTED);
}

function refusal(command: string, line: string): TransportError {
  const code = isUnsupportedCommandError(line) ? ErrorCode.UNSUPPORTED : ErrorCode.COMMAND;
  return new TransportError(code, `${preview(command)}: RouterOS error: ${line}`);
}

/** A runner's rejection as a TransportError; a COMMAND error carrying unknown-command text becomes UNSUPPORTED. */
function classified(err: unknown): TransportError {
  const e = TransportError.from(err);
  if (e.code !== ErrorCode.COMMAND) return e;
  const at = e.message.indexOf('RouterOS error: ');
  const line = at >= 0 ? e.message.slice(at + 'RouterOS error: '.length) : e.message;
  return isUnsupportedCommandError(line) ? new TransportError(ErrorCode.UNSUPPORTED, redactSecrets(e.message), { cause: e }) : e;
}

function preview(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}...` : command;
}
