import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ConfigIssue } from '../errors/agent-error.js';

const REFERENCE = /\$\{(env|file):([^}]+)\}/g;

/**
 * Replaces `${env:NAME}` and `${file:/path}` in every string of a raw config tree, so secrets stay
 * out of the config file. File contents lose one trailing newline. `$${` escapes a literal `${`.
 * Problems are reported per key; the substituted values are never put into messages.
 *
 * @internal
 */
export function interpolate(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = readSecretFile,
): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const walk = (node: unknown, key: string): unknown => {
    if (typeof node === 'string') return substitute(node, key);
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${key}[${i}]`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, key ? `${key}.${k}` : k)]));
    }
    return node;
  };
  const substitute = (text: string, key: string): string => {
    if (!text.includes('${')) return text;
    const escaped = text.split('$${');
    return escaped
      .map((part) =>
        part.replace(REFERENCE, (_m, kind: string, ref: string) => {
          if (kind === 'env') {
            const value = env[ref];
            if (value === undefined) issues.push({ key, message: `environment variable ${ref} is not set (referenced as \${env:${ref}})` });
            return value ?? '';
          }
          try {
            return readFile(ref).replace(/\r?\n$/, '');
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            issues.push({ key, message: `cannot read file ${ref} (referenced as \${file:...}): ${e.code === 'EFILETYPE' || e.code === 'EFILESIZE' ? e.message : (e.code ?? String(err))}` });
            return '';
          }
        }),
      )
      .join('${');
  };
  return { value: walk(raw, ''), issues };
}

/** The most a `${file:...}` reference may read: secrets and small values, never a disk image. @internal */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/**
 * Reads a file named by `${file:...}`: a regular file only (a device such as /dev/zero, a FIFO or
 * a directory would hang or flood the agent) and at most {@link MAX_REFERENCED_FILE_BYTES}, checked
 * on the open descriptor so the file cannot be swapped or grow between the check and the read.
 */
function readSecretFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EFILETYPE' });
    if (st.size > MAX_REFERENCED_FILE_BYTES) throw Object.assign(new Error(`larger than ${MAX_REFERENCED_FILE_BYTES} bytes`), { code: 'EFILESIZE' });
    const buffer = Buffer.alloc(MAX_REFERENCED_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_REFERENCED_FILE_BYTES) throw Object.assign(new Error(`larger than ${MAX_REFERENCED_FILE_BYTES} bytes`), { code: 'EFILESIZE' });
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
