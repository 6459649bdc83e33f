import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import { abortedError, linkSignals } from './link-signals.js';

describe('linkSignals', () => {
  it('aborts with the reason chosen for the source that aborted first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const link = linkSignals([a.signal, b.signal], (s) => (s === a.signal ? 'from-a' : 'from-b'));
    b.abort();
    a.abort();
    assert.equal(link.signal.reason, 'from-b');
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort();
    assert.equal(linkSignals([new AbortController().signal, a.signal], () => 'x').signal.reason, 'x');
  });

  it('dispose removes every listener from the sources and releases waits on the link', () => {
    const life = new AbortController();
    let added = 0;
    let removed = 0;
    const add = life.signal.addEventListener.bind(life.signal);
    const remove = life.signal.removeEventListener.bind(life.signal);
    life.signal.addEventListener = ((...args: Parameters<typeof add>) => (added++, add(...args))) as typeof add;
    life.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (removed++, remove(...args))) as typeof remove;
    const link = linkSignals([life.signal], () => 'lost');
    link.dispose();
    assert.equal(added, removed, 'no listener outlives the operation');
    assert.ok(link.signal.aborted);
    assert.equal((link.signal.reason as TransportError).code, ErrorCode.ABORTED);
    life.abort();
    assert.equal((link.signal.reason as TransportError).code, ErrorCode.ABORTED, 'a later source abort changes nothing');
  });
});

describe('abortedError', () => {
  it("keeps a TransportError reason, wraps anything else as ABORTED naming what was aborted", () => {
    const timeout = new TransportError(ErrorCode.TIMEOUT, 'deadline');
    const a = new AbortController();
    a.abort(timeout);
    assert.equal(abortedError(a.signal, 'probe'), timeout);
    const b = new AbortController();
    b.abort();
    const err = abortedError(b.signal, 'probe');
    assert.equal(err.code, ErrorCode.ABORTED);
    assert.match(err.message, /probe aborted/);
  });
});
