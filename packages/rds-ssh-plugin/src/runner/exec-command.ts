import { ErrorCode, TransportError } from '@rds-agent/core';
import type { Client, ClientChannel } from 'ssh2';
import { classifySshError } from '../errors/classify.js';

/** What one exec channel produced. Output is decoded as UTF-8 with CRLF normalised to LF. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status, or `undefined` when the channel closed without one (RouterOS does so on reboot). */
  readonly exitCode: number | undefined;
  readonly exitSignal: string | undefined;
}

export interface ExecOptions {
  /** Most bytes of stdout + stderr; past it the channel is closed and the call fails with COMMAND. */
  readonly maxOutputBytes: number;
  /** Aborting closes the channel; the call rejects with the signal's reason when it is a TransportError (e.g. TIMEOUT). */
  readonly signal?: AbortSignal;
  /** Called once the channel is open (or failed to open): lets callers open channels one at a time. */
  readonly onOpened?: () => void;
}

/** LF line ends; stray CRs (RouterOS pads with `\r\n`) removed. */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\r/g, '');
}

/**
 * Runs one command on its own exec channel of an established ssh2 client. Failing to open the
 * channel or being refused the exec means the session can no longer run commands: that is
 * `UNHEALTHY` (the monitor treats it as loss), unlike a RouterOS error printed by a command.
 */
export function execCommand(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
  const { signal, maxOutputBytes } = options;
  let opened = false;
  const markOpened = (): void => {
    if (!opened) {
      opened = true;
      options.onOpened?.();
    }
  };
  return new Promise<ExecResult>((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let exitCode: number | undefined;
    let exitSignal: string | undefined;

    const finish = (err: TransportError | undefined): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      markOpened();
      if (err) {
        closeChannel(channel);
        reject(err);
        return;
      }
      resolve({
        stdout: normaliseNewlines(Buffer.concat(stdout).toString('utf8')),
        stderr: normaliseNewlines(Buffer.concat(stderr).toString('utf8')),
        exitCode,
        exitSignal,
      });
    };
    const onAbort = (): void => {
      const reason: unknown = signal!.reason;
      finish(
        reason instanceof TransportError
          ? reason
          : new TransportError(ErrorCode.ABORTED, `command aborted: ${command.slice(0, 60)}`, { cause: reason }),
      );
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const onData = (sink: Buffer[]) => (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (bytes > maxOutputBytes) {
        finish(new TransportError(ErrorCode.COMMAND, `output of "${command.slice(0, 60)}" exceeded maxOutputBytes (${maxOutputBytes})`));
        return;
      }
      sink.push(chunk);
    };

    try {
      client.exec(command, (err, stream) => {
        markOpened();
        if (err) {
          const message = err.message ?? String(err);
          const unhealthy = /Unable to exec|Channel open failure/i.test(message);
          finish(
            unhealthy
              ? new TransportError(ErrorCode.UNHEALTHY, `the session cannot run commands: ${message}`, { cause: err })
              : classifySshError(err),
          );
          return;
        }
        channel = stream;
        if (settled) {
          closeChannel(stream);
          return;
        }
        stream.on('data', onData(stdout));
        stream.stderr.on('data', onData(stderr));
        stream.on('exit', (code: number | null, sig?: string) => {
          if (typeof code === 'number') exitCode = code;
          if (typeof sig === 'string') exitSignal = sig;
        });
        stream.on('error', (e: Error) => finish(classifySshError(e)));
        stream.on('close', () => finish(undefined));
      });
    } catch (err) {
      finish(new TransportError(ErrorCode.NOT_CONNECTED, `cannot run a command: ${(err as Error).message}`, { cause: err }));
    }
  });
}

/**
 * True when `err` is the device refusing to open a channel (`Channel open failure`), as opposed to
 * refusing the exec on an open channel (`Unable to exec`): the former can be the device's session
 * limit (sshd `MaxSessions`) while other channels are busy.
 */
export function isChannelOpenFailure(err: unknown): boolean {
  if (!(err instanceof TransportError) || err.code !== ErrorCode.UNHEALTHY) return false;
  const cause: unknown = err.cause;
  return cause instanceof Error && /Channel open failure/i.test(cause.message);
}

function closeChannel(channel: ClientChannel | undefined): void {
  if (!channel) return;
  try {
    channel.close();
  } catch {
    // The connection may already be gone; nothing to release then.
  }
}
