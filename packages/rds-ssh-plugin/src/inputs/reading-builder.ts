import type { MetricId, TelemetryReading, TelemetrySample } from '@rds-agent/core';
import { Rejections } from '../routeros/plausibility.js';

/**
 * Collects one run of an input: samples, bytes read, refusals by reason. The series cap is
 * applied per entity (a slot, a sensor, an interface): an entity's samples are kept whole or
 * dropped whole, in listing order, so a capped reading is a stable prefix of the device's list.
 */
export class ReadingBuilder {
  readonly rejections = new Rejections();
  bytesRead = 0;
  private readonly samples: TelemetrySample[] = [];
  private capped = false;

  constructor(private readonly maxSeries: number) {}

  get size(): number {
    return this.samples.length;
  }

  /** Adds one entity's samples, or none (each counted `cap`) once they would pass `maxSeries`. */
  addEntity(samples: readonly TelemetrySample[]): void {
    if (samples.length === 0) return;
    if (this.capped || this.samples.length + samples.length > this.maxSeries) {
      this.capped = true;
      this.rejections.add('cap', samples.length);
      return;
    }
    for (const s of samples) {
      // Defensive: a non-finite value would reach the exporters as NaN.
      if (Number.isFinite(s.value)) this.samples.push(s);
      else this.rejections.add('implausible');
    }
  }

  build(): TelemetryReading {
    const rejected = this.rejections.list();
    return { samples: this.samples, bytesRead: this.bytesRead, ...(rejected.length > 0 ? { rejected } : {}) };
  }
}

/** A sample, without labels when there are none. */
export function sample(metric: MetricId, value: number, labels?: Readonly<Record<string, string>>): TelemetrySample {
  return labels ? { metric, labels, value } : { metric, value };
}

/** The members of a state set: 1 for `current`, 0 for every other state. */
export function stateSet(metric: MetricId, states: readonly string[], current: string, labels: Readonly<Record<string, string>>): TelemetrySample[] {
  return states.map((state) => ({ metric, labels: { ...labels, state }, value: state === current ? 1 : 0 }));
}
