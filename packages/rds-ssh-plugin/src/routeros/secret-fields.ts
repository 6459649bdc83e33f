import { isBlank, isKeyChar } from './scan.js';

/**
 * Property names whose values are credentials: `/disk` prints `nvme-tcp-server-password` and
 * `nvme-tcp-server-secret`, `/ip/smb/users` prints `password` in clear. Every parser drops such a
 * field as it reads it, so its value never reaches a sample, a label, a log line or a status.
 * Matching on the words (not a fixed list) also covers fields a future RouterOS adds.
 */
const SECRET_WORDS = ['password', 'secret', 'passphrase', 'private-key', 'psk'] as const;

/** True when a property called `key` holds a credential and MUST NOT be kept. */
export function isSecretField(key: string): boolean {
  const k = key.toLowerCase();
  for (const word of SECRET_WORDS) if (k.includes(word)) return true;
  return false;
}

/**
 * `text` with the value of every `key=value` / `key: value` whose key names a secret replaced by
 * `***` (a RouterOS error line can echo the command or item it failed on). Linear: one pass, each
 * key read once.
 */
export function redactSecrets(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (!isKeyChar(text.charCodeAt(i)) || (i > 0 && isKeyChar(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isKeyChar(text.charCodeAt(j))) j++;
    const sep = text.charCodeAt(j);
    if ((sep === 0x3d || sep === 0x3a) && isSecretField(text.slice(i, j))) {
      let v = j + 1;
      while (v < n && text.charCodeAt(v) === 0x20) v++;
      let end = v;
      if (text.charCodeAt(v) === 0x22) {
        end = v + 1;
        while (end < n && text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c ? 2 : 1;
        end = Math.min(n, end + 1);
      } else {
        while (end < n && !isBlank(text.charCodeAt(end)) && text.charCodeAt(end) !== 0x3b) end++;
      }
      out += text.slice(copied, j + 1) + '***';
      copied = end;
      i = end;
      continue;
    }
    i = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
