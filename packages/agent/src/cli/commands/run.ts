import type { Command } from '../command.js';
import { parseCommandArgs, parseSetFlags, requireConfigPath } from '../parse-args.js';
import { reportError } from '../report-error.js';
import { createCliLogger } from '../../runtime/cli-logger.js';
import { loadAgentConfig } from '../../runtime/load-config.js';
import { AgentRunner } from '../../runtime/agent-runner.js';

export const runCommand: Command = {
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
  async run(args, io) {
    let debug = false;
    let file: string | undefined;
    try {
      const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' }, set: { type: 'string', multiple: true } });
      debug = values.debug === true;
      if (values.help) {
        io.stdout.write(this.help);
        return 0;
      }
      file = requireConfigPath(values.config, io.env);
      const set = parseSetFlags(values.set);
      // Plugins log while loading; until the config says otherwise, warnings only, in the stream's style.
      const bootLogger = createCliLogger({ level: 'warn', format: 'auto', stream: io.stdout });
      const prepared = await loadAgentConfig({ file, set, env: io.env, logger: bootLogger });
      const logger = createCliLogger({ level: prepared.config.logLevel, format: prepared.config.logFormat, stream: io.stdout });
      const runner = new AgentRunner({
        prepared,
        logger,
        io,
        reloadConfig: () => loadAgentConfig({ file: file!, set, env: io.env, logger }),
      });
      await runner.start();
      return await runner.untilStopped();
    } catch (err) {
      return reportError(err, io, { debug, command: 'run', ...(file ? { file } : {}) });
    }
  },
};
