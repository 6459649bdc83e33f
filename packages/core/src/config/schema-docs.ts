import type { ComponentLookup } from './compose-config.js';
import { formatDuration } from './duration.js';
import type { ConfigSchema } from './schema-types.js';
import { MONITOR_SCHEMA } from '../monitor/monitor-settings.js';
import { envNameFor } from './convict-adapter.js';
import { CORE_SCHEMA } from './core-schema.js';

interface Row {
  readonly key: string;
  readonly type: string;
  readonly default: string;
  readonly env?: string;
  readonly doc: string;
}

interface Leaf {
  doc?: string;
  format?: unknown;
  default?: unknown;
  sensitive?: boolean;
}

function isLeaf(node: unknown): node is Leaf {
  return typeof node !== 'object' || node === null || Array.isArray(node) || 'default' in node;
}

function typeOf(leaf: Leaf): string {
  const f = leaf.format;
  if (Array.isArray(f)) return f.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (typeof f === 'string') return f;
  if (typeof f === 'function') return f.name.toLowerCase();
  return typeof leaf.default;
}

function defaultOf(leaf: Leaf): string {
  const d = leaf.default;
  if (leaf.format === 'duration' && typeof d === 'number') return `\`${formatDuration(d)}\``;
  if (d === null) return '(none)';
  if (d === '') return '`""`';
  return `\`${JSON.stringify(d)}\``;
}

function rows(schema: ConfigSchema, prefix: string, withEnv: boolean): Row[] {
  const out: Row[] = [];
  for (const [key, node] of Object.entries(schema as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(node)) {
      const leaf = node as Leaf;
      out.push({
        key: path,
        type: typeOf(leaf),
        default: defaultOf(leaf),
        ...(withEnv ? { env: envNameFor(path) } : {}),
        doc: `${leaf.doc ?? ''}${leaf.sensitive ? ' **Sensitive**: never logged or printed.' : ''}`.replace(/\|/g, '\\|').replace(/\n/g, ' '),
      });
    } else out.push(...rows(node as ConfigSchema, path, withEnv));
  }
  return out;
}

function table(list: Row[], withEnv: boolean): string {
  const head = withEnv ? '| key | type | default | environment | description |\n|---|---|---|---|---|' : '| key | type | default | description |\n|---|---|---|---|';
  const body = list.map((r) => (withEnv ? `| \`${r.key}\` | ${r.type} | ${r.default} | \`${r.env}\` | ${r.doc} |` : `| \`${r.key}\` | ${r.type} | ${r.default} | ${r.doc} |`));
  return [head, ...body].join('\n');
}

/**
 * The configuration reference, generated from the schemas of core and every registered plugin, so
 * the documentation cannot drift from what the validator accepts (a test compares it with
 * docs/configuration.md).
 *
 * @internal
 */
export function configReference(registry: ComponentLookup): string {
  const parts: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schemas by `npm run docs:config`; a test fails when this file is stale. -->',
    '',
    'A config file is YAML (`.yaml`, `.yml`) or JSON. Every key below can also be set by the environment variable',
    'shown (top-level sections only) or by `--set key=value` on the command line; flags win over the environment,',
    'which wins over the file. Any string may use `${env:NAME}` or `${file:/path}` to keep secrets out of the file.',
    'Durations are a whole number of milliseconds (`500`, also as the string `"500"`) or a string of parts `<number><unit>`, units `ms` `s` `m` `h` `d` `w`, largest first: `500ms`, `5s`, `1.5m`, `1m30s`, `2h`. Every duration is at most 2147483647 ms (about 24.8 days, the longest timer Node.js honours); keys with a tighter range say so, and a value outside its range is an error naming the key and the range. Ports are whole numbers 0-65535 (a string such as `"2e3"` is refused, not read as 2). Unknown keys are errors.',
    '',
    'Files named by settings (`privateKeyFile`, `passwordFile`, `knownHostsFile`, TLS files) must be regular files readable by the user running the agent: `validate` and `run` check them before anything starts. `${file:/path}` reads regular files only, up to 1 MiB. `--set key=value` reaches list items by index: `--set targets[0].monitor.probeInterval=2s`.',
    '',
    '## Agent',
    '',
    table(rows(CORE_SCHEMA, '', true), true),
    '',
    '## Backoff (`backoff:`, and per target `targets[].backoff:`)',
    '',
    '`backoff.strategy` picks the strategy; its parameters sit beside it. A target section overrides single',
    'parameters of the top-level one, or names another strategy and starts from that strategy\'s defaults.',
    'Environment: `RDS_AGENT_BACKOFF_STRATEGY`, `RDS_AGENT_BACKOFF_<PARAMETER>` (e.g. `RDS_AGENT_BACKOFF_MAX_INTERVAL`).',
  ];
  for (const name of registry.backoffNames()) {
    parts.push('', `### \`strategy: ${name}\``, '', table(rows(registry.backoff(name)!.schema, 'backoff', false), false));
  }
  parts.push(
    '',
    '## Targets (`targets:`, a list)',
    '',
    'Each target has a unique `name` (letters, digits, `.`, `_`, `-`), a `transport` type, the transport\'s',
    '`options`, and optional `monitor` and `backoff` sections that override the top-level ones key by key.',
    '',
    table(
      [
        { key: 'targets[].name', type: 'string', default: '(required)', doc: 'Unique target name; the `target` label on every metric.' },
        { key: 'targets[].transport', type: registry.transportTypes().map((t) => `\`${t}\``).join(' \\| '), default: '(required)', doc: 'Transport type (plugins add more).' },
        ...rows(MONITOR_SCHEMA, 'targets[].monitor', false).map((r) => ({ ...r, default: '(top-level `monitor`)' })),
      ],
      false,
    ),
  );
  for (const type of registry.transportTypes()) {
    parts.push('', `### \`transport: ${type}\` options`, '', table(rows(registry.transport(type)!.schema, 'targets[].options', false), false));
  }
  parts.push('', '## Exporters (`exporters:`)', '', 'Each exporter type has its section; `enabled` chooses which run, so an environment switches exporters by config alone.');
  for (const type of registry.exporterTypes()) {
    const def = registry.exporter(type)!;
    const schema = { enabled: { doc: `Whether the ${type} exporter runs.`, format: 'strict-boolean', default: def.enabledByDefault ?? false }, ...(def.schema as object) };
    parts.push('', `### \`exporters.${type}\``, '', table(rows(schema as ConfigSchema, `exporters.${type}`, true), true));
  }
  parts.push(
    '',
    '## Plugins (`plugins:`, a list)',
    '',
    'Each entry is a package name, a path (relative to the config file), or `{ module, config }` where `config`',
    'is validated by the plugin\'s own schema. Built-in plugins load without being listed; list one by name to',
    'give it settings. See [plugins.md](plugins.md).',
    '',
  );
  return parts.join('\n');
}
