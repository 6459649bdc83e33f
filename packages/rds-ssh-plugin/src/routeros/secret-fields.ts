import { isKeyChar } from './scan.js';

/**
 * Property names whose values are credentials: `/disk` prints `nvme-tcp-server-password` and
 * `nvme-tcp-server-secret`, `/ip/smb/users` prints `password` in clear. Every parser drops such a
 * field as it reads it, so its value never reaches a sample, a label, a log line or a status.
 * Matching on the words (not a fixed list) also covers fields a future RouterOS adds.
 */
const SECRET_WORDS = ['password', 'secret', 'passphrase', 'private-key', 'psk'] as const;

/** Any secret word, for a quick look before the exact checks (one linear scan). */
const ANY_SECRET_WORD = /pass|secret|private-key|psk/i;

/** False when `text` holds no secret word at all: its keys and values need no closer look. */
export function mayHoldSecret(text: string): boolean {
  return ANY_SECRET_WORD.test(text);
}

/** Answers for the keys seen so far (a listing repeats a few dozen keys thousands of times); bounded. */
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 4096;

/** True when a property called `key` holds a credential and MUST NOT be kept. */
export function isSecretField(key: string): boolean {
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  let secret = false;
  if (ANY_SECRET_WORD.test(key)) {
    const k = key.toLowerCase();
    for (const word of SECRET_WORDS) if (k.includes(word)) secret = true;
  }
  if (verdicts.size < MAX_VERDICTS && key.length <= 64) verdicts.set(key, secret);
  return secret;
}

/**
 * A kept value with any `secret-key=value` text inside it redacted: hostile or glued output
 * (`name=xnvme-tcp-server-password="..."`) must not smuggle a credential in under another key.
 * Values without a secret word are returned as they are (one case-insensitive scan each).
 */
export function scrubValue(value: string): string {
  // Shorter than `psk=` cannot hold a key and a value: most values (numbers, yes/no) stop here.
  return value.length > 4 && ANY_SECRET_WORD.test(value) ? redactSecrets(value) : value;
}

/**
 * `text` with everything after a credential key (`...password=`, `...secret: `) up to the end of
 * its line replaced by `***`. The rest of the line is cut, not parsed: in glued or hostile output
 * the value's end cannot be known (`secret=x"y" z` or `password: xpassword: y`). Linear: one pass.
 */
export function redactSecrets(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || !isKeyChar(c) || (i > 0 && isKeyChar(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isKeyChar(text.charCodeAt(j))) j++;
    const sep = text.charCodeAt(j);
    if ((sep === 0x3d || sep === 0x3a) && isSecretField(text.slice(i, j))) {
      let end = text.indexOf('\n', j);
      if (end < 0) end = n;
      out += text.slice(copied, j + 1) + '***';
      copied = end;
      i = end;
      continue;
    }
    i = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
