/**
 * A TCP server on 127.0.0.1 that stands in front of a real SSH server and misbehaves on request,
 * for the connection faults OpenSSH cannot be made to show by itself:
 *
 * - `proxy`: a transparent pipe to the upstream server (the fault removed);
 * - `silent`: accepts TCP and never sends a byte (no banner; a black-holing load balancer);
 * - `slow-banner`: pipes to the upstream only after `delayMs`, so the banner arrives late;
 * - `garbage`: sends `bytes` instead of a banner, then keeps the connection open (`hold`) or
 *   closes it (`close`).
 *
 * A mode applies to connections accepted after it is set; {@link FaultTcpServer.dropAll} ends the
 * others. Every socket is tracked and destroyed by {@link FaultTcpServer.stop}.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type FaultMode =
  | { readonly kind: 'proxy' }
  | { readonly kind: 'silent' }
  | { readonly kind: 'slow-banner'; readonly delayMs: number }
  | { readonly kind: 'garbage'; readonly bytes: Buffer | string; readonly then: 'hold' | 'close' };

export class FaultTcpServer {
  mode: FaultMode;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private acceptedCount = 0;
  private portValue = 0;
  private readonly server: Server;

  private constructor(
    private readonly upstream: { readonly host: string; readonly port: number },
    mode: FaultMode,
  ) {
    this.mode = mode;
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on a free port of 127.0.0.1. */
  static async start(upstream: { readonly host: string; readonly port: number }, mode: FaultMode = { kind: 'proxy' }): Promise<FaultTcpServer> {
    const fault = new FaultTcpServer(upstream, mode);
    await new Promise<void>((resolve, reject) => {
      fault.server.once('error', reject);
      fault.server.listen(0, '127.0.0.1', () => {
        fault.server.off('error', reject);
        resolve();
      });
    });
    fault.portValue = (fault.server.address() as AddressInfo).port;
    return fault;
  }

  readonly host = '127.0.0.1';

  get port(): number {
    return this.portValue;
  }

  /** TCP connections accepted so far (proof that a client did reach this server). */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** Destroys every connection accepted so far (and their upstream halves). */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  private accept(client: Socket): void {
    this.acceptedCount++;
    this.track(client);
    const mode = this.mode;
    switch (mode.kind) {
      case 'proxy':
        this.pipe(client);
        return;
      case 'silent':
        client.resume(); // read and drop what the client sends; answer nothing
        return;
      case 'slow-banner': {
        client.pause(); // the client's own banner waits in the kernel buffer meanwhile
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!client.destroyed) this.pipe(client);
        }, mode.delayMs);
        this.timers.add(timer);
        return;
      }
      case 'garbage':
        client.resume();
        client.write(mode.bytes);
        if (mode.then === 'close') client.end();
        return;
    }
  }

  private pipe(client: Socket): void {
    const server = this.track(connect(this.upstream.port, this.upstream.host));
    client.pipe(server);
    server.pipe(client);
    client.resume();
    const end = (): void => {
      client.destroy();
      server.destroy();
    };
    client.once('close', end);
    server.once('close', end);
  }
}
