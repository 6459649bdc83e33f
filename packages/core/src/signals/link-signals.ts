import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';

/** A signal that aborts when any of several does, and a way to release it. @public */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /**
   * Releases the link: stops following the sources and aborts the linked signal (reason
   * `ABORTED: operation finished`) if nothing aborted it yet, so waits on it (a timeout sleep) end.
   * Call it when the operation settles.
   */
  dispose(): void;
}

/**
 * The reason a link released by `dispose()` aborts with: one shared instance, because a link is
 * made per probe and per command, and building an Error (a stack trace) each time was a few % of
 * a loaded agent's CPU at 1,000 targets.
 */
const OPERATION_FINISHED = new TransportError(ErrorCode.ABORTED, 'operation finished');

/**
 * One signal that aborts as soon as any of `signals` does, with a reason chosen per source:
 * `reasonFor(source)` (e.g. the probe deadline's TIMEOUT for the caller's signal, the connection's
 * loss for the connection's life signal). A source already aborted aborts it at once.
 *
 * Why not `AbortSignal.any`: it cannot give a reason per source, and on Node 20 each composite stays
 * referenced by a long-lived source (a connection's life signal) after it is done with: 800,000
 * probe-sized links grew the heap by ~41 MB. Here every listener is removed on `dispose()`.
 *
 * @public
 */
export function linkSignals(signals: readonly AbortSignal[], reasonFor: (source: AbortSignal) => unknown): LinkedSignal {
  const controller = new AbortController();
  const listeners: [AbortSignal, () => void][] = [];
  const unlink = (): void => {
    for (const [source, listener] of listeners) source.removeEventListener('abort', listener);
    listeners.length = 0;
  };
  for (const source of signals) {
    if (source.aborted) {
      unlink();
      controller.abort(reasonFor(source));
      break;
    }
    const listener = (): void => {
      unlink();
      controller.abort(reasonFor(source));
    };
    listeners.push([source, listener]);
    source.addEventListener('abort', listener, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => {
      unlink();
      if (!controller.signal.aborted) controller.abort(OPERATION_FINISHED);
    },
  };
}

/**
 * The TransportError an aborted operation rejects with: the signal's reason when it already is one
 * (a deadline's TIMEOUT, a connection's loss), `TIMEOUT` for an `AbortSignal.timeout()` that
 * fired, else `ABORTED` naming `what` was aborted.
 *
 * @public
 */
export function abortedError(signal: AbortSignal, what: string): TransportError {
  const reason: unknown = signal.reason;
  if (reason instanceof TransportError) return reason;
  if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') return new TransportError(ErrorCode.TIMEOUT, `${what} timed out`, { cause: reason });
  return new TransportError(ErrorCode.ABORTED, `${what} aborted`, { cause: reason });
}
