import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransportError } from '../errors/transport-error.js';
import type { Transport } from '../transport/transport.js';
import { realTimeSettle, waitForCondition, withinRealTime } from './wait-for.js';

/** What a {@link transportContract} factory returns: a fresh transport and ways to hurt it. @public */
export interface ContractSubject {
  /** A new, unconnected transport pointed at a working peer. */
  readonly transport: Transport;
  /**
   * Causes a real loss of the current connection as the peer would (the FakeTransport calls
   * `reportLoss()`, an SSH transport's test kills the server side of the connection).
   */
  breakConnection(): Promise<void> | void;
  /**
   * Optional: makes the peer stop answering while keeping the connection up (a hung peer, e.g.
   * SIGSTOP). Enables the "aborting probe" check.
   */
  hangPeer?(): Promise<void> | void;
  /** Optional: sessions open on the peer now; enables the "no session left open" checks. */
  openSessions?(): number | Promise<number>;
  /** Optional: releases the peer (servers, temp files). Called after every check. */
  cleanup?(): Promise<void> | void;
}

/** Tuning for {@link transportContract}; all times are real milliseconds. @public */
export interface TransportContractOptions {
  /** Longest wait for a loss to be reported or a connect to finish. @default 5000 */
  readonly timeoutMs?: number;
  /** What "promptly" means for aborted operations. @default 2000 */
  readonly promptMs?: number;
  /** How long to keep watching for a duplicate `onLost` after the first. @default 100 */
  readonly settleMs?: number;
  /** Fallback for {@link ContractSubject.openSessions}. */
  readonly openSessions?: () => number | Promise<number>;
}

/**
 * Registers a `node:test` suite every {@link Transport} must pass (`describe(\`transport contract:
 * ${name}\`)`). Call it at the top level of a test file:
 *
 * ```ts
 * import { transportContract, FakeTransport } from '@rds-agent/core/testing';
 * transportContract('my-transport', async () => {
 *   const peer = await startTestServer();
 *   return { transport: createMyTransport(peer.address), breakConnection: () => peer.dropClients(), cleanup: () => peer.stop() };
 * });
 * ```
 *
 * Checks: close before connect, close twice and close during a pending connect are safe; connect,
 * probe, close, connect again works;
 * connect then close leaves no session open on the peer (when observable); a loss is reported once
 * per connection through `onLost`, unsubscribing works, and `close()` never reports a loss; probe
 * before connect and after close rejects with a TransportError; probe honours an already-aborted
 * signal, and (with `hangPeer`) an aborting one; connect honours an aborted signal; every rejection is
 * a TransportError. Each check gets a fresh subject from `factory` and cleans it up.
 *
 * @public
 */
