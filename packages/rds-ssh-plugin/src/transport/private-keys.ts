import { createHash, createPrivateKey } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

const { utils } = ssh2;

/** Why a private key file cannot be used, and which setting to fix. */
export interface KeyProblem {
  readonly key: 'privateKeyFile' | 'passphraseFile';
  readonly message: string;
}

/** Parsed keys kept: one per distinct key file content and passphrase (a fleet shares a few). */
const MAX_KEYS = 256;

/**
 * Parsed (and decrypted) private keys, by a digest of the file's bytes and the passphrase.
 *
 * Decrypting an OpenSSH key runs bcrypt-pbkdf on the event loop: 0.5-0.7 s per key with the
 * default 16 rounds, measured with ssh2 1.17 here. Done on every connect, that froze probes and
 * scrapes of every target for as long, once per reconnect of every target sharing the key. The
 * file is still read on every connect (a rotated key needs no restart); only a changed content or
 * passphrase is parsed again. The cache holds what ssh2 would hold for the connection anyway.
 * (The file name is part of the cache key only because problems name the file.)
 */
export class PrivateKeyCache {
  private readonly keys = new Map<string, ParsedKey | KeyProblem>();

  /**
   * The parsed private key, or the problem with it (never the key's bytes or the passphrase).
   * Problems are kept too: a wrong passphrase costs as much bcrypt as the right one.
   */
  parse(data: Buffer, passphrase: string | undefined, file: string): ParsedKey | KeyProblem {
    const digest = `${digestOf(data, passphrase)} ${file}`;
    const cached = this.keys.get(digest);
    if (cached) return cached;
    const parsed = parsePrivateKey(data, passphrase, file);
    if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(digest, parsed);
    return parsed;
  }

  /** Keys held (for tests). */
  get size(): number {
    return this.keys.size;
  }
}

/** The cache every rds-ssh target of the process shares: config checks warm it for the connects. */
export const sharedPrivateKeys = new PrivateKeyCache();

/** True when `v` is a {@link KeyProblem} rather than a parsed key. */
export function isKeyProblem(v: ParsedKey | KeyProblem): v is KeyProblem {
  return !('getPrivatePEM' in v);
}

function digestOf(data: Buffer, passphrase: string | undefined): string {
  const h = createHash('sha256').update(data);
  if (passphrase !== undefined) h.update('\0').update(passphrase, 'utf8');
  return h.digest('hex');
}

/** ssh2's parse with the mistakes operators make turned into what to do about them. */
function parsePrivateKey(data: Buffer, passphrase: string | undefined, file: string): ParsedKey | KeyProblem {
  const parsed = utils.parseKey(data, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) return problemOf(key?.message ?? 'no key in the file', data, passphrase, file);
  if (!key.isPrivateKey()) {
    return { key: 'privateKeyFile', message: `${file} holds a public key (${key.type}): name the private key file (without .pub)` };
  }
  return key;
}

function problemOf(message: string, data: Buffer, passphrase: string | undefined, file: string): KeyProblem {
  if (/no passphrase given/i.test(message)) {
    return { key: 'passphraseFile', message: `${file} is encrypted: set passphraseFile to a file holding its passphrase` };
  }
  if (/bad passphrase|integrity check failed|decrypt/i.test(message)) {
    return { key: 'passphraseFile', message: `the passphrase does not decrypt ${file}` };
  }
  const text = data.toString('latin1', 0, Math.min(data.length, 4096));
  // ssh2 rejects some public keys as malformed (no comment, or a PEM/RFC 4716 form) before it
  // can say they are public: recognise them by their first line.
  const publicType = /^((?:ssh|ecdsa-sha2|sk-ssh|sk-ecdsa-sha2)-[\w@.-]+) [A-Za-z0-9+/=]+/.exec(text)?.[1];
  if (publicType !== undefined || /^-----BEGIN (?:RSA )?PUBLIC KEY-----|^---- BEGIN SSH2 PUBLIC KEY ----/.test(text)) {
    return { key: 'privateKeyFile', message: `${file} holds a public key${publicType ? ` (${publicType})` : ''}: name the private key file (without .pub)` };
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    return {
      key: 'privateKeyFile',
      message: `${file} is an encrypted PKCS#8 key, which ssh2 cannot read: convert it to the OpenSSH format with \`ssh-keygen -p -f ${file}\``,
    };
  }
  if (text.includes('-----BEGIN PRIVATE KEY-----')) {
    if (pkcs8Type(data) === 'ed25519') {
      return {
        key: 'privateKeyFile',
        message: `${file} is an Ed25519 key in PKCS#8 PEM, which neither ssh2 nor ssh-keygen reads: make an OpenSSH key (\`ssh-keygen -t ed25519 -f <new file>\`) and authorize its .pub on the RDS`,
      };
    }
    return { key: 'privateKeyFile', message: `${file} is a PKCS#8 PEM key, which ssh2 cannot read: convert it to the OpenSSH format with \`ssh-keygen -p -f ${file}\`` };
  }
  return { key: 'privateKeyFile', message: `${file} is not a private key ssh2 can read (OpenSSH, or PEM RSA/ECDSA): ${message}` };
}

function pkcs8Type(data: Buffer): string | undefined {
  try {
    return createPrivateKey({ key: data, format: 'pem' }).asymmetricKeyType;
  } catch {
    return undefined;
  }
}
