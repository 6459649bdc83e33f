import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import grpc from '@grpc/grpc-js';
import root from 'otlp-transformer-decoder/build/src/generated/root.js';

/**
 * An OTLP metrics receiver for tests, bound to 127.0.0.1: HTTP `POST /v1/metrics` (protobuf and
 * JSON) and gRPC `opentelemetry.proto.collector.metrics.v1.MetricsService/Export`. Every request is
 * decoded with the official OTLP protobuf definitions (generated code shipped in
 * `@opentelemetry/otlp-transformer@0.217.0`, installed as `otlp-transformer-decoder`) and stored as
 * plain objects. It can be stopped and restarted on the same ports, made slow, or made to refuse
 * (HTTP 503 / gRPC UNAVAILABLE).
 */

// The generated root is untyped protobufjs reflection; we only need these three calls.
interface MessageType {
  decode(buf: Uint8Array): unknown;
  fromObject(obj: unknown): unknown;
  toObject(msg: unknown, options: Record<string, unknown>): unknown;
  encode(msg: unknown): { finish(): Uint8Array };
}
const v1 = (root as unknown as { opentelemetry: { proto: { collector: { metrics: { v1: Record<string, MessageType> } } } } }).opentelemetry.proto.collector.metrics.v1;
const Request = v1['ExportMetricsServiceRequest']!;
const Response = v1['ExportMetricsServiceResponse']!;
const TO_OBJECT = { longs: Number, enums: String, arrays: true, defaults: false, oneofs: true };

export type OtlpTransport = 'http/protobuf' | 'http/json' | 'grpc';

// Decoded OTLP shapes (the subset tests read).
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number;
  doubleValue?: number;
}
export interface KeyValue {
  key: string;
  value?: AnyValue;
}
export interface NumberDataPoint {
  attributes?: KeyValue[];
  asDouble?: number;
  asInt?: number;
  startTimeUnixNano?: number;
  timeUnixNano?: number;
}
export interface HistogramDataPoint {
  attributes?: KeyValue[];
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}
export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPoint[] };
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: string; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: string };
}
export interface ExportRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: Array<{ scope?: { name?: string; version?: string }; metrics?: OtlpMetric[] }>;
  }>;
}

export interface ReceivedExport {
  readonly transport: OtlpTransport;
  /** Request headers (gRPC: metadata), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly request: ExportRequest;
}

/** Serve https and TLS gRPC instead of plaintext (PEM material, e.g. from `test/support/otlp-tls/`). */
export interface ReceiverTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CA for client certificates; with `requireClientCert`, a client without one is refused (mutual TLS). */
  readonly ca?: Buffer;
  readonly requireClientCert?: boolean;
}

/** How the receiver answers. */
export interface ReceiverBehaviour {
  /** Answer every export with HTTP 503 / gRPC UNAVAILABLE (nothing is stored). */
  refuse?: boolean;
  /** Wait this long before answering (and storing). */
  delayMs?: number;
}

const GRPC_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (msg: unknown) => Buffer.from(Response.encode(msg).finish()),
    responseDeserialize: (b: Buffer) => b,
  },
};

export class OtlpReceiver {
  readonly received: ReceivedExport[] = [];
  /** Requests that could not be decoded (a test failure: the exporter sent something invalid). */
  readonly decodeErrors: string[] = [];
  behaviour: ReceiverBehaviour = {};
  private http?: Server;
  private grpcServer?: grpc.Server;
  private listeners = new Set<() => void>();
  private timers = new Set<NodeJS.Timeout>();

  private constructor(
    private httpPortValue: number,
    private grpcPortValue: number,
    private readonly tls: ReceiverTls | undefined,
  ) {}

