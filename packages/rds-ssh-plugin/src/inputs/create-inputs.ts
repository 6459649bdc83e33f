import { createDrivesInput } from './drives.js';
import { createExportsInput } from './exports.js';
import { createFilesystemsInput } from './filesystems.js';
import { createHealthInput } from './health.js';
import { INPUT_NAMES, type InputName, type InputSettings } from './input-settings.js';
import { createInterfacesInput } from './interfaces.js';
import { createRaidInput } from './raid.js';
import type { RouterOsInput } from './routeros-input.js';
import { createSystemInput } from './system.js';
import { createTrafficInput } from './traffic.js';

export interface RouterOsInputsConfig {
  readonly inputs: Readonly<Record<InputName, InputSettings>>;
  readonly telemetryDisks: readonly string[];
  readonly telemetryMaxDisks: number;
}

/** The enabled inputs of one target, each with its settings, in {@link INPUT_NAMES} order. */
export function createRouterOsInputs(config: RouterOsInputsConfig): { input: RouterOsInput; settings: InputSettings }[] {
  const out: { input: RouterOsInput; settings: InputSettings }[] = [];
  for (const name of INPUT_NAMES) {
    const settings = config.inputs[name];
    if (!settings.enabled) continue;
    out.push({ input: createInput(name, settings, config), settings });
  }
  return out;
}

function createInput(name: InputName, s: InputSettings, config: RouterOsInputsConfig): RouterOsInput {
  switch (name) {
    case 'system':
      return createSystemInput(s.maxSeries);
    case 'health':
      return createHealthInput(s.maxSeries);
    case 'raid':
      return createRaidInput(s.maxSeries);
    case 'drives':
      return createDrivesInput(s.maxSeries);
    case 'filesystems':
      return createFilesystemsInput(s.maxSeries);
    case 'exports':
      return createExportsInput(s.maxSeries);
    case 'interfaces':
      return createInterfacesInput(s.maxSeries);
    case 'traffic':
      return createTrafficInput({ disks: config.telemetryDisks, maxDisks: config.telemetryMaxDisks, maxSeries: s.maxSeries });
  }
}
