/**
 * A one-line language for the device's faults, shared by `rds-sim`'s stdin and its `--fault` flag:
 * `fail-drive nvme12`, `rebuild mirror 90s`, `garbage raid spaces 2MiB`, `clear all`. One line in,
 * one line out; a bad line throws an Error that names the word and what was expected.
 */
import { GARBAGE_KINDS, type GarbageKind } from './garbage-output.js';
import type { RouterOsDevice } from './routeros-device.js';
import { STORAGE_INPUTS, commandsOfInput, type StorageInput } from './storage-commands.js';

export const FAULT_COMMANDS_HELP = `fault commands (one per line; time is the simulator's clock):
  fail-drive <slot> [no-spare] [rebuild=<dur>]   member failed; its array degraded (a hot spare takes over unless no-spare)
  pull-drive <slot> [no-spare] [rebuild=<dur>]   bay empty with last-seen; its array loses the member
  rebuild <array> [spare|replacement] [<dur>]    rebuild a degraded array, progress advancing with time (default 5m)
  heat-drive <slot> [<celsius>]                  drive temperature (default 78 C, warning bit from 70 C)
  heat-cpu [<celsius>]                           cpu-temperature (default 95 C)
  stop-fan [<fan>]                               <fan>-speed 0 RPM (default fan1)
  fail-psu [<psu>]                               <psu>-state fail (default psu2)
  btrfs-errors [<label>]                         btrfs error counters rise, about set
  flap-link <interface> [<period>]               link down/up every period (default 10s), link-downs rise
  fill-pool <array> [<used-%>] [<over>]          free space falls to used-% (default 95) over a duration (default at once)
  garbage <input|"command"> <kind> [<bytes>]     kind: ${GARBAGE_KINDS.join(', ')}; input: ${STORAGE_INPUTS.join(', ')}
  clear <fault-id|kind|all>                      recovery: clear one fault, every fault of a kind, or all
  faults                                         list the active faults
  help                                           this text`;

/** Splits a line at spaces outside double quotes; quotes are removed. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2]!);
  return out;
}

/** `500ms`, `20s`, `2m`, `1h` -> ms. */
export function parseDurationWord(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`${what}: expected a duration like 500ms, 90s or 2m: value was ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
}

/** `4096`, `64KiB`, `2MiB` -> bytes. */
function parseBytesWord(text: string): number {
  const m = /^(\d+)(KiB|MiB)?$/.exec(text);
  if (!m) throw new Error(`bytes: expected a size like 4096, 64KiB or 2MiB: value was ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 'MiB' ? 1024 * 1024 : m[2] === 'KiB' ? 1024 : 1);
}

function parseNumberWord(text: string, what: string): number {
  const n = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw new Error(`${what}: expected a number: value was ${JSON.stringify(text)}`);
  return n;
}

function need(args: readonly string[], i: number, what: string): string {
  const v = args[i];
  if (v === undefined) throw new Error(`missing ${what}`);
  return v;
}

function lossOptions(args: readonly string[], from: number, verb: string): { useSpare?: boolean; rebuildMs?: number } {
  const out: { useSpare?: boolean; rebuildMs?: number } = {};
  for (const a of args.slice(from)) {
    if (a === 'no-spare') out.useSpare = false;
    else if (a.startsWith('rebuild=')) out.rebuildMs = parseDurationWord(a.slice(8), `${verb} rebuild=`);
    else throw new Error(`${verb}: expected no-spare or rebuild=<duration>: value was ${JSON.stringify(a)}`);
  }
  return out;
}

/**
 * Applies one fault command to `device`; returns what happened, one line (several for `faults`).
 * Throws on an unknown command or a bad argument.
 */
