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
 * target's transport or an enabled exporter names must be a regular file the current user can read,
 * and then hold what its plugin's `checkFiles` accepts. Throws a ConfigError listing every error;
 * warnings are added to `warnings`.
 *
 * @internal
 */
export function checkConfigFiles(config: AgentConfig, registry: ComponentLookup, warnings: ConfigIssue[] = []): void {
  const issues: ConfigIssue[] = [];
  const check = (definition: FileCheckingDefinition, options: Readonly<Record<string, unknown>>, prefix: string): void => {
    const unreadableFiles = checkFiles(definition.schema, options, prefix);
    issues.push(...unreadableFiles);
    // What the files hold is the plugin's to judge, once they can be read.
    if (unreadableFiles.length === 0 && definition.checkFiles) issues.push(...contentIssues(definition, options, prefix));
  };
  config.targets.forEach((t, i) => {
    const definition = registry.transport(t.transport);
    if (definition) check(definition, t.options, `targets[${i}].options`);
  });
  for (const e of config.exporters) {
    const definition = e.enabled ? registry.exporter(e.type) : undefined;
    if (definition) check(definition, e.options, `exporters.${e.type}`);
  }
  // Warnings (a known_hosts file without this host yet) go to the caller, as validate()'s do.
  const errors = issues.filter((issue) => issue.severity !== 'warning');
  if (errors.length > 0) throw new ConfigError(errors);
  warnings.push(...issues.filter((issue) => issue.severity === 'warning'));
}

interface FileCheckingDefinition {
  readonly schema: ConfigSchema;
  checkFiles?(config: Readonly<Record<string, unknown>>): readonly ConfigIssue[];
}

/** The plugin's own file checks, prefixed; a throw is contained and reported as an issue. */
function contentIssues(definition: FileCheckingDefinition, options: Readonly<Record<string, unknown>>, prefix: string): ConfigIssue[] {
  try {
    return (definition.checkFiles!(options) ?? []).map((issue) => ({ ...issue, key: `${prefix}.${issue.key}` }));
  } catch (err) {
    return [{ key: prefix, message: `the plugin's file check failed: ${err instanceof Error ? err.message : String(err)}` }];
  }
}
