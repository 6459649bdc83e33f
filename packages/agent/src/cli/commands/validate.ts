import { CONFIG_OPTIONS, defineCommand, loadConfigFromFlags, type Command } from '../command.js';

export const validateCommand: Command = defineCommand({
  name: 'validate',
  summary: 'check a config file and print every problem; starts nothing',
  help: `Usage: rds-agent validate -c <file> [--set key=value ...]

Reads the config (with \${env:NAME} / \${file:/path} substitution, RDS_AGENT_*
variables and --set overrides), loads the plugins it names and validates
everything. Every problem is printed on its own line as "key: message"
(with the offending value, never a secret). Nothing is started. Settings that are
valid but probably unintended (an endpoint open beyond loopback without TLS, say)
are printed as "warning: key: message" on stderr and do not fail the check.

Options:
  -c, --config <file>   config file (YAML or JSON); default: $RDS_AGENT_CONFIG
  --set key=value       override a setting (dotted key), repeatable
  --debug               print stack traces with errors
  -h, --help            show this help

Exit codes: 0 valid, 2 invalid.
`,
  options: CONFIG_OPTIONS,
  async execute(context) {
    const { io } = context;
    const { config, plugins, warnings } = await loadConfigFromFlags(context);
    for (const w of warnings) io.stderr.write(`rds-agent: warning: ${w.key}: ${w.message}\n`);
    const exporters = config.exporters.filter((e) => e.enabled).map((e) => e.type);
    const thirdParty = plugins.filter((p) => p.source !== 'builtin').map((p) => p.name);
    io.stdout.write(
      `config OK: ${config.targets.length} ${config.targets.length === 1 ? 'target' : 'targets'} (${config.targets.map((t) => `${t.name}/${t.transport}`).join(', ')}), ` +
        `exporters: ${exporters.length > 0 ? exporters.join(', ') : 'none enabled'}` +
        `${thirdParty.length > 0 ? `, plugins: ${thirdParty.join(', ')}` : ''}\n`,
    );
    return 0;
  },
});
