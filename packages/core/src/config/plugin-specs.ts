import type { ConfigIssue } from '../errors/agent-error.js';
import type { PluginSpec } from './agent-config.js';
import { show } from './convict-adapter.js';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Reads the `plugins:` list once, before anything is loaded (plugins shape the rest of the
 * schema). Each entry is a package name or path string, or `{ module, config }`.
 *
 * @internal
 */
export function readPluginSpecs(raw: Record<string, unknown>): { specs: PluginSpec[]; issues: ConfigIssue[] } {
  const list = raw['plugins'];
  if (list === undefined || list === null) return { specs: [], issues: [] };
  if (!Array.isArray(list)) return { specs: [], issues: [{ key: 'plugins', message: `must be a list of package names or paths: value was ${show(list)}` }] };
  const specs: PluginSpec[] = [];
  const issues: ConfigIssue[] = [];
  list.forEach((entry: unknown, i) => {
    const key = `plugins[${i}]`;
    if (typeof entry === 'string' && entry.trim() !== '') specs.push({ module: entry, config: {} });
    else if (isRecord(entry) && typeof entry['module'] === 'string' && entry['module'].trim() !== '') {
      const extra = Object.keys(entry).filter((k) => k !== 'module' && k !== 'config');
      if (extra.length > 0) issues.push({ key: `${key}.${extra[0]}`, message: 'unknown setting (a plugin entry has only "module" and "config")' });
      if (entry['config'] !== undefined && !isRecord(entry['config'])) issues.push({ key: `${key}.config`, message: `must be a mapping: value was ${show(entry['config'])}` });
      specs.push({ module: entry['module'], config: isRecord(entry['config']) ? entry['config'] : {} });
    } else issues.push({ key, message: `must be a package name, a path, or { module, config }: value was ${show(entry)}` });
  });
  return { specs, issues };
}
