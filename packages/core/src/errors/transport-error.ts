import { ErrorCode, reasonOf } from './codes.js';

/**
 * What a {@link Transport} rejects with. The monitor decides what to do from `code` and `retryable`:
 * retryable errors follow the backoff strategy; permanent ones (auth, host key) are reported with
 * their own reason and never retried faster than the strategy's maximum interval.
 *
 * @public
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** A stable code from {@link ErrorCode}; third-party transports MAY use their own `RDS_AGENT_ERR_*`-style codes. */
  readonly code: string;
  /** Whether retrying soon can help. Auth and host-key mismatch MUST be `false`. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? defaultRetryable(code);
  }

  /** The bounded metric label for this error (`network`, `auth`, ...). */
  get reason(): string {
    return reasonOf(this.code);
  }

  /** Wraps anything thrown into a TransportError (`UNKNOWN`, retryable) unless it already is one. */
  static from(err: unknown, fallbackCode: string = ErrorCode.UNKNOWN): TransportError {
    if (err instanceof TransportError) return err;
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
      return new TransportError(ErrorCode.ABORTED, err.message, { cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new TransportError(fallbackCode, message, { cause: err });
  }
}

function defaultRetryable(code: string): boolean {
  return code !== ErrorCode.AUTH && code !== ErrorCode.HOST_KEY_MISMATCH;
}

/**
 * True when a command's error means the connection itself is gone. Not: a command the device
 * refused (`COMMAND`) or does not know (`UNSUPPORTED`), one its caller abandoned (`ABORTED`), or one that outlived its own deadline
 * (`TIMEOUT`): a slow `/disk print` on a busy RDS is not a dead session, and a hung peer is the
 * bounded probe's call to make.
 *
 * @public
 */
export function isConnectionError(err: unknown): err is TransportError {
  return (
    err instanceof TransportError &&
    err.code !== ErrorCode.COMMAND &&
    err.code !== ErrorCode.UNSUPPORTED &&
    err.code !== ErrorCode.ABORTED &&
    err.code !== ErrorCode.TIMEOUT
  );
}
