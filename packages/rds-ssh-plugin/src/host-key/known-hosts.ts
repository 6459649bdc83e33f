import { createHmac, timingSafeEqual } from 'node:crypto';
import { fingerprintOf } from './fingerprint.js';

/** One usable host key found in a known_hosts file. */
export interface KnownHostKey {
  readonly type: string;
  readonly fingerprint: string;
}

/** What a known_hosts file says about one host: keys to accept and keys explicitly revoked. */
export interface KnownHostsMatch {
  readonly keys: readonly KnownHostKey[];
  readonly revoked: readonly string[];
}

/** The name OpenSSH looks up: `host` for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Finds the host keys for `host:port` in OpenSSH known_hosts text. Supports comma-separated host
 * patterns with `*`/`?` wildcards and `!` negation, `[host]:port` entries, hashed `|1|salt|hash`
 * entries and the `@revoked` marker. `@cert-authority` lines are skipped: certificates are not
 * supported, so a CA line never pins anything.
 */
export function parseKnownHosts(text: string, host: string, port: number): KnownHostsMatch {
  const name = knownHostsName(host, port);
  const keys: KnownHostKey[] = [];
  const revoked: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) marker = fields.shift();
    if (fields.length < 3) continue;
    const [hosts, type, b64] = fields as [string, string, string];
    if (marker === '@cert-authority') continue;
    if (!hostsFieldMatches(hosts, name)) continue;
    const blob = Buffer.from(b64, 'base64');
    if (blob.length === 0) continue;
    const fingerprint = fingerprintOf(blob);
    if (marker === '@revoked') revoked.push(fingerprint);
    else keys.push({ type, fingerprint });
  }
  return { keys, revoked };
}

function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4) return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = Buffer.from(parts[3]!, 'base64');
  const actual = createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(name);
}
