// The public surface of every package entry point, as an API report checked into the repository
// (`<package>/api/<entry>.api.md`), so that a change to what plugins and embedders can import shows
// up in review. `npm test` runs `node scripts/api-report.js --check` (fails when a report is stale);
// `npm run api:update` rewrites them. Needs the compiled .d.ts files (`npm run build` first).
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

/** Every entry point a package exports, with the report it gets. */
const ENTRIES = [
  // Core tags every export: @public (the plugin SDK and the testing kit, stable within a major) or
  // @internal (the host, for the rds-agent distribution and embedders; may change in any release).
  { pkg: 'packages/core', entry: 'dist/index.d.ts', report: 'core.api.md', tagged: true },
  { pkg: 'packages/core', entry: 'dist/host.d.ts', report: 'core-host.api.md', tagged: true },
  { pkg: 'packages/core', entry: 'dist/testing/index.d.ts', report: 'core-testing.api.md', tagged: true },
  { pkg: 'packages/rds-ssh-plugin', entry: 'dist/index.d.ts', report: 'rds-ssh-plugin.api.md' },
  { pkg: 'packages/rds-ssh-plugin', entry: 'dist/testing/index.d.ts', report: 'rds-ssh-plugin-testing.api.md' },
  { pkg: 'packages/exporter-prometheus', entry: 'dist/index.d.ts', report: 'exporter-prometheus.api.md' },
  { pkg: 'packages/exporter-otel', entry: 'dist/index.d.ts', report: 'exporter-otel.api.md' },
  { pkg: 'packages/agent', entry: 'dist/index.d.ts', report: 'agent.api.md' },
];

let stale = 0;
let failed = 0;
for (const { pkg, entry, report, tagged } of ENTRIES) {
  const projectFolder = join(root, pkg);
  const reportFolder = join(projectFolder, 'api');
  mkdirSync(reportFolder, { recursive: true });
  const packageJson = JSON.parse(readFileSync(join(projectFolder, 'package.json'), 'utf8'));
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder,
      mainEntryPointFilePath: join(projectFolder, entry),
      compiler: { tsconfigFilePath: join(projectFolder, 'tsconfig.json') },
      apiReport: { enabled: true, reportFolder, reportTempFolder: join(root, '.tmp', 'api-report'), reportFileName: report.replace(/\.api\.md$/, '') },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        // Reports list what is exported; these are style hints, not surface changes.
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-missing-release-tag': { logLevel: tagged ? 'error' : 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: join(projectFolder, 'api-extractor.json'),
    packageJsonFullPath: join(projectFolder, 'package.json'),
    packageJson,
  });
  const problems = [];
  const result = Extractor.invoke(config, {
    localBuild: !check,
    showVerboseMessages: false,
    messageCallback: (m) => {
      m.handled = true;
      // Console messages (report updated, TypeScript version) are not problems.
      if ((m.logLevel === 'error' || m.logLevel === 'warning') && m.category !== 'console') problems.push(`${m.sourceFilePath ?? pkg}:${m.sourceFileLine ?? ''} ${m.messageId}: ${m.text}`);
    },
  });
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) failed++;
  if (!result.succeeded && !result.apiReportChanged) failed++;
  if (result.apiReportChanged) {
    stale++;
    process.stderr.write(`${pkg}/api/${report}: ${check ? 'the public API changed; review it and run `npm run api:update`' : 'updated'}\n`);
  }
}
if (failed > 0) {
  process.stderr.write(`api-report: ${failed} entry point(s) failed to analyse\n`);
  process.exit(1);
}
if (check && stale > 0) process.exit(1);
process.stderr.write(`api-report: ${ENTRIES.length} entry points ${check ? 'match their reports' : 'written'}\n`);
