import { readFileSync } from 'node:fs';
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
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
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
            issues.push({ key, message: `cannot read file ${ref} (referenced as \${file:...}): ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
            return '';
          }
        }),
      )
      .join('${');
  };
  return { value: walk(raw, ''), issues };
}
