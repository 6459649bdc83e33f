import { Socket } from 'node:net';
import { abortedError, ErrorCode, TransportError, type ProbeResult, type Transport, type TransportContext, type TransportDescriber } from '@rds-agent/core';
import type { TcpTransportConfig } from './config.js';

const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** Maps a socket error to the agent's codes (refused vs other network failures). */
function classify(err: unknown, what: string): TransportError {
  if (err instanceof TransportError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  const message = `${what}: ${(err as Error | undefined)?.message ?? String(err)}`;
  if (REFUSED.has(code)) return new TransportError(ErrorCode.REFUSED, message, { cause: err });
  if (TIMEOUTS.has(code)) return new TransportError(ErrorCode.TIMEOUT, message, { cause: err });
  return new TransportError(ErrorCode.NETWORK, message, { cause: err });
}


/**
 * A plain TCP connection as a liveness signal: `connect` opens a socket (and optionally waits for
 * an expected greeting), the socket is kept open, `probe` checks it (optionally with a
 * request/answer round trip), and `onLost` fires as soon as the socket closes or errors.
 *
 * Built only on `@rds-agent/core`'s public API: an example of a third-party transport.
 */
export class TcpTransport implements Transport, TransportDescriber {
  private socket: Socket | undefined;
  /** Bumped on every connect/close so late events of an old socket are ignored. */
  private generation = 0;
  private readonly lostListeners = new Set<(err: TransportError) => void>();
  private pendingConnect: AbortController | undefined;

  constructor(
    private readonly config: Readonly<TcpTransportConfig>,
    private readonly context: TransportContext,
  ) {}

  async connect(signal: AbortSignal): Promise<void> {
    await this.close();
    if (signal.aborted) throw abortedError(signal, `connect to ${this.where}`);
    const generation = ++this.generation;
    const inner = new AbortController();
    this.pendingConnect = inner;
    const socket = new Socket();
    try {
      await new Promise<void>((resolve, reject) => {
        let greeting = '';
        const fail = (err: TransportError): void => {
          cleanup();
          socket.destroy();
          reject(err);
        };
        const onAbort = (): void => fail(abortedError(signal.aborted ? signal : inner.signal, `connect to ${this.where}`));
        const onError = (err: Error): void => fail(classify(err, `connect to ${this.where}`));
        const onClose = (): void => fail(new TransportError(ErrorCode.NETWORK, `${this.where} closed the connection during connect`));
        const onData = (chunk: Buffer): void => {
          greeting += chunk.toString('latin1');
          if (greeting.includes(this.config.expect)) done();
          else if (greeting.length > 4096) fail(new TransportError(ErrorCode.PROTOCOL, `${this.where} did not send ${JSON.stringify(this.config.expect)}`));
        };
        const done = (): void => {
          cleanup();
          resolve();
        };
        const cleanup = (): void => {
          signal.removeEventListener('abort', onAbort);
          inner.signal.removeEventListener('abort', onAbort);
          socket.off('error', onError);
          socket.off('close', onClose);
          socket.off('data', onData);
          socket.off('connect', onConnect);
        };
        const onConnect = (): void => {
          if (this.config.expect === '') done();
          else socket.on('data', onData);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        inner.signal.addEventListener('abort', onAbort, { once: true });
        socket.once('error', onError);
        socket.once('close', onClose);
        socket.once('connect', onConnect);
        socket.connect({ host: this.config.host, port: this.config.port });
      });
    } finally {
      if (this.pendingConnect === inner) this.pendingConnect = undefined;
    }
    if (generation !== this.generation) {
      // close() ran while we were connecting: never hand out a socket the caller already closed.
      socket.destroy();
      throw new TransportError(ErrorCode.ABORTED, `connect to ${this.where} was cancelled by close()`);
    }
    if (this.config.keepAlive > 0) socket.setKeepAlive(true, this.config.keepAlive);
    socket.setNoDelay(true);
    // Unread data would pile up in memory: the stream is only used for probe answers.
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (generation !== this.generation) return; // closed by us: not a loss
      this.socket = undefined;
      const err = new TransportError(ErrorCode.NETWORK, `connection to ${this.where} closed by the peer or the network`);
      this.context.logger.debug(err.message);
      for (const listener of [...this.lostListeners]) listener(err);
    });
    this.socket = socket;
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    if (signal.aborted) throw abortedError(signal, 'probe');
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) throw new TransportError(ErrorCode.NOT_CONNECTED, `not connected to ${this.where}`);
    if (this.config.probePayload === '') return { mode: 'socket' };
    const started = this.context.clock.now();
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        socket.off('data', onData);
        socket.off('close', onClose);
      };
      const onData = (): void => {
        cleanup();
        resolve();
      };
      const onAbort = (): void => {
        cleanup();
        reject(abortedError(signal, 'probe'));
      };
      const onClose = (): void => {
        cleanup();
        reject(new TransportError(ErrorCode.NETWORK, `connection to ${this.where} closed during the probe`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.write(this.config.probePayload);
    });
    return { mode: 'echo', latencyMs: this.context.clock.now() - started };
  }

  async close(): Promise<void> {
    this.generation += 1;
    this.pendingConnect?.abort();
    this.pendingConnect = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
  }

  onLost(listener: (err: TransportError) => void): () => void {
    this.lostListeners.add(listener);
    return () => {
      this.lostListeners.delete(listener);
    };
  }

  describe(): Readonly<Record<string, string>> {
    return { probe_mode: this.config.probePayload === '' ? 'socket' : 'echo', expect: this.config.expect === '' ? 'none' : 'greeting' };
  }

  private get where(): string {
    return `${this.config.host}:${this.config.port}`;
  }
}
