import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A "collector" that accepts TCP connections on 127.0.0.1 and never answers: no HTTP response, no
 * HTTP/2 preface for gRPC. What a hung collector, a stuck proxy or a black-holing load balancer
 * looks like to an exporter. It counts the connections it accepted, so a test can tell that the
 * exporter did try.
 */
export class SilentCollector {
  private readonly sockets = new Set<Socket>();
  private acceptedCount = 0;
  private readonly server = createServer((socket) => {
    this.acceptedCount++;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  });
  private portValue = 0;

  private constructor() {}

  static async start(): Promise<SilentCollector> {
    const collector = new SilentCollector();
    await new Promise<void>((resolve, reject) => {
      collector.server.once('error', reject);
      collector.server.listen(0, '127.0.0.1', () => resolve());
    });
    collector.portValue = (collector.server.address() as AddressInfo).port;
    return collector;
  }

  get port(): number {
    return this.portValue;
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /** The endpoint for `protocol` (http: with the `/v1/metrics` path; grpc: without). */
  urlFor(protocol: 'http/protobuf' | 'http/json' | 'grpc'): string {
    return protocol === 'grpc' ? `http://127.0.0.1:${this.portValue}` : `http://127.0.0.1:${this.portValue}/v1/metrics`;
  }

  /** Drops every held connection and stops listening. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
