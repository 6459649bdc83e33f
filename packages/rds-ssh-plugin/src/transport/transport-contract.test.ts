import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SystemClock, silentLogger, transportContract } from '@rds-agent/core/testing';
import { generateKeyPair, startRdsSimulator } from '../testing/index.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { RdsSshTransport } from './rds-ssh-transport.js';



async function subject(options: { keepaliveInterval: number }) {
  const client = generateKeyPair();
  const sim = await startRdsSimulator({ hostKey: generateKeyPair().private, users: [{ username: 'admin', publicKey: client.public }] });
  const dir = mkdtempSync(join(tmpdir(), 'rds-ssh-contract-'));
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
  const transport = new RdsSshTransport(
    simTargetConfig(sim, keyFile, { keepaliveInterval: options.keepaliveInterval }),
    { target: 'contract', logger: silentLogger(), clock: new SystemClock(), random: { next: () => 0.5 } },
  );
  return {
    transport,
    breakConnection: () => void sim.dropAllConnections(),
    hangPeer: () => sim.freeze(true),
    openSessions: () => sim.openConnections,
    cleanup: async () => {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

transportContract('rds-ssh (command probes) against the RouterOS simulator', () => subject({ keepaliveInterval: 0 }));
transportContract('rds-ssh (keepalive+command probes) against the RouterOS simulator', () => subject({ keepaliveInterval: 30_000 }));
