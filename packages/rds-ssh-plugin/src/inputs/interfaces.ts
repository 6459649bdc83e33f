import type { TelemetrySample } from '@rds-agent/core';
import { deviceName } from '../routeros/device-text.js';
import { isCount, checkedField, type Rejections } from '../routeros/plausibility.js';
import { parseRouterOsNumber } from '../routeros/values.js';
import { fact, prop, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';

export const INTERFACE_COMMANDS = {
  json: ':put [:serialize to=json [/interface print stats-detail as-value]]',
  text: '/interface print stats-detail',
} as const;

/** The cumulative counters read per interface (bridge slaves omit the drop and error ones). */
const COUNTERS = [
  ['link-downs', 'interfaceLinkDowns'],
  ['rx-byte', 'interfaceRxBytes'],
  ['tx-byte', 'interfaceTxBytes'],
  ['rx-drop', 'interfaceRxDrops'],
  ['tx-drop', 'interfaceTxDrops'],
  ['rx-error', 'interfaceRxErrors'],
  ['tx-error', 'interfaceTxErrors'],
] as const;

export interface InterfaceStats {
  readonly name: string;
  readonly running?: boolean;
  readonly disabled?: boolean;
  readonly counters: readonly { readonly metric: (typeof COUNTERS)[number][1]; readonly value: number }[];
}

/** Interfaces of `/interface print stats-detail` (flags `R` running, `X` disabled in the text form). */
export function interfacesFromRecords(records: readonly DeviceRecord[], rejections: Rejections): InterfaceStats[] {
  const out: InterfaceStats[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const name = deviceName(prop(r, 'name'), rejections);
    if (name === undefined || seen.has(name)) continue;
    seen.add(name);
    const counters: { metric: (typeof COUNTERS)[number][1]; value: number }[] = [];
    for (const [field, metric] of COUNTERS) {
      const v = checkedField(prop(r, field), parseRouterOsNumber, (n) => isCount(n), rejections);
      if (v !== undefined) counters.push({ metric, value: v });
    }
    const running = fact(r, { flag: 'R', props: ['running'] });
    const disabled = fact(r, { flag: 'X', props: ['disabled'] });
    out.push({ name, ...(running !== undefined ? { running } : {}), ...(disabled !== undefined ? { disabled } : {}), counters });
  }
  return out;
}

export function interfaceSamples(i: InterfaceStats): TelemetrySample[] {
  const labels = { interface: i.name };
  const samples: TelemetrySample[] = [];
  if (i.running !== undefined) samples.push(sample('interfaceRunning', i.running ? 1 : 0, labels));
  if (i.disabled !== undefined) samples.push(sample('interfaceDisabled', i.disabled ? 1 : 0, labels));
  for (const c of i.counters) samples.push(sample(c.metric, c.value, labels));
  return samples;
}

/** `interfaces`: running, disabled, link downs, bytes, drops and errors per interface. */
export function createInterfacesInput(maxSeries: number = INPUT_DEFAULTS.interfaces.maxSeries): RouterOsInput {
  return {
    name: 'interfaces',
    collect: (session, signal) =>
      runInput('interfaces', session, signal, maxSeries, async (reading) => {
        for (const i of interfacesFromRecords(await session.records(INTERFACE_COMMANDS, reading, signal), reading.rejections)) reading.addEntity(interfaceSamples(i));
      }),
  };
}
