import type { ComponentLookup } from './compose-config.js';
import type { AgentConfig } from './agent-config.js';
import { sensitivePaths } from './convict-adapter.js';

/** @internal */
export const REDACTED = '[redacted]';

/**
 * The effective config as a plain object with every `sensitive` setting (per the schemas of core
 * and the plugins that own each section) replaced by `[redacted]`: what `print-config` shows.
 *
 * @internal
 */
export function redactConfig(config: AgentConfig, registry: ComponentLookup): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as {
    targets: { transport: string; options: Record<string, unknown> }[];
    exporters: { type: string; options: Record<string, unknown> }[];
    plugins: { config: Record<string, unknown> }[];
  };
  for (const t of copy.targets) {
    const def = registry.transport(t.transport);
    if (def) for (const p of sensitivePaths(def.schema)) redactPath(t.options, p);
  }
  for (const e of copy.exporters) {
    const def = registry.exporter(e.type);
    if (def) for (const p of sensitivePaths(def.schema)) redactPath(e.options, p);
  }
  // Plugin settings are free-form to core: show their keys only.
  for (const p of copy.plugins) p.config = Object.fromEntries(Object.keys(p.config).map((k) => [k, REDACTED]));
  return copy as unknown as Record<string, unknown>;
}

function redactPath(obj: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let node: unknown = obj;
  for (const p of parts.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[p];
  const last = parts[parts.length - 1]!;
  if (!node || typeof node !== 'object' || !(last in node)) return;
  const parent = node as Record<string, unknown>;
  const value = parent[last];
  if (value === null || value === '') return; // nothing secret to hide; keep it re-loadable
  if (typeof value === 'object' && !Array.isArray(value)) {
    // A secret map (users -> hashes, header -> value): the keys are not secret, the values are.
    parent[last] = Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  } else parent[last] = REDACTED;
}
