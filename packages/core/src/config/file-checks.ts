import { accessSync, constants, statSync } from 'node:fs';
import { ConfigError, type ConfigIssue } from '../errors/agent-error.js';
import type { AgentConfig } from './agent-config.js';
import type { ComponentLookup } from './compose-config.js';
import { leavesOf } from './convict-adapter.js';
import type { ConfigSchema } from './schema-types.js';

/**
 * Every `file-path` setting that names a file must name a regular file the current user can read:
 * checked when the config is validated, so `validate` finds a mistyped key path before `run` would
 * fail on it at the first connect. (Transports still read secrets fresh on every connect.)
 */
function checkFiles(schema: ConfigSchema, value: Readonly<Record<string, unknown>>, prefix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const { path, leaf } of leavesOf(schema)) {
    if (leaf.format !== 'file-path') continue;
    const file = path.split('.').reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), value);
    if (typeof file !== 'string' || file === '') continue;
    const problem = unreadable(file);
    if (problem) issues.push({ key: `${prefix}.${path}`, message: `cannot read ${JSON.stringify(file)}: ${problem}` });
  }
  return issues;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file (ENOENT)',
  EACCES: 'permission denied for this user (EACCES)',
  ENOTDIR: 'a part of the path is not a directory (ENOTDIR)',
  ELOOP: 'too many symbolic links (ELOOP)',
};

function unreadable(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'not a regular file';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return REASONS[code] ?? code;
  }
}

/**
 * The last step of the config pipeline (after validation, before anything starts): every file a
 * target's transport or an enabled exporter names must be a regular file the current user can read.
 * Throws a ConfigError listing every one that is not.
 *
 * @internal
 */
export function checkConfigFiles(config: AgentConfig, registry: ComponentLookup): void {
  const issues: ConfigIssue[] = [];
  config.targets.forEach((t, i) => {
    const definition = registry.transport(t.transport);
    if (definition) issues.push(...checkFiles(definition.schema, t.options, `targets[${i}].options`));
  });
  for (const e of config.exporters) {
    const definition = e.enabled ? registry.exporter(e.type) : undefined;
    if (definition) issues.push(...checkFiles(definition.schema, e.options, `exporters.${e.type}`));
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
