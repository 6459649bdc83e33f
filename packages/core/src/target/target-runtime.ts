import type { DependencyContainer } from 'tsyringe';
import type { TargetConfig } from '../config/agent-config.js';
import type { Logger } from '../logging/logger.js';
import { ConnectionMonitor } from '../monitor/connection-monitor.js';
import { TelemetryCollector } from '../telemetry/telemetry-collector.js';
import { isTelemetrySource } from '../transport/telemetry-source.js';
import { TargetScope } from '../tokens.js';
import type { Transport } from '../transport/transport.js';

/**
 * One target's running parts, resolved from its child container (see `assembleTarget`): the
 * transport, the ConnectionMonitor and, when the transport reads telemetry, the TelemetryCollector.
 * `start()` starts the monitor, then the collector; `dispose()` stops them in reverse (collector,
 * monitor, transport) and then disposes the container. Both are safe to call once in any order;
 * `dispose()` twice is a no-op.
 *
 * @internal
 */
export class TargetRuntime {
  private parts: { transport: Transport; monitor: ConnectionMonitor; collector?: TelemetryCollector } | undefined;
  private disposing: Promise<void> | undefined;

  constructor(
    readonly config: TargetConfig,
    private readonly container: DependencyContainer,
  ) {}

  /** The monitor, once {@link create} has resolved it. */
  get monitor(): ConnectionMonitor | undefined {
    return this.parts?.monitor;
  }

  /** The collector, when the target has one. */
  get collector(): TelemetryCollector | undefined {
    return this.parts?.collector;
  }

  /**
   * Resolves the parts (this is when the transport and backoff factories run). Throws what a
   * faulty definition throws; the caller reports it and the other targets run on.
   */
  create(): this {
    if (this.parts) return this;
    const transport = this.container.resolve(TargetScope.Transport);
    const monitor = this.container.resolve(ConnectionMonitor);
    const telemetry = isTelemetrySource(transport) && this.config.monitor.telemetryInterval > 0;
    this.parts = { transport, monitor, ...(telemetry ? { collector: this.container.resolve(TelemetryCollector) } : {}) };
    return this;
  }

  /** Starts the monitor, then the collector (which waits for the monitor's connection). */
  start(): void {
    const parts = this.create().parts!;
    parts.monitor.start();
    parts.collector?.start();
  }

  /**
   * Stops in reverse order: the collector first (it uses the monitor's connection and must not report
   * a loss the stop causes), then the monitor (which closes the session), then the transport once more
   * for transports whose monitor never ran; then the container is disposed.
   */
  dispose(logger?: Logger): Promise<void> {
    this.disposing ??= this.doDispose(logger);
    return this.disposing;
  }

  private async doDispose(logger?: Logger): Promise<void> {
    const parts = this.parts;
    if (parts) {
      await parts.collector?.stop();
      try {
        await parts.monitor.stop();
      } catch (err) {
        logger?.error({ err: (err as Error).message }, 'monitor stop failed');
      }
      try {
        await parts.transport.close();
      } catch (err) {
        logger?.warn({ err: (err as Error).message }, 'transport close failed');
      }
    }
    await this.container.dispose();
  }
}
