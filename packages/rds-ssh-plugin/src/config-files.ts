import { closeSync, openSync, readSync } from 'node:fs';
import type { ConfigIssue } from '@rds-agent/core';
import type { RdsSshConfig } from './config.js';
import { knownHostsName, parseKnownHosts } from './host-key/known-hosts.js';
import { isKeyProblem, sharedPrivateKeys } from './transport/private-keys.js';

/** More than any key, password or known_hosts file an RDS needs; past it the file is not read. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;
const MAX_KNOWN_HOSTS_BYTES = 4 * 1024 * 1024;

/**
 * What the files of one `rds-ssh` target hold, checked when the config is validated (the core has
 * already found them readable): the key parses (and the passphrase decrypts it), a password file
 * has a password, and a known_hosts file knows this host. Messages name files, never contents.
 * The parsed key is kept for the connects (see PrivateKeyCache), so the check costs no extra
 * decryption.
 */
export function checkRdsSshFiles(config: Readonly<RdsSshConfig>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.privateKeyFile) {
    const data = readBounded(config.privateKeyFile, MAX_SECRET_FILE_BYTES);
    const passphrase = config.passphraseFile ? firstLine(readBounded(config.passphraseFile, MAX_SECRET_FILE_BYTES)) : undefined;
    if (data === undefined) issues.push({ key: 'privateKeyFile', message: `${config.privateKeyFile} is larger than ${MAX_SECRET_FILE_BYTES} bytes: not a private key` });
    else if (config.passphraseFile && passphrase === undefined) issues.push({ key: 'passphraseFile', message: `${config.passphraseFile} is larger than ${MAX_SECRET_FILE_BYTES} bytes` });
    else {
      const key = sharedPrivateKeys.parse(data, passphrase, config.privateKeyFile);
      if (isKeyProblem(key)) issues.push({ key: key.key, message: key.message });
    }
  }
  if (config.passwordFile) {
    const data = readBounded(config.passwordFile, MAX_SECRET_FILE_BYTES);
    if (data === undefined) issues.push({ key: 'passwordFile', message: `${config.passwordFile} is larger than ${MAX_SECRET_FILE_BYTES} bytes` });
    else if (firstLine(data) === '') issues.push({ key: 'passwordFile', message: `${config.passwordFile} is empty: its first line is the password` });
  }
  if (config.knownHostsFile && !config.insecureSkipHostKeyCheck) {
    const data = readBounded(config.knownHostsFile, MAX_KNOWN_HOSTS_BYTES);
    if (data === undefined) {
      issues.push({ key: 'knownHostsFile', message: `${config.knownHostsFile} is larger than ${MAX_KNOWN_HOSTS_BYTES} bytes` });
    } else if ((config.hostKeyFingerprints ?? []).length === 0) {
      const found = parseKnownHosts(data.toString('utf8'), config.host, config.port);
      const usable = found.keys.filter((k) => !found.revoked.includes(k.fingerprint));
      // A warning, not an error: the file may be filled in before the first connect.
      if (usable.length === 0) {
        issues.push({
          key: 'knownHostsFile',
          severity: 'warning',
          message: `${config.knownHostsFile} has no usable key for ${knownHostsName(config.host, config.port)}: every connect will fail host-key-mismatch until it has one (\`rds-agent keyscan ${config.host}:${config.port}\`)`,
        });
      }
    }
  }
  return issues;
}

/** The file's bytes, or `undefined` when it holds more than `max`. */
function readBounded(path: string, max: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let got; n <= max && (got = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += got;
    return n > max ? undefined : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function firstLine(data: Buffer | undefined): string | undefined {
  return data === undefined ? undefined : (data.toString('utf8').split(/\r?\n/, 1)[0] ?? '');
}