export function runFaultCommand(device: RouterOsDevice, line: string): string {
  const [verb, ...args] = words(line.trim());
  const ok = (id: string): string => `ok ${id}: ${device.faults().find((f) => f.id === id)?.description ?? 'done'}`;
  switch (verb) {
    case undefined:
      return '';
    case 'help':
      return FAULT_COMMANDS_HELP;
    case 'faults': {
      const list = device.faults();
      return list.length === 0 ? 'no active faults' : list.map((f) => `${f.id}: ${f.description}`).join('\n');
    }
    case 'fail-drive':
      return ok(device.failDrive(need(args, 0, 'slot'), lossOptions(args, 1, verb)));
    case 'pull-drive':
      return ok(device.pullDrive(need(args, 0, 'slot'), lossOptions(args, 1, verb)));
    case 'rebuild': {
      const array = need(args, 0, 'array');
      let onto: 'spare' | 'replacement' | undefined;
      let durationMs: number | undefined;
      for (const a of args.slice(1)) {
        if (a === 'spare' || a === 'replacement') onto = a;
        else durationMs = parseDurationWord(a, 'rebuild duration');
      }
      return ok(device.startRebuild(array, { ...(onto ? { onto } : {}), ...(durationMs !== undefined ? { durationMs } : {}) }));
    }
    case 'heat-drive':
      return ok(device.heatDrive(need(args, 0, 'slot'), args[1] === undefined ? undefined : parseNumberWord(args[1], 'celsius')));
    case 'heat-cpu':
      return ok(device.heatCpu(args[0] === undefined ? undefined : parseNumberWord(args[0], 'celsius')));
    case 'stop-fan':
      return ok(device.stopFan(args[0]));
    case 'fail-psu':
      return ok(device.failPsu(args[0]));
    case 'btrfs-errors':
      return ok(device.btrfsErrors(args[0]));
    case 'fill-pool': {
      const used = args[1] === undefined ? undefined : parseNumberWord(args[1].replace(/%$/, ''), 'used-%');
      return ok(device.fillPool(need(args, 0, 'array'), { ...(used !== undefined ? { usedRatio: used / 100 } : {}), ...(args[2] !== undefined ? { overMs: parseDurationWord(args[2], 'fill duration') } : {}) }));
    }
    case 'flap-link':
      return ok(device.flapLink(need(args, 0, 'interface'), args[1] === undefined ? {} : { periodMs: parseDurationWord(args[1], 'flap period') }));
    case 'garbage': {
      const target = need(args, 0, 'input or command');
      const kind = need(args, 1, `garbage kind (${GARBAGE_KINDS.join(', ')})`) as GarbageKind;
      if (!GARBAGE_KINDS.includes(kind)) throw new Error(`garbage kind: expected one of ${GARBAGE_KINDS.join(', ')}: value was ${JSON.stringify(kind)}`);
      const options = args[2] === undefined ? {} : { bytes: parseBytesWord(args[2]) };
      let commands: Array<string | RegExp>;
      if (target.startsWith('/') || target.startsWith(':')) commands = [target];
      else if ((STORAGE_INPUTS as readonly string[]).includes(target)) commands = commandsOfInput(target as StorageInput);
      else throw new Error(`garbage: expected an input (${STORAGE_INPUTS.join(', ')}) or a quoted command: value was ${JSON.stringify(target)}`);
      return commands.map((c) => ok(device.garbage(c, kind, options))).join('\n');
    }
    case 'clear': {
      const what = need(args, 0, 'fault id, kind or all');
      if (what === 'all') return `cleared ${device.clearAllFaults()} fault(s)`;
      if (device.clearFault(what)) return `cleared ${what}`;
      const ofKind = device.faults().filter((f) => f.kind === what);
      if (ofKind.length === 0) throw new Error(`clear: no active fault ${JSON.stringify(what)} (active: ${device.faults().map((f) => f.id).join(', ') || 'none'})`);
      let n = 0;
      for (const f of ofKind) if (device.clearFault(f.id)) n += 1;
      return `cleared ${n} ${what} fault(s)`;
    }
    default:
      throw new Error(`unknown fault command ${JSON.stringify(verb)}: try help`);
  }
}
