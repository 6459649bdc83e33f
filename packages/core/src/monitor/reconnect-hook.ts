/** What an on-reconnect hook learns about the recovery it follows. @public */
export interface ReconnectInfo {
  readonly target: string;
  /** Time from detection (or start-up) to connected, ms. */
  readonly outageMs: number;
  /** Attempts it took. */
  readonly attempts: number;
  /** True for the first connection after start-up. */
  readonly initial: boolean;
}

/**
 * Runs after each successful (re)connection, so owners can reconcile state that may have drifted
 * while the connection was down (the reference driver's OnReconnect). A hook that throws or rejects
 * is logged and counted (`rds_reconnect_hook_errors_total`), never fatal. Hooks run asynchronously:
 * the monitor does not wait for them before probing.
 *
 * @public
 */
export type ReconnectHook = (info: ReconnectInfo) => void | Promise<void>;

/** @internal */
export interface NamedReconnectHook {
  readonly name: string;
  readonly hook: ReconnectHook;
}
