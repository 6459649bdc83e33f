import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { SystemClock, SystemRandom, silentLogger, transportContract, waitForCondition } from '@rds-agent/core/testing';
import plugin, { TCP_TRANSPORT, tcpTransportDefinition, validateTcpConfig, type TcpTransportConfig } from './index.js';

/** A loopback TCP peer: optionally greets, optionally echoes, and can hang or drop its clients. */
interface Peer {
  readonly port: number;
  readonly sockets: Set<Socket>;
  hung: boolean;
  close(): Promise<void>;
}

async function startPeer(options: { greeting?: string; echo?: boolean } = {}): Promise<Peer> {
  const sockets = new Set<Socket>();
  const peer = { hung: false } as Peer & { hung: boolean };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.greeting) socket.write(options.greeting);
    socket.on('data', (chunk) => {
      if (options.echo && !peer.hung) socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(peer, {
    port: (server.address() as { port: number }).port,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function config(port: number, extra: Partial<TcpTransportConfig> = {}): TcpTransportConfig {
  return { host: '127.0.0.1', port, expect: '', probePayload: '', keepAlive: 10_000, ...extra };
}

const context = { target: 't1', logger: silentLogger(), clock: new SystemClock(), random: new SystemRandom() };

async function subject(extra: Partial<TcpTransportConfig>, peerOptions: { greeting?: string; echo?: boolean }) {
  const peer = await startPeer(peerOptions);
  return {
    transport: tcpTransportDefinition.create(config(peer.port, extra), context),
    breakConnection: () => {
      for (const s of peer.sockets) s.destroy();
    },
    openSessions: () => peer.sockets.size,
    ...(extra.probePayload ? { hangPeer: () => void (peer.hung = true) } : {}),
    cleanup: () => peer.close(),
  };
}

// The shared suite every transport passes, in both probe modes.
transportContract('tcp (socket probe)', () => subject({}, {}));
transportContract('tcp (echo probe, SSH-style greeting)', () => subject({ expect: 'SSH-', probePayload: 'ping\n' }, { greeting: 'SSH-2.0-test\r\n', echo: true }));

describe('tcp transport', () => {
  const peers: Peer[] = [];
  after(async () => {
    for (const p of peers) await p.close();
  });

  it('reports a refused port as RDS_AGENT_ERR_REFUSED (retryable)', async () => {
    const peer = await startPeer();
    const port = peer.port;
    await peer.close(); // nothing listens there any more
    const t = tcpTransportDefinition.create(config(port), context);
    await assert.rejects(t.connect(new AbortController().signal), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.equal(err.code, ErrorCode.REFUSED);
      assert.equal(err.retryable, true);
      return true;
    });
  });

  it('waits for the expected greeting and fails the connect deadline when it never comes', async () => {
    const peer = await startPeer(); // accepts, says nothing
    peers.push(peer);
    const t = tcpTransportDefinition.create(config(peer.port, { expect: 'SSH-' }), context);
    await assert.rejects(t.connect(AbortSignal.timeout(200)), (err: unknown) => err instanceof TransportError && err.code === ErrorCode.TIMEOUT);
    // Nothing left open on the peer: the half-open attempt was destroyed.
    await waitForCondition(() => peer.sockets.size === 0, { timeoutMs: 2000, description: 'peer sees the aborted socket close' });
  });

  it('an echo probe measures a round trip; the socket probe reports its mode', async () => {
    const peer = await startPeer({ echo: true });
    peers.push(peer);
    const echo = tcpTransportDefinition.create(config(peer.port, { probePayload: 'x' }), context);
    await echo.connect(new AbortController().signal);
    const r = await echo.probe(new AbortController().signal);
    assert.equal(r.mode, 'echo');
    assert.ok(typeof r.latencyMs === 'number' && r.latencyMs >= 0);
    await echo.close();
    const plain = tcpTransportDefinition.create(config(peer.port), context);
    await plain.connect(new AbortController().signal);
    assert.deepEqual(await plain.probe(new AbortController().signal), { mode: 'socket' });
    await plain.close();
  });

  it('validates options: port 0 is rejected with its key', () => {
    assert.deepEqual(
      validateTcpConfig(config(0)).map((i) => i.key),
      ['port'],
    );
  });

  it('is a well-formed plugin that registers transport "tcp"', async () => {
    assert.equal(plugin.name, 'rds-agent-plugin-tcp');
    assert.equal(plugin.apiVersion, '^0.2.0');
    const added: string[] = [];
    await plugin.register(
      {
        logger: silentLogger(),
        addTransport: (type: string) => void added.push(type),
        addExporter: () => undefined,
        addBackoff: () => undefined,
        addReconnectHook: () => undefined,
        onClose: () => undefined,
      },
      {},
    );
    assert.deepEqual(added, [TCP_TRANSPORT]);
  });
});
