import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { classifySshError } from './classify.js';

function err(message: string, extra: { code?: string; level?: string } = {}): Error {
  return Object.assign(new Error(message), extra);
}

const TABLE: [string, unknown, string, boolean][] = [
  ['auth failure', err('All configured authentication methods failed', { level: 'client-authentication' }), ErrorCode.AUTH, false],
  ['host key refused', err('Host denied (verification failed)', { level: 'handshake' }), ErrorCode.HOST_KEY_MISMATCH, false],
  ['refused', err('connect ECONNREFUSED 127.0.0.1:22', { code: 'ECONNREFUSED', level: 'client-socket' }), ErrorCode.REFUSED, true],
  ['tcp timeout', err('connect ETIMEDOUT 10.0.0.1:22', { code: 'ETIMEDOUT', level: 'client-socket' }), ErrorCode.TIMEOUT, true],
  ['handshake timeout', err('Timed out while waiting for handshake', { level: 'client-timeout' }), ErrorCode.TIMEOUT, true],
  ['keepalive timeout', err('Keepalive timeout', { level: 'client-timeout' }), ErrorCode.TIMEOUT, true],
  ['no common kex', err('Handshake failed: no matching key exchange algorithm', { level: 'handshake' }), ErrorCode.HANDSHAKE, true],
  ['bad banner', err('Bad identification start', { level: 'protocol' }), ErrorCode.HANDSHAKE, true],
  // What ssh2 1.17 throws (no `level`) for banners that are not SSH, as seen against a peer that
  // sends them (test/e2e/fault-matrix-ssh.test.ts): an SSH-1 server, binary noise, one endless line.
  ['SSH-1.5 banner', err('Invalid identification string'), ErrorCode.HANDSHAKE, true],
  ['binary banner', err('Invalid header: expected newline'), ErrorCode.HANDSHAKE, true],
  ['endless banner line', err('Header line too long'), ErrorCode.HANDSHAKE, true],
  ['endless greeting', err('Max greeting lines exceeded'), ErrorCode.HANDSHAKE, true],
  ['protocol', err('Bad packet length 999999', { level: 'protocol' }), ErrorCode.PROTOCOL, true],
  ['reset', err('read ECONNRESET', { code: 'ECONNRESET', level: 'client-socket' }), ErrorCode.NETWORK, true],
  ['unreachable', err('connect EHOSTUNREACH 10.9.9.9:22', { code: 'EHOSTUNREACH' }), ErrorCode.NETWORK, true],
  ['dns', err('getaddrinfo ENOTFOUND rds.invalid', { code: 'ENOTFOUND' }), ErrorCode.NETWORK, true],
  ['pipe', err('write EPIPE', { code: 'EPIPE' }), ErrorCode.NETWORK, true],
  ['socket closed', err('Connection lost before handshake', { level: 'protocol' }), ErrorCode.NETWORK, true],
  ['no response', err('No response from server'), ErrorCode.NETWORK, true],
  ['abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), ErrorCode.ABORTED, true],
  ['unknown', err('something odd'), ErrorCode.UNKNOWN, true],
  ['non-error', 'a string', ErrorCode.UNKNOWN, true],
];

for (const [name, input, code, retryable] of TABLE) {
  test(`classifySshError: ${name} -> ${code}`, () => {
    const out = classifySshError(input);
    assert.ok(out instanceof TransportError);
    assert.equal(out.code, code);
    assert.equal(out.retryable, retryable);
    assert.equal(out.cause, input);
  });
}

test('classifySshError passes a TransportError through unchanged', () => {
  const e = new TransportError(ErrorCode.UNHEALTHY, 'x');
  assert.equal(classifySshError(e), e);
});
