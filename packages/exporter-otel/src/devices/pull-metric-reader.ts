import { MetricReader, type MetricReaderOptions } from '@opentelemetry/sdk-metrics';

/**
 * A MetricReader that only answers `collect()`: it exports nothing on its own. Each target's
 * MeterProvider has one; the agent's periodic reader collects them all into one request (see
 * `device-meters.ts`). This is the SDK's documented way to write a pull reader.
 */
export class PullMetricReader extends MetricReader {
  constructor(options: MetricReaderOptions) {
    super(options);
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