export function transportContract(
  name: string,
  factory: () => ContractSubject | Promise<ContractSubject>,
  options: TransportContractOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 5000;
  const promptMs = options.promptMs ?? 2000;
  const settleMs = options.settleMs ?? 100;

  async function withSubject(check: (subject: ContractSubject) => Promise<void>): Promise<void> {
    const subject = await factory();
    try {
      await check(subject);
    } finally {
      await subject.transport.close().catch(() => undefined);
      await subject.cleanup?.();
    }
  }

  async function connect(transport: Transport): Promise<void> {
    await withinRealTime(transport.connect(new AbortController().signal), timeoutMs, 'connect');
  }

  async function expectTransportError(promise: Promise<unknown>, what: string): Promise<TransportError> {
    try {
      await withinRealTime(promise, promptMs, what);
    } catch (err) {
      assert.ok(err instanceof TransportError, `${what} must reject with a TransportError, got ${String(err)}`);
      return err;
    }
    assert.fail(`${what} must reject`);
  }

  async function sessions(subject: ContractSubject): Promise<number | undefined> {
    const count = subject.openSessions ?? options.openSessions;
    return count ? await count() : undefined;
  }

  describe(`transport contract: ${name}`, () => {
    it('close() before connect() resolves', () =>
      withSubject(async ({ transport }) => {
        await withinRealTime(transport.close(), promptMs, 'close before connect');
      }));

    it('close() twice resolves', () =>
      withSubject(async ({ transport }) => {
        await connect(transport);
        await withinRealTime(transport.close(), promptMs, 'first close');
        await withinRealTime(transport.close(), promptMs, 'second close');
      }));

    it('connect(), probe(), close(), then connect() again works', () =>
      withSubject(async ({ transport }) => {
        await connect(transport);
        await withinRealTime(transport.probe(new AbortController().signal), timeoutMs, 'probe after connect');
        await transport.close();
        await connect(transport);
        await withinRealTime(transport.probe(new AbortController().signal), timeoutMs, 'probe after reconnect');
      }));

    it('connect() then close() leaves no session open on the peer', (t) =>
      withSubject(async (subject) => {
        if ((await sessions(subject)) === undefined) {
          t.skip('openSessions() not provided');
          return;
        }
        await connect(subject.transport);
        assert.equal(await sessions(subject), 1, 'one session while connected');
        await subject.transport.close();
        // Peers learn about a close asynchronously: give them a bounded moment.
        let open = await sessions(subject);
        for (let waited = 0; open !== 0 && waited < timeoutMs; waited += 25) {
          await realTimeSettle(25);
          open = await sessions(subject);
        }
        assert.equal(open, 0);
      }));

    it('close() during a pending connect() is safe: the connect settles promptly and nothing stays open', () =>
      withSubject(async (subject) => {
        const { transport } = subject;
        const connecting = transport.connect(new AbortController().signal);
        const outcome = connecting.then(
          () => 'connected',
          (err: unknown) => err,
        );
        await withinRealTime(transport.close(), promptMs, 'close during connect');
        const settled = await withinRealTime(outcome, timeoutMs, 'the interrupted connect');
        if (settled !== 'connected') assert.ok(settled instanceof TransportError, `an interrupted connect rejects with a TransportError, got ${String(settled)}`);
        // Whichever way it settled, a close now leaves nothing open and the transport is reusable.
        await transport.close();
        let open = await sessions(subject);
        for (let waited = 0; open !== undefined && open !== 0 && waited < timeoutMs; waited += 25) {
          await realTimeSettle(25);
          open = await sessions(subject);
        }
        if (open !== undefined) assert.equal(open, 0);
        await connect(transport);
        await withinRealTime(transport.probe(new AbortController().signal), timeoutMs, 'probe after the interrupted connect');
      }));

    it('reports a loss once per connection through onLost, and unsubscribing works', () =>
      withSubject(async (subject) => {
        const { transport } = subject;
        await connect(transport);
        const seen: unknown[] = [];
        let unsubscribedCalls = 0;
        transport.onLost((err) => seen.push(err));
        const unsubscribe = transport.onLost(() => (unsubscribedCalls += 1));
        unsubscribe();
        await subject.breakConnection();
        await waitForCondition(() => seen.length > 0, { timeoutMs, description: 'onLost after breakConnection()' });
        await realTimeSettle(settleMs);
        assert.equal(seen.length, 1, 'onLost fires once per connection');
        assert.ok(seen[0] instanceof TransportError, 'onLost passes a TransportError');
        assert.equal(unsubscribedCalls, 0, 'an unsubscribed listener is not called');

        // A new connection can be lost again, and is reported again (once).
        await transport.close();
        await connect(transport);
        await subject.breakConnection();
        await waitForCondition(() => seen.length > 1, { timeoutMs, description: 'onLost for the second connection' });
        await realTimeSettle(settleMs);
        assert.equal(seen.length, 2);
      }));

    it('close() does not report a loss', () =>
      withSubject(async ({ transport }) => {
        await connect(transport);
        let calls = 0;
        transport.onLost(() => (calls += 1));
        await transport.close();
        await realTimeSettle(settleMs);
        assert.equal(calls, 0);
      }));

    it('probe() before connect() rejects with a TransportError', () =>
      withSubject(async ({ transport }) => {
        await expectTransportError(transport.probe(new AbortController().signal), 'probe before connect');
      }));

    it('probe() after close() rejects with a TransportError', () =>
      withSubject(async ({ transport }) => {
        await connect(transport);
        await transport.close();
        await expectTransportError(transport.probe(new AbortController().signal), 'probe after close');
      }));

    it('probe() honours an already-aborted signal', () =>
      withSubject(async ({ transport }) => {
        await connect(transport);
        const controller = new AbortController();
        controller.abort();
        await expectTransportError(transport.probe(controller.signal), 'probe with an aborted signal');
      }));

    it('probe() on a hung peer rejects promptly when its signal aborts', (t) =>
      withSubject(async (subject) => {
        if (!subject.hangPeer) {
          t.skip('hangPeer() not provided');
          return;
        }
        await connect(subject.transport);
        await subject.hangPeer();
        const controller = new AbortController();
        const probing = subject.transport.probe(controller.signal);
        probing.catch(() => undefined);
        await realTimeSettle(Math.min(settleMs, 50));
        controller.abort();
        await expectTransportError(probing, 'probe aborted on a hung peer');
      }));

    it('connect() honours an already-aborted signal and leaves nothing open', () =>
      withSubject(async (subject) => {
        const controller = new AbortController();
        controller.abort();
        await expectTransportError(subject.transport.connect(controller.signal), 'connect with an aborted signal');
        const open = await sessions(subject);
        if (open !== undefined) assert.equal(open, 0);
        // ...and the transport is still usable.
        await connect(subject.transport);
      }));
  });
}
