import { readFile, stat } from 'node:fs/promises';
import { ErrorCode, LogEvent, TransportError, type Logger } from '@rds-agent/core';

/**
 * Reads a secret file (key, password, passphrase) fresh on every connect so that rotation needs no
 * restart. Warns once per file when group or others can read it. The content is never logged and
 * never put into an error message; only the path is.
 */
export class SecretFiles {
  private readonly warned = new Set<string>();

  /** `logger` is the target's (bound to it). */
  constructor(private readonly logger: Logger) {}

  async read(key: string, path: string): Promise<Buffer> {
    try {
      const st = await stat(path);
      if ((st.mode & 0o077) !== 0 && !this.warned.has(path)) {
        this.warned.add(path);
        this.logger.warn(
          { event: LogEvent.credentialFileReadable, key, file: path, mode: (st.mode & 0o777).toString(8) },
          `secret file ${path} (${key}) is readable by group or others: chmod 600 it`,
        );
      }
      return await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      // Permanent until an operator fixes the file: retried only at the slowest rate.
      throw new TransportError(ErrorCode.AUTH, `cannot read ${key} ${path}: ${code}`, { retryable: false, cause: err });
    }
  }

  /** The first line of a password/passphrase file, without its line end. */
  async readLine(key: string, path: string): Promise<string> {
    const text = (await this.read(key, path)).toString('utf8');
    return text.split(/\r?\n/, 1)[0] ?? '';
  }
}
