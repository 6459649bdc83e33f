import type { ConfigIssue } from '../errors/agent-error.js';

/** `--set` flags sorted by the section that validates them, keys relative to it. */
export interface SplitOverrides {
  /** Core settings and `exporters.*`. */
  readonly root: Record<string, string>;
  /** `backoff.*` (the top-level strategy). */
  readonly backoff: Record<string, string>;
  /** `targets[i].*` except their backoff, by target index. */
  readonly targets: Record<string, string>[];
  /** `targets[i].backoff.*`, by target index. */
  readonly targetBackoff: Record<string, string>[];
  readonly issues: ConfigIssue[];
}

const TARGET_KEY = /^targets\[(\d{1,6})\]\.(.+)$/;

/**
 * Routes `--set key=value` flags to the section that validates them, so a flag is checked (and its
 * string coerced) exactly like the same value in the file: `exporters.prometheus.port=9100`,
 * `backoff.maxInterval=30s`, `targets[0].monitor.probeInterval=2s`, `targets[1].options.port=2222`.
 * A flag that names no target, or the plugins list, is an issue naming it.
 */
export function splitOverrides(set: Readonly<Record<string, string>>, targetCount: number): SplitOverrides {
  const out: SplitOverrides = { root: {}, backoff: {}, targets: [], targetBackoff: [], issues: [] };
  for (const [key, value] of Object.entries(set)) {
    const target = TARGET_KEY.exec(key);
    if (target) {
      const index = Number(target[1]);
      const rest = target[2]!;
      if (index >= targetCount) {
        out.issues.push({ key: `targets[${index}]`, message: `--set names no such target: the config has ${targetCount} (targets[0]..targets[${Math.max(0, targetCount - 1)}])` });
      } else if (rest.startsWith('backoff.')) (out.targetBackoff[index] ??= {})[rest.slice('backoff.'.length)] = value;
      else (out.targets[index] ??= {})[rest] = value;
    } else if (key === 'targets' || key.startsWith('targets.') || key.startsWith('targets[')) {
      out.issues.push({ key, message: '--set reaches a target by its index: targets[<index>].<key>=<value>, e.g. targets[0].monitor.probeInterval=2s' });
    } else if (key === 'plugins' || key.startsWith('plugins.') || key.startsWith('plugins[')) {
      out.issues.push({ key, message: 'the plugins list cannot be set from the command line: edit the config file' });
    } else if (key.startsWith('backoff.')) out.backoff[key.slice('backoff.'.length)] = value;
    else out.root[key] = value;
  }
  return out;
}
