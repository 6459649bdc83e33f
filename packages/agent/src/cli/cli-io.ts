/** Standard input as commands read it (`hash-password`); a terminal can be switched to raw mode. */
export type CliStdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

/**
 * What a command talks to, injected so tests (and embedders) can capture output without spawning a
 * process. `main.ts` binds it to the real process.
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  /** Absent where no input can be read (embedders); commands that need it say so. */
  readonly stdin?: CliStdin;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Resolves when the user asks to stop (SIGINT/SIGTERM) and calls `onSignal` for every signal it
   * sees; returns an unsubscribe function. Long-running commands (`run`, `demo`, `status --watch`)
   * use it; the rest ignore it.
   */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

/** The process's own streams and signals. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    onSignal(listener) {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, listener);
      return () => {
        for (const s of signals) process.off(s, listener);
      };
    },
  };
}
