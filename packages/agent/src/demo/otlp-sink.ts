import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny OTLP/HTTP metrics receiver for the demo: accepts `POST /v1/metrics` (protobuf or JSON),
 * counts requests and bytes, answers with an empty ExportMetricsServiceResponse. It does not decode
 * anything: it only lets a newcomer see the `otel` exporter push without installing a collector.
 * Binds 127.0.0.1 only.
 */
export class OtlpSink {
  requests = 0;
  bytes = 0;
  lastAt: number | null = null;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      if (req.method !== 'POST' || req.url !== '/v1/metrics') {
        res.writeHead(404).end();
        return;
      }
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => {
        this.requests += 1;
        this.bytes += size;
        this.lastAt = Date.now();
        const json = (req.headers['content-type'] ?? '').includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : undefined);
      });
    });
  }

  static async start(port = 0): Promise<OtlpSink> {
    const sink = new OtlpSink();
    await new Promise<void>((resolve, reject) => {
      sink.server.once('error', reject);
      sink.server.listen(port, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/metrics`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
