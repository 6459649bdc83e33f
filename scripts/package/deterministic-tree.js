// Makes a staged directory tree independent of the machine that built it: modes from a fixed rule
// (not from the umask or from how npm extracted a package), one mtime for every entry.
import { Buffer } from 'node:buffer';
import { chmodSync, lstatSync, lutimesSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every entry under `root`, depth first, names sorted bytewise; paths relative to `root` with `/`.
 * `type` is `dir`, `file` or `symlink`.
 */
export function listTree(root, prefix = '') {
  const entries = [];
  for (const name of readdirSync(join(root, prefix)).sort(bytewise)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = lstatSync(join(root, rel));
    if (st.isSymbolicLink()) entries.push({ path: rel, type: 'symlink', size: 0 });
    else if (st.isDirectory()) {
      entries.push({ path: rel, type: 'dir', size: 0 });
      entries.push(...listTree(root, rel));
    } else if (st.isFile()) entries.push({ path: rel, type: 'file', size: st.size });
    else throw new Error(`${join(root, rel)}: not a file, directory or symlink`);
  }
  return entries;
}

/**
 * Directories 0755; files 0755 when listed in `executables` (paths relative to `root`), 0644
 * otherwise, whatever bits they came with: nothing under node_modules is run directly, so no
 * script there needs an interpreter of its own. Every entry, `root` included, gets mtime `epoch`.
 */
export function normalizeTree(root, { epoch, executables }) {
  const wanted = new Set(executables);
  for (const entry of listTree(root)) {
    const path = join(root, entry.path);
    if (entry.type === 'dir') chmodSync(path, 0o755);
    else if (entry.type === 'file') chmodSync(path, wanted.delete(entry.path) ? 0o755 : 0o644);
    lutimesSync(path, epoch, epoch);
  }
  if (wanted.size > 0) throw new Error(`normalizeTree: executables not found under ${root}: ${[...wanted].join(', ')}`);
  chmodSync(root, 0o755);
  lutimesSync(root, epoch, epoch);
}

function bytewise(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
