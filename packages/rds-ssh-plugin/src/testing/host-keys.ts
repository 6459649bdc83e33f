import { createHash, timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';

const { utils } = ssh2;

/** Key types the simulator can generate. RouterOS offers rsa (its default) and ed25519 (7.9+). */
export type SimKeyType = 'ed25519' | 'rsa';

/** A generated OpenSSH key pair: `private` as accepted by ssh2, `public` as one authorized_keys line. */
export interface SimKeyPair {
  readonly private: string;
  readonly public: string;
}

/**
 * Generates a key pair for a host key or a client identity (rsa: 2048 bits, enough for tests).
 * ssh2 1.17's `generateKeyPairSync('ed25519')` drops a leading zero byte of the public key about
 * once in 400 draws, and ssh2 then refuses its own key ("Malformed OpenSSH public key"): draw again.
 */
export function generateKeyPair(type: SimKeyType = 'ed25519'): SimKeyPair {
  for (;;) {
    const pair = type === 'rsa' ? utils.generateKeyPairSync('rsa', { bits: 2048 }) : utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) {
      return { private: pair.private, public: pair.public };
    }
  }
}

/** Parses one key (private or public, OpenSSH/PEM) or throws with a message naming `what`. */
export function parseKeyOrThrow(key: string | Buffer, what: string): ssh2.ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw new Error(`${what}: ${parsed.message}`);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first) throw new Error(`${what}: no key found`);
  return first;
}

/**
 * The OpenSSH fingerprint of a public key blob: `SHA256:` + unpadded base64 of its sha256, as
 * `ssh-keygen -lf` prints it and as a transport's `hostVerifier` sees the raw blob.
 */
export function fingerprintOfBlob(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The fingerprint of a key given as text (private or public). */
export function fingerprintOf(key: string | Buffer): string {
  return fingerprintOfBlob(parseKeyOrThrow(key, 'key').getPublicSSH());
}

/** Constant-time comparison of two buffers of possibly different length. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
