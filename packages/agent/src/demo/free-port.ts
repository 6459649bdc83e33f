import { createServer } from 'node:net';
import { AgentError, ErrorCode } from '@rds-agent/core';

/** The port the demo's Prometheus exporter uses when `--port` is not given. */
export const DEMO_DEFAULT_PORT = 9464;

/** Binds `port` on 127.0.0.1 and lets it go: the bound port, or the error that refused it. */
function tryListen(port: number): Promise<number | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The port for the demo's exporter on 127.0.0.1. A port asked for with `--port` is used or the
 * demo fails (exit 1, naming it, as `run` does for an exporter port in use): moving silently to
 * another would leave the user looking at the wrong address. `--port 0` asks the OS for a free one;
 * without `--port`, 9464 is used when free, else a free one (the intro prints the URL).
 */
export async function choosePort(requested: number | undefined): Promise<number> {
  if (requested === undefined) {
    const preferred = await tryListen(DEMO_DEFAULT_PORT);
    if (typeof preferred === 'number') return preferred;
  }
  const port = requested ?? 0;
  const got = await tryListen(port);
  if (typeof got === 'number') return got;
  const where = `127.0.0.1:${port}`;
  const why =
    got.code === 'EADDRINUSE'
      ? `${where} is already in use (another agent or demo?)`
      : got.code === 'EACCES'
        ? `${where} needs privileges (ports below 1024)`
        : `cannot listen on ${where}: ${got.code ?? got.message}`;
  throw new AgentError(ErrorCode.EXPORTER_START, `--port ${port}: ${why}; choose another port, or --port 0 for a free one`, { cause: got });
}
