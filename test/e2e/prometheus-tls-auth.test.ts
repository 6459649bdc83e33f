/**
 * Real peers: TLS and basic auth on the exporter, exercised with node's https client, curl and a
 * Prometheus server; certificates are generated with openssl for each run.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';
import { PrometheusServer, requireBinary } from '../support/prometheus-server.js';

/** bcrypt ($2y$, cost 4 to keep the test fast) of "s3cret", as `htpasswd -nbBC 4 prom s3cret` prints it. */
const BCRYPT_S3CRET = '$2y$04$vNUGgjKZG419My/fhwGndOSw0VTfafOwWkI9Zbodh735Sfj/nMSee';
const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, options: RequestOptions = {}): Promise<Reply> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function selfSigned(dir: string, name: string, cn: string): { cert: string; key: string } {
  const openssl = requireBinary('/usr/bin/openssl', 'openssl');
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { cert, key };
}

/** Runs curl asynchronously (the exporter under test lives in this process: a sync spawn would block it). */
function curl(args: readonly string[]): Promise<{ code: number; status: string; body: string; stderr: string }> {
  const bin = requireBinary('/usr/bin/curl', 'curl');
  return new Promise((resolve) => {
    execFile(bin, ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const nl = stdout.lastIndexOf('\n');
      resolve({ code, status: stdout.slice(nl + 1), body: stdout.slice(0, Math.max(0, nl)), stderr });
    });
  });
}

describe('exporter over TLS with basic auth', { timeout: 120_000 }, () => {
  let dir: string;
  let server: { cert: string; key: string };
  let fx: ExporterFixture;
  let ca: Buffer;
  const auth = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rds-prom-tls-'));
    server = selfSigned(dir, 'server', 'rds-agent');
    ca = await readFile(server.cert);
    fx = await startExporter({
      tls: { certFile: server.cert, keyFile: server.key, clientCaFile: null },
      basicAuth: { users: { prom: BCRYPT_S3CRET, grafana: sha256('other-pass') } },
    });
    fx.target.connect('rds-tls');
  });
  after(async () => {
    await fx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves https only; node https with the right credentials scrapes', async () => {
    assert.match(fx.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ok = await get(`${fx.url}/metrics`, { ca, headers: { authorization: auth('prom', 's3cret') } });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /^rds_connection_state\{target="rds-tls"\} 1$/m);
    const sha = await get(`${fx.url}/status`, { ca, headers: { authorization: auth('grafana', 'other-pass') } });
    assert.equal(sha.status, 200);
    assert.equal(JSON.parse(sha.body).targets[0].target, 'rds-tls');
  });

  it('answers 401 with a Basic challenge to wrong or missing credentials', async () => {
    for (const headers of [{}, { authorization: auth('prom', 'wrong') }, { authorization: auth('nobody', 's3cret') }, { authorization: 'Bearer x' }]) {
      const res = await get(`${fx.url}/metrics`, { ca, headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Basic realm="rds-agent", charset="UTF-8"');
      assert.doesNotMatch(res.body, /rds_/);
    }
  });

  it('rejects clients that do not trust the certificate', async () => {
    await assert.rejects(get(`${fx.url}/metrics`, { headers: { authorization: auth('prom', 's3cret') } }), /self[- ]signed/i);
  });

  it('does not serve plain HTTP on the TLS port', async () => {
    const plainUrl = fx.url.replace('https:', 'http:');
    const outcome = await get(`${plainUrl}/metrics`, { headers: { authorization: auth('prom', 's3cret') } }).then(
      (r) => r,
      (err: Error) => err,
    );
    if (outcome instanceof Error) assert.match(outcome.message, /socket hang up|ECONNRESET|EPIPE/);
    else {
      assert.notEqual(outcome.status, 200);
      assert.doesNotMatch(outcome.body, /rds_connection_state/);
    }
  });

  it('curl: right credentials 200 (gzip), wrong 401, untrusted cert and plain HTTP fail', async () => {
    const ok = await curl(['--cacert', server.cert, '--compressed', '-u', 'prom:s3cret', `${fx.url}/metrics`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.status, '200');
    assert.match(ok.body, /^rds_connection_state\{target="rds-tls"\} 1$/m);
    const wrong = await curl(['--cacert', server.cert, '-u', 'prom:nope', `${fx.url}/metrics`]);
    assert.equal(wrong.status, '401');
    const untrusted = await curl(['-u', 'prom:s3cret', `${fx.url}/metrics`]);
    assert.equal(untrusted.code, 60, `curl exit ${untrusted.code}: ${untrusted.stderr}`); // peer certificate cannot be authenticated
    const plain = await curl(['-u', 'prom:s3cret', `${fx.url.replace('https:', 'http:')}/metrics`]);
    assert.ok(plain.code !== 0 || plain.status !== '200', `plain HTTP got ${plain.status}`);
    assert.doesNotMatch(plain.body, /rds_connection_state/);
  });

  it('a Prometheus server scrapes it with ca_file and basic_auth.password_file', async () => {
    const prom = await PrometheusServer.start([
      { target: fx.hostPort, scheme: 'https', caFile: server.cert, basicAuth: { username: 'prom', password: 's3cret' } },
      { target: fx.hostPort, job: 'rds-agent-wrong-password', scheme: 'https', caFile: server.cert, basicAuth: { username: 'prom', password: 'bad' } },
    ]);
    try {
      await prom.waitForValue('up{job="rds-agent"}', 1);
      await prom.waitForValue('rds_connection_state{job="rds-agent",target="rds-tls"}', 1);
      await prom.waitForValue('up{job="rds-agent-wrong-password"}', 0);
      const wrong = (await prom.targets()).find((t) => t.health === 'down');
      assert.match(wrong?.lastError ?? '', /401/);
    } finally {
      await prom.stop();
    }
  });
});

describe('exporter with mutual TLS (tls.clientCaFile)', { timeout: 60_000 }, () => {
  it('accepts only clients presenting a certificate signed by the client CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rds-prom-mtls-'));
    const server = selfSigned(dir, 'server', 'rds-agent');
    const client = selfSigned(dir, 'client', 'prometheus');
    const stranger = selfSigned(dir, 'stranger', 'stranger');
    const fx = await startExporter({ tls: { certFile: server.cert, keyFile: server.key, clientCaFile: client.cert } });
    try {
      const ca = await readFile(server.cert);
      const ok = await get(`${fx.url}/healthz`, { ca, cert: await readFile(client.cert), key: await readFile(client.key) });
      assert.equal(ok.status, 200);
      await assert.rejects(get(`${fx.url}/healthz`, { ca }), /certificate|socket hang up|ECONNRESET|alert/i);
      await assert.rejects(get(`${fx.url}/healthz`, { ca, cert: await readFile(stranger.cert), key: await readFile(stranger.key) }), /certificate|socket hang up|ECONNRESET|alert/i);
      const curlOk = await curl(['--cacert', server.cert, '--cert', client.cert, '--key', client.key, `${fx.url}/healthz`]);
      assert.equal(curlOk.status, '200', curlOk.stderr);
      const curlNoCert = await curl(['--cacert', server.cert, `${fx.url}/healthz`]);
      assert.notEqual(curlNoCert.code, 0);
    } finally {
      await fx.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
