// Runs `node --test` on the compiled test files (`*.test.js`) under the given directories, with the
// Node that runs this script. Node 20 searches a directory it is given; Node 22 and later take
// file names and globs only (a directory is run as if it were a module, and its tests are
// silently skipped), so the files are listed here, the same on every supported Node.
//
// Usage: node scripts/run-tests.js [--test-* options] <dir>...
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: node scripts/run-tests.js [--test-* options] <dir>...');
  process.exit(2);
}

/** Every `*.test.js` under `dir`, sorted, `node_modules` skipped. */
function testFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...testFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const files = [];
for (const dir of dirs) {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`run-tests: ${dir} is not a directory (build first: npm run build)`);
    process.exit(2);
  }
  const inDir = testFiles(dir);
  if (inDir.length === 0) {
    console.error(`run-tests: no *.test.js under ${dir}`);
    process.exit(2);
  }
  files.push(...inDir);
}

const run = spawnSync(process.execPath, ['--test', ...options, ...files], { stdio: 'inherit' });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
