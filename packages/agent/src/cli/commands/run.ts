import { CONFIG_OPTIONS, defineCommand, loadConfigFromFlags, type Command } from '../command.js';
import { createCliLogger } from '../../runtime/cli-logger.js';
import { AgentRunner } from '../../runtime/agent-runner.js';

export const runCommand: Command = defineCommand({
  name: 'run',
  summary: 'run the agent (foreground; SIGHUP reloads, SIGTERM stops)',
  help: `Usage: rds-agent run -c <file> [--set key=value ...] [--debug]

Starts the agent: exporters first, then one connection monitor per target.
Logs go to stdout: JSON lines, or human-readable when stdout is a terminal
(or logFormat: pretty).

Options:
  -c, --config <file>   config file (YAML or JSON); default: $RDS_AGENT_CONFIG
  --set key=value       override a setting (dotted key), e.g.
                        --set exporters.prometheus.port=9100 (repeatable);
                        RDS_AGENT_* environment variables work too
  --debug               print stack traces with errors
  -h, --help            show this help

Signals:
  SIGHUP           re-read the config; a valid one is applied (unchanged targets
                   keep their sessions), an invalid one is logged and ignored
  SIGTERM, SIGINT  stop gracefully within shutdownTimeout (sessions closed,
                   exports flushed); a second signal exits at once

Exit codes: 0 stopped cleanly, 1 runtime failure (an exporter cannot start,
the shutdown deadline passed), 2 invalid configuration (nothing started).
`,
  options: CONFIG_OPTIONS,
  async execute(context) {
    const { io } = context;
    // Plugins log while loading; until the config says otherwise, warnings only, in the stream's style.
    const bootLogger = createCliLogger({ level: 'warn', format: 'auto', stream: io.stdout });
    const { reload, ...prepared } = await loadConfigFromFlags(context, bootLogger);
    const logger = createCliLogger({ level: prepared.config.logLevel, format: prepared.config.logFormat, stream: io.stdout });
    for (const w of prepared.warnings) logger.warn({ key: w.key }, `configuration warning: ${w.key}: ${w.message}`);
    const runner = new AgentRunner({
      prepared,
      logger,
      io,
      reloadConfig: () => reload(logger),
    });
    await runner.start();
    return await runner.untilStopped();
  },
});
