import { redactConfig } from '@rds-agent/core/host';
import { CONFIG_OPTIONS, defineCommand, loadConfigFromFlags, type Command } from '../command.js';
import { toYaml } from '../../output/to-yaml.js';

type Redacted = Record<string, unknown> & {
  backoff: { strategy: string; params: Record<string, unknown> };
  targets: (Record<string, unknown> & { backoff: { strategy: string; params: Record<string, unknown> } })[];
  exporters: { type: string; enabled: boolean; options: Record<string, unknown> }[];
};

/**
 * Puts the validated config back into the shape of a config file (`backoff: {strategy, ...params}`,
 * `exporters: {<type>: {enabled, ...options}}`), so the output can be saved and loaded as is.
 */
export function toFileShape(redacted: Record<string, unknown>): Record<string, unknown> {
  const c = redacted as Redacted;
  const flat = (b: { strategy: string; params: Record<string, unknown> }): Record<string, unknown> => ({ strategy: b.strategy, ...b.params });
  return {
    ...c,
    backoff: flat(c.backoff),
    targets: c.targets.map((t) => ({ ...t, backoff: flat(t.backoff) })),
    exporters: Object.fromEntries(c.exporters.map((e) => [e.type, { enabled: e.enabled, ...e.options }])),
  };
}

export const printConfigCommand: Command = defineCommand({
  name: 'print-config',
  summary: 'print the effective config (file + env + flags) with secrets redacted',
  help: `Usage: rds-agent print-config -c <file> [--set key=value ...] [--json]

Prints the configuration the agent would run with, after substitution,
RDS_AGENT_* variables, --set flags, defaults and per-target inheritance of the
top-level monitor/backoff settings. Durations are shown in milliseconds.
Settings marked sensitive (password files, TLS keys, auth headers) are
replaced by "[redacted]".

Options:
  -c, --config <file>   config file (YAML or JSON); default: $RDS_AGENT_CONFIG
  --set key=value       override a setting (dotted key), repeatable
  --json                print JSON instead of YAML
  --debug               print stack traces with errors
  -h, --help            show this help

Exit codes: 0 printed, 2 invalid configuration.
`,
  options: { ...CONFIG_OPTIONS, json: { type: 'boolean' } },
  async execute(context) {
    const { values, io } = context;
    const { config, registry, file: resolved } = await loadConfigFromFlags(context);
    const redacted = toFileShape(redactConfig(config, registry));
    io.stdout.write(values.json ? `${JSON.stringify(redacted, null, 2)}\n` : `# effective configuration of ${resolved} (secrets redacted; durations in ms)\n${toYaml(redacted)}`);
    return 0;
  },
});