  /** Starts both listeners on 127.0.0.1 (port 0 = any free port); TLS on both when `tls` is given. */
  static async start(options: { http?: number; grpc?: number; tls?: ReceiverTls } = {}): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(options.http ?? 0, options.grpc ?? 0, options.tls);
    await receiver.listen();
    return receiver;
  }

  get httpPort(): number {
    return this.httpPortValue;
  }

  get grpcPort(): number {
    return this.grpcPortValue;
  }

  /** The endpoint for http/protobuf and http/json. */
  get httpUrl(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.httpPortValue}/v1/metrics`;
  }

  /** The endpoint for grpc (`http://` = plaintext, `https://` with TLS). */
  get grpcUrl(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.grpcPortValue}`;
  }

  urlFor(transport: OtlpTransport): string {
    return transport === 'grpc' ? this.grpcUrl : this.httpUrl;
  }

  get running(): boolean {
    return this.http !== undefined;
  }

  /** Stops both listeners and drops open connections; the ports stay reserved for {@link restart} by number only. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const http = this.http;
    const grpcServer = this.grpcServer;
    this.http = undefined;
    this.grpcServer = undefined;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    grpcServer?.forceShutdown();
  }

  /** Listens again on the same ports. */
  async restart(): Promise<void> {
    if (this.running) return;
    await this.listen();
  }

  clear(): void {
    this.received.length = 0;
  }

  /**
   * Resolves with the first received export (already stored or arriving later) for which `match`
   * is true; rejects after `timeoutMs` of real time.
   */
  waitFor(match: (e: ReceivedExport) => boolean, timeoutMs = 5000): Promise<ReceivedExport> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.received.find(match);
        if (!hit) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`OTLP receiver: no matching export within ${timeoutMs} ms (${this.received.length} received)`));
      }, timeoutMs);
      timer.unref();
      this.listeners.add(check);
    });
  }

  private async listen(): Promise<void> {
    const tls = this.tls;
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.onHttp(req, res);
    const http: Server = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}), requestCert: tls.requireClientCert === true, rejectUnauthorized: tls.requireClientCert === true }, handler)
      : createServer(handler);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.httpPortValue, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.httpPortValue = (http.address() as AddressInfo).port;
    this.http = http;

    const server = new grpc.Server();
    server.addService(GRPC_SERVICE, {
      Export: (call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap())) headers[k] = String(v);
        this.answer(
          () => this.store('grpc', headers, () => Request.decode(call.request)),
          () => callback(null, {}),
          () => callback({ code: grpc.status.UNAVAILABLE, details: 'receiver refusing (test)' }),
        );
      },
    });
    this.grpcPortValue = await new Promise<number>((resolve, reject) => {
      const credentials = tls
        ? grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.requireClientCert === true)
        : grpc.ServerCredentials.createInsecure();
      server.bindAsync(`127.0.0.1:${this.grpcPortValue}`, credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.grpcServer = server;
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/metrics') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const type = String(req.headers['content-type'] ?? '');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : String(v);
      const json = type.startsWith('application/json');
      if (!json && !type.startsWith('application/x-protobuf')) {
        res.writeHead(415).end();
        return;
      }
      this.answer(
        () => this.store(json ? 'http/json' : 'http/protobuf', headers, () => (json ? Request.fromObject(JSON.parse(body.toString('utf8'))) : Request.decode(body))),
        () => {
          res.writeHead(200, { 'content-type': type });
          res.end(json ? '{}' : Buffer.from(Response.encode({}).finish()));
        },
        () => res.writeHead(503, { 'content-type': 'text/plain' }).end('receiver refusing (test)'),
      );
    });
  }

  private answer(store: () => void, ok: () => void, refuse: () => void): void {
    const respond = (): void => {
      if (this.behaviour.refuse) {
        refuse();
        return;
      }
      store();
      ok();
    };
    const delay = this.behaviour.delayMs ?? 0;
    if (delay <= 0) {
      respond();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      respond();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private store(transport: OtlpTransport, headers: Record<string, string>, decode: () => unknown): void {
    try {
      const request = Request.toObject(decode(), TO_OBJECT) as ExportRequest;
      this.received.push({ transport, headers, request });
    } catch (err) {
      this.decodeErrors.push(`${transport}: ${(err as Error).message}`);
      return;
    }
    for (const l of [...this.listeners]) l();
  }
}

/** `[{key, value}]` -> `{ key: value }` (string, bool, int or double). */
export function attributesOf(kvs: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of kvs ?? []) {
    const v = kv.value ?? {};
    out[kv.key] = v.stringValue ?? v.boolValue ?? v.intValue ?? v.doubleValue ?? '';
  }
  return out;
}

/**
 * Every metric of an export, by name, across its resources: a metric reported under several
 * resources (one per target) has the data points of all of them.
 */
export function metricsOf(e: ReceivedExport): Map<string, OtlpMetric> {
  const out = new Map<string, OtlpMetric>();
  for (const rm of e.request.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) out.set(m.name, mergeMetric(out.get(m.name), m));
  return out;
}

function mergeMetric(seen: OtlpMetric | undefined, m: OtlpMetric): OtlpMetric {
  if (!seen) return m;
  const points = <T>(a: T[] | undefined, b: T[] | undefined): T[] => [...(a ?? []), ...(b ?? [])];
  return {
    ...seen,
    ...(seen.gauge || m.gauge ? { gauge: { dataPoints: points(seen.gauge?.dataPoints, m.gauge?.dataPoints) } } : {}),
    ...(seen.sum || m.sum ? { sum: { ...seen.sum, dataPoints: points(seen.sum?.dataPoints, m.sum?.dataPoints) } } : {}),
    ...(seen.histogram || m.histogram ? { histogram: { ...seen.histogram, dataPoints: points(seen.histogram?.dataPoints, m.histogram?.dataPoints) } } : {}),
  };
}

/** The resource attributes of an export's first resource (the agent's). */
export function resourceOf(e: ReceivedExport): Record<string, string | number | boolean> {
  return attributesOf(e.request.resourceMetrics?.[0]?.resource?.attributes);
}

/** One resource of an export: its attributes, scope names and metrics by name. */
export interface ReceivedResource {
  readonly attributes: Record<string, string | number | boolean>;
  readonly scopes: string[];
  readonly metrics: Map<string, OtlpMetric>;
}

/** Every resource of an export, in the order they were sent. */
export function resourcesOf(e: ReceivedExport): ReceivedResource[] {
  return (e.request.resourceMetrics ?? []).map((rm) => {
    const metrics = new Map<string, OtlpMetric>();
    for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) metrics.set(m.name, m);
    return { attributes: attributesOf(rm.resource?.attributes), scopes: (rm.scopeMetrics ?? []).map((sm) => sm.scope?.name ?? ''), metrics };
  });
}

/** Every data point of a metric (gauge, sum or histogram). */
export function pointsOf(m: OtlpMetric | undefined): Array<{ attributes?: KeyValue[] }> {
  return m?.gauge?.dataPoints ?? m?.sum?.dataPoints ?? m?.histogram?.dataPoints ?? [];
}

/** The value of a gauge or sum point (int or double). */
export function valueOf(p: NumberDataPoint): number | undefined {
  return p.asDouble ?? p.asInt;
}

/** The data point of `metric` whose attributes include `attrs`, or undefined. */
export function pointWith<T extends { attributes?: KeyValue[] }>(points: readonly T[] | undefined, attrs: Record<string, string>): T | undefined {
  return (points ?? []).find((p) => {
    const a = attributesOf(p.attributes);
    return Object.entries(attrs).every(([k, v]) => a[k] === v);
  });
}
