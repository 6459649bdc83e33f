import type { TelemetrySample } from '@rds-agent/core';
import { healthFromRows, parseHealthText, PSU_STATES, type HealthRow, type SystemHealth } from '../routeros/health.js';
import type { Rejections } from '../routeros/plausibility.js';
import { slices, yieldToEventLoop } from '../routeros/slices.js';
import { hasContent, prop, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample, stateSet, type ReadingBuilder } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';

export const HEALTH_COMMANDS = {
  json: ':put [:serialize to=json [/system health print as-value]]',
  text: '/system health print terse',
} as const;

const PSU_STATE_SET = [...PSU_STATES, 'other'] as const;

/** Health rows of the JSON form (`name`, `value`, `type` per record). */
export function healthRowsFromRecords(records: readonly DeviceRecord[]): HealthRow[] {
  const rows: HealthRow[] = [];
  for (const r of records) {
    const name = prop(r, 'name');
    const value = prop(r, 'value');
    const type = prop(r, 'type');
    if (name !== undefined && value !== undefined) rows.push({ name, value, ...(type !== undefined ? { type } : {}) });
  }
  return rows;
}

/**
 * The text form (terse rows or the v7 table) as records, a slice at a time so a huge answer never
 * holds the event loop; garbage is counted here (an empty answer is a board without sensors).
 */
async function healthRecordsFromText(output: string, reading: ReadingBuilder): Promise<DeviceRecord[]> {
  const records: DeviceRecord[] = [];
  for (const piece of slices(output, 'items')) {
    for (const row of parseHealthText(piece)) records.push({ source: 'text', flags: '', props: { name: row.name, value: row.value, ...(row.type !== undefined ? { type: row.type } : {}) } });
    await yieldToEventLoop();
  }
  if (records.length === 0 && hasContent(output)) reading.rejections.add('unparsable');
  return records;
}

/** One entity (sensor) per list, in the device's order. */
export function healthEntities(health: SystemHealth): TelemetrySample[][] {
  const entities: TelemetrySample[][] = [];
  for (const t of health.temperaturesCelsius) entities.push([sample('healthTemperature', t.value, { sensor: t.sensor })]);
  for (const f of health.fansRpm) entities.push([sample('healthFanSpeed', f.value, { sensor: f.sensor })]);
  for (const v of health.voltagesVolts) entities.push([sample('healthVoltage', v.value, { sensor: v.sensor })]);
  for (const a of health.currentsAmperes) entities.push([sample('healthCurrent', a.value, { sensor: a.sensor })]);
  for (const w of health.powersWatts) entities.push([sample('healthPower', w.value, { sensor: w.sensor })]);
  for (const p of health.psus) entities.push(stateSet('healthPsuState', PSU_STATE_SET, p.state, { sensor: p.sensor }));
  return entities;
}

/** Either form of `/system health` into checked samples (see `healthFromRows` for the x10 rule). */
export function parseHealth(output: { readonly text: string } | { readonly records: readonly DeviceRecord[] }, rejections: Rejections): TelemetrySample[][] {
  const rows = 'text' in output ? parseHealthText(output.text) : healthRowsFromRecords(output.records);
  // Garbage is counted; an empty answer (a board without sensors) is not.
  if (rows.length === 0 && ('text' in output ? hasContent(output.text) : output.records.length > 0)) rejections.add('unparsable');
  return healthEntities(healthFromRows(rows, rejections));
}

/**
 * `health`: `/system health` temperatures, fans, voltages, currents, power and PSU states. A
 * device without sensors (CHR) prints nothing: an empty reading, not an error.
 */
export function createHealthInput(maxSeries: number = INPUT_DEFAULTS.health.maxSeries): RouterOsInput {
  return {
    name: 'health',
    collect: (session, signal) =>
      runInput('health', session, signal, maxSeries, async (reading: ReadingBuilder) => {
        const json = await session.supportsJson(reading, signal);
        const entities = json
          ? parseHealth({ records: await session.records(HEALTH_COMMANDS, reading, signal) }, reading.rejections)
          : parseHealth({ records: await healthRecordsFromText(await session.run(HEALTH_COMMANDS.text, reading, signal), reading) }, reading.rejections);
        for (const e of entities) reading.addEntity(e);
      }),
  };
}
