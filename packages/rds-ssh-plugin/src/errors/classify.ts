import { ErrorCode, TransportError } from '@rds-agent/core';

interface Rule {
  readonly code: string;
  /** Matches `err.code` (Node system errors) or the message. */
  readonly codes?: readonly string[];
  readonly message?: RegExp;
  readonly levels?: readonly string[];
}

/**
 * Ordered: the first rule that matches wins. Host-key and auth rules come first because they are
 * permanent and must never be hidden behind a generic network reading of the same failure.
 */
const RULES: readonly Rule[] = [
  { code: ErrorCode.HOST_KEY_MISMATCH, message: /Host denied \(verification failed\)|host key (mismatch|verification)/i },
  {
    code: ErrorCode.AUTH,
    levels: ['client-authentication'],
    message: /All configured authentication methods failed|authentication failed|permission denied/i,
  },
  { code: ErrorCode.REFUSED, codes: ['ECONNREFUSED'] },
  {
    code: ErrorCode.TIMEOUT,
    codes: ['ETIMEDOUT', 'ESOCKETTIMEDOUT'],
    levels: ['client-timeout'],
    message: /Timed out while waiting for handshake|Keepalive timeout|timed out/i,
  },
  {
    code: ErrorCode.HANDSHAKE,
    levels: ['handshake'],
    // The anchored alternatives are what ssh2 throws, without a `level`, for a banner that is not SSH.
    message:
      /no matching|Handshake failed|bad (identification|banner)|Bad identification start|protocol version|unsupported protocol|^(Invalid identification string|Invalid header: expected newline|Header line too long|Max greeting lines exceeded)$/i,
  },
  {
    code: ErrorCode.NETWORK,
    codes: ['ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EADDRNOTAVAIL'],
    levels: ['client-socket', 'client-dns'],
    message: /socket (hang up|closed)|Connection lost|No response from server|Not connected|ECONNRESET|EPIPE/i,
  },
  { code: ErrorCode.PROTOCOL, levels: ['protocol'], message: /protocol|Bad packet|Invalid packet|HMAC|decrypt/i },
];

/**
 * Maps whatever ssh2 or the socket threw to a {@link TransportError} with a stable code:
 * auth and host-key failures are permanent (`retryable: false`); refused, timeout, handshake,
 * protocol and network failures are retryable; anything else is `UNKNOWN` (retryable).
 * A TransportError passes through unchanged.
 */
export function classifySshError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new TransportError(ErrorCode.ABORTED, err.message, { cause: err });
  }
  const e = (err ?? {}) as { code?: unknown; level?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const level = typeof e.level === 'string' ? e.level : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  // Codes and messages are precise; ssh2's `level` tag is the fallback.
  for (const rule of RULES) {
    if ((code !== undefined && rule.codes?.includes(code)) || rule.message?.test(message)) {
      return new TransportError(rule.code, message, { cause: err });
    }
  }
  for (const rule of RULES) {
    if (level !== undefined && rule.levels?.includes(level)) return new TransportError(rule.code, message, { cause: err });
  }
  return new TransportError(ErrorCode.UNKNOWN, message, { cause: err });
}
