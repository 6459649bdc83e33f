import { Socket } from 'node:net';
import ssh2 from 'ssh2';
import { ErrorCode, TransportError, type Clock } from '@rds-agent/core';
import { classifySshError } from '../errors/classify.js';
import { fingerprintOf, keyTypeOf } from './fingerprint.js';

const { Client } = ssh2;

/** A host key as `keyscan` saw it. */
export interface ScannedKey {
  /** Key type from the blob, e.g. `ssh-ed25519`, `ssh-rsa`. */
  readonly type: string;
  /** OpenSSH fingerprint, ready for `hostKeyFingerprints`. */
  readonly fingerprint: string;
}

export interface KeyscanOptions {
  /** Times the deadline. */
  readonly clock: Clock;
  /** Deadline for TCP connect + key exchange. @default 10000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Connects to `host:port` just far enough to receive the server's host key (key exchange), then
 * drops the connection before authenticating. Trust-on-first-use: show the result to an operator,
 * who compares it with `/ip ssh print` (host-key-fingerprint) on the device before pinning it.
 */
export function keyscan(host: string, port: number, options: KeyscanOptions): Promise<ScannedKey[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<ScannedKey[]>((resolve, reject) => {
    const socket = new Socket();
    const client = new Client();
    let settled = false;
    const keys: ScannedKey[] = [];
    const finish = (err?: TransportError): void => {
      if (settled) return;
      settled = true;
      deadline.abort();
      options.signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners();
      client.on('error', () => undefined);
      socket.destroy();
      if (err) reject(err);
      else resolve(keys);
    };
    const onAbort = (): void => finish(new TransportError(ErrorCode.ABORTED, 'keyscan aborted'));
    const deadline = new AbortController();
    options.clock.sleep(timeoutMs, deadline.signal).then(
      () => finish(new TransportError(ErrorCode.TIMEOUT, `keyscan of ${host}:${port} timed out after ${timeoutMs} ms`)),
      () => undefined, // finished first
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    client.on('error', (err: Error) => {
      // Refusing the key makes ssh2 fail the handshake: expected once the key is in hand.
      if (keys.length > 0) finish();
      else finish(classifySshError(err));
    });
    client.on('close', () => (keys.length > 0 ? finish() : finish(new TransportError(ErrorCode.NETWORK, `${host}:${port} closed before sending a host key`))));
    socket.connect({ host, port });
    client.connect({
      sock: socket,
      username: 'rds-agent-keyscan',
      readyTimeout: 0,
      hostVerifier: (key: Buffer) => {
        keys.push({ type: keyTypeOf(key), fingerprint: fingerprintOf(key) });
        // Got what we came for; refuse so that no authentication is attempted (finish once ssh2 has seen the refusal).
        queueMicrotask(() => finish());
        return false;
      },
    });
  });
}
