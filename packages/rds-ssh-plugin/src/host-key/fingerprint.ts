import { createHash } from 'node:crypto';

/**
 * The OpenSSH fingerprint of a raw host key blob (the SSH wire encoding, as ssh2's `hostVerifier`
 * receives it and as known_hosts stores it in base64): `SHA256:` + unpadded base64 of its SHA-256.
 * Equals what `ssh-keygen -lf` prints.
 */
export function fingerprintOf(keyBlob: Buffer | Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside a host key blob (`ssh-ed25519`, `ssh-rsa`, ...), or `unknown`. */
export function keyTypeOf(keyBlob: Buffer | Uint8Array): string {
  const buf = Buffer.from(keyBlob.buffer, keyBlob.byteOffset, keyBlob.byteLength);
  if (buf.length < 4) return 'unknown';
  const len = buf.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > buf.length) return 'unknown';
  const type = buf.toString('latin1', 4, 4 + len);
  return /^[\x21-\x7e]+$/.test(type) ? type : 'unknown';
}
