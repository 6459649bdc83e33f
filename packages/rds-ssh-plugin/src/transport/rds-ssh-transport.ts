import { Socket } from 'node:net';
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, Client as SshClient, ConnectConfig, ParsedKey } from 'ssh2';
import {
  ErrorCode,
  LogEvent,
  TransportError,
  isConnectionError,
  type CommandRunner,
  type ProbeResult,
  type RunOptions,
  type TelemetryInput,
  type TelemetryReading,
  type TelemetrySample,
  type TelemetrySource,
  type Transport,
  type TransportContext,
  type TransportDescriber,
  abortedError,
  linkSignals,
} from '@rds-agent/core';
import type { RdsSshConfig } from '../config.js';
import { classifySshError } from '../errors/classify.js';
import { fingerprintOf, keyTypeOf } from '../host-key/fingerprint.js';
import { knownHostsName, parseKnownHosts } from '../host-key/known-hosts.js';
import { createRouterOsInputs } from '../inputs/create-inputs.js';
import type { InputSettings } from '../inputs/input-settings.js';
import type { RouterOsInput } from '../inputs/routeros-input.js';
import { RouterOsSession } from '../inputs/routeros-session.js';
import { findRouterOsError, isUnsupportedCommandError } from '../routeros/error-text.js';
import { redactSecrets } from '../routeros/secret-fields.js';
import { ChannelGate, type ChannelKind } from '../runner/channel-gate.js';
import { execCommand, isChannelOpenFailure, type ExecResult } from '../runner/exec-command.js';
import { isKeyProblem, sharedPrivateKeys } from './private-keys.js';
import { SecretFiles } from './secret-files.js';

const { Client } = ssh2;

/** Unanswered keepalives in a row that mean the peer is hung (ssh2's own default is 3). */
export const KEEPALIVE_COUNT_MAX = 3;
/** Deadline of a command run without `timeoutMs`: a RouterOS monitor command without `once` never ends. */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
/**
 * A channel refused right after one of ours closed is tried again this many times, after 20, 40
 * and 80 ms: long enough for sshd to process the close (it takes a few ms), short enough that a
 * session that truly cannot open channels is still reported within a probe's deadline.
 */
const CLOSING_RETRIES = 3;
const CLOSING_RETRY_MS = 20;
/**
 * Abort listeners one connection's signal may carry: one per input running and per command
 * running or waiting for a channel (the device's session limit queues them), all removed when
 * they finish. Node warns past 10, which a busy connection reaches without leaking anything.
 */
const CONNECTION_LISTENERS_MAX = 1024;

/** Why a finished telemetry run's deadline timer is cancelled (shared: no stack trace per run). */
const RUN_FINISHED = new TransportError(ErrorCode.ABORTED, 'telemetry run finished');

/** `command`: every probe runs `probeCommand`. `keepalive+command`: keepalive round-trips, a command every `commandProbeInterval`. */
export type ProbeMode = 'command' | 'keepalive+command';

/** Everything one SSH connection owns; dropped as a whole on close or loss. */
interface Connection {
  readonly id: number;
  readonly client: SshClient;
  readonly socket: Socket;
  /** Aborted when the connection ends: stops the keepalive loop, channel waits and running commands. */
  readonly life: AbortController;
  /** Caps and orders the exec channels; opens them one at a time; gives probes priority. */
  readonly gate: ChannelGate;
  established: boolean;
  /** Set when the transport itself is ending the connection: no onLost then. */
  closing: boolean;
  lost?: TransportError;
  keepalive: 'unknown' | 'supported' | 'unsupported';
  /** What the telemetry inputs learned about the device on this connection (JSON support, packages, ...). */
  session?: RouterOsSession;
}

/** One configured input, and the stable {@link TelemetryInput} the agent schedules. */
interface ConfiguredInput {
  readonly input: RouterOsInput;
  readonly settings: InputSettings;
  readonly telemetry: TelemetryInput;
}

/** Private ssh2 client internals used for a keepalive round-trip with a reply callback (ssh2 1.17 pinned). */
interface Ssh2Internals {
  _protocol?: { ping?: () => void };
  _callbacks?: ((hadErr: unknown) => void)[];
}

/**
 * The `rds-ssh` transport: one kept SSH connection to a RouterOS / ROSE Data Server, host key
 * verified on every connect, event-driven loss detection, bounded probes and a command runner.
 * See the package README for the probe modes and their cost on the device.
 */
export class RdsSshTransport implements Transport, CommandRunner, TransportDescriber, TelemetrySource {
  private conn: Connection | undefined;
  private pendingConnect: AbortController | undefined;
  private readonly lostListeners = new Set<(err: TransportError) => void>();
  private readonly secrets: SecretFiles;
  private nextId = 1;
  private lastCommandProbeAt = Number.NEGATIVE_INFINITY;
  private insecureWarned = false;
  private keepaliveSupported: boolean | undefined;
  private readonly inputs: readonly ConfiguredInput[];
  private readonly inputList: readonly TelemetryInput[];

  constructor(
    private readonly config: Readonly<RdsSshConfig>,
    private readonly context: TransportContext,
  ) {
    this.secrets = new SecretFiles(context.logger);
    this.inputs = createRouterOsInputs(config).map(({ input, settings }) => ({
      input,
      settings,
      telemetry: Object.freeze({
        name: input.name,
        intervalMs: settings.interval,
        timeoutMs: settings.timeout,
        collect: (signal: AbortSignal) => this.collectInput(input, signal),
      }),
    }));
    this.inputList = Object.freeze(this.inputs.map((i) => i.telemetry));
  }

  describe(): Readonly<Record<string, string>> {
    return {
      host: this.config.host,
      port: String(this.config.port),
      host_key_verification: this.config.insecureSkipHostKeyCheck ? 'disabled' : 'pinned',
      probe_mode: this.probeMode(),
    };
  }

  /**
   * The enabled RouterOS inputs (`options.inputs`), the same objects on every call. Each
   * `collect` runs on the connection current at the call (rejecting `NOT_CONNECTED` when there is
   * none) and never opens one; see {@link TelemetryInput} for the errors.
   */
  telemetryInputs(): readonly TelemetryInput[] {
    return this.inputList;
  }

  /** The probe mode in use: `keepalive+command` only when keepalives are on and the peer answered them. */
  probeMode(): ProbeMode {
    return this.config.keepaliveInterval > 0 && this.keepaliveSupported !== false ? 'keepalive+command' : 'command';
  }

  onLost(listener: (err: TransportError) => void): () => void {
    this.lostListeners.add(listener);
    return () => {
      this.lostListeners.delete(listener);
    };
  }

  async connect(signal: AbortSignal): Promise<void> {
    // Close-before-reconnect: the old session never leaks on the RDS.
    await this.close();
    const attempt = new AbortController();
    this.pendingConnect = attempt;
    const forward = (): void => attempt.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    try {
      const conn = await this.open(attempt.signal);
      try {
        if (this.config.keepaliveInterval > 0) await this.calibrateKeepalive(conn, attempt.signal);
        if (attempt.signal.aborted) throw abortedError(attempt.signal, 'connect');
        if (conn.lost) throw conn.lost;
      } catch (err) {
        this.teardown(conn, classifySshError(err));
        throw classifySshError(err);
      }
      this.conn = conn;
      if (conn.keepalive === 'supported') void this.keepaliveLoop(conn);
    } finally {
      signal.removeEventListener('abort', forward);
      if (this.pendingConnect === attempt) this.pendingConnect = undefined;
      attempt.abort(); // releases the connect deadline timer
    }
  }

  async close(): Promise<void> {
    const pending = this.pendingConnect;
    this.pendingConnect = undefined;
    pending?.abort(new TransportError(ErrorCode.ABORTED, 'transport closed during connect'));
    const conn = this.conn;
    this.conn = undefined;
    if (conn) this.teardown(conn, new TransportError(ErrorCode.NOT_CONNECTED, 'transport closed'));
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    const conn = this.live();
    const started = this.context.clock.now();
    const mode = this.probeMode();
    const deadline = linkSignals(
      [signal, conn.life.signal],
      (s) => (s === signal ? probeTimeout(signal) : conn.lost ?? new TransportError(ErrorCode.NOT_CONNECTED, 'connection closed during probe')),
    );
    try {
      const commandDue = started - this.lastCommandProbeAt >= this.config.commandProbeInterval;
      if (mode === 'keepalive+command' && conn.keepalive === 'supported' && !commandDue) {
        await this.ping(conn, deadline.signal).promise;
      } else {
        await this.commandProbe(conn, deadline.signal);
        this.lastCommandProbeAt = this.context.clock.now();
      }
      return { latencyMs: this.context.clock.now() - started, mode };
    } finally {
      deadline.dispose();
    }
  }

  async run(command: string, options: RunOptions = {}): Promise<string> {
    return this.runOn(this.live(), command, options);
  }

  /**
   * Runs every enabled input once, one after the other, each under its own timeout, and returns
   * their samples together (for callers that collect in one go; the agent schedules
   * {@link telemetryInputs} one by one). An input the device refuses or does not support, or that
   * passes its timeout, is skipped and logged at debug; the call rejects with the first such error
   * only when nothing at all could be read. Connection-class errors, and the aborted `signal` (its
   * TransportError reason, else `ABORTED`), reject at once.
   */
  async collect(signal: AbortSignal): Promise<readonly TelemetrySample[]> {
    const conn = this.live();
    const samples: TelemetrySample[] = [];
    let firstError: TransportError | undefined;
    for (const { input, settings } of this.inputs) {
      if (signal.aborted) throw abortedError(signal, 'telemetry collection');
      const deadline = new AbortController();
      // Errors are built only when needed: a stack trace per run is measurable at 1,000 targets.
      const timeout = (): TransportError => new TransportError(ErrorCode.TIMEOUT, `telemetry input ${input.name} got no answer within ${settings.timeout} ms`);
      this.context.clock.sleep(settings.timeout, deadline.signal).then(
        () => deadline.abort(timeout()),
        () => undefined,
      );
      const link = linkSignals([signal, deadline.signal], (s) => (s === signal ? abortedError(signal, 'telemetry collection') : (s.reason as TransportError)));
      try {
        samples.push(...(await this.collectOn(conn, input, link.signal)).samples);
      } catch (err) {
        if (signal.aborted) throw abortedError(signal, 'telemetry collection');
        if (conn.lost) throw conn.lost;
        const e = classifySshError(err);
        // (a boolean, not the type guard: the guard would narrow `e` to never below)
        const lostConnection: boolean = isConnectionError(e);
        if (lostConnection) throw e;
        firstError ??= e;
        this.context.logger.debug({ telemetry: input.name, code: e.code, err: e.message }, `telemetry: ${input.name} skipped`);
      } finally {
        link.dispose();
        deadline.abort(RUN_FINISHED);
      }
    }
    if (samples.length === 0 && firstError) throw firstError;
    return samples;
  }

  /** One input on the current connection. */
  private async collectInput(input: RouterOsInput, signal: AbortSignal): Promise<TelemetryReading> {
    return this.collectOn(this.live(), input, signal);
  }

  /** One input on `conn`: the connection's end aborts it with the connection's error. */
  private async collectOn(conn: Connection, input: RouterOsInput, signal: AbortSignal): Promise<TelemetryReading> {
    if (conn.lost) throw conn.lost;
    const link = linkSignals([signal, conn.life.signal], (s) =>
      s === signal ? abortedError(signal, `telemetry input ${input.name}`) : conn.lost ?? new TransportError(ErrorCode.NOT_CONNECTED, 'connection closed during telemetry collection'),
    );
    try {
      return await input.collect(this.sessionOf(conn), link.signal);
    } catch (err) {
      // Once aborted, the abort reason wins over whatever the interrupted command reported.
      if (link.signal.aborted) throw link.signal.reason as TransportError;
      throw classifySshError(err);
    } finally {
      link.dispose();
    }
  }

  /** The inputs' view of `conn`, made on first use: what it learns lives as long as the connection. */
  private sessionOf(conn: Connection): RouterOsSession {
    conn.session ??= new RouterOsSession(
      { run: (command, options) => this.runOn(conn, command, { signal: options.signal }, 'telemetry') },
      { clock: this.context.clock, logger: this.context.logger, target: this.context.target },
    );
    return conn.session;
  }

  /**
   * `run` bound to one connection: a collection never drifts onto a newer connection mid-way.
   * RouterOS error text rejects with `UNSUPPORTED` when it says the device does not know the
   * command (`bad command name`, `no such command`, `expected end of command`), else `COMMAND`.
   */
  private async runOn(conn: Connection, command: string, options: RunOptions = {}, kind: ChannelKind = 'command'): Promise<string> {
    if (conn.lost) throw conn.lost;
    const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const timer = new AbortController();
    const link = linkSignals(
      options.signal ? [options.signal, conn.life.signal, timer.signal] : [conn.life.signal, timer.signal],
      (s) =>
        s === timer.signal
          ? new TransportError(ErrorCode.TIMEOUT, `command timed out after ${timeoutMs} ms: ${preview(command)}`)
          : s === conn.life.signal
            ? conn.lost ?? new TransportError(ErrorCode.NOT_CONNECTED, 'connection closed while a command ran')
            : abortedError(s, 'command'),
    );
    this.context.clock.sleep(timeoutMs, link.signal).then(
      () => timer.abort(),
      () => undefined,
    );
    try {
      const result = await this.exec(conn, command, link.signal, kind);
      const problem = commandProblem(result);
      if (problem) throw new TransportError(problem.unsupported ? ErrorCode.UNSUPPORTED : ErrorCode.COMMAND, `${preview(command)}: ${problem.message}`);
      return result.stdout;
    } finally {
      link.dispose();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private live(): Connection {
    const conn = this.conn;
    if (!conn) throw new TransportError(ErrorCode.NOT_CONNECTED, 'not connected');
    if (conn.lost) throw conn.lost;
    return conn;
  }

  /** Opens TCP + SSH under the attempt's signal and the connect deadline; leaves nothing behind on failure. */
  private async open(signal: AbortSignal): Promise<Connection> {
    const { config, context } = this;
    const auth = await this.readCredentials();
    const accepted = await this.acceptedFingerprints();
    if (signal.aborted) throw abortedError(signal, 'connect');

    const socket = new Socket();
    socket.setNoDelay(true); // Nagle would delay every command after the first by ~40 ms
    const client = new Client();
    const conn: Connection = {
      id: this.nextId++,
      client,
      socket,
      life: lifeController(),
      gate: new ChannelGate(config.maxChannels, context.clock),
      established: false,
      closing: false,
      keepalive: 'unknown',
    };
    let presented: { type: string; fingerprint: string } | undefined;
    const hostVerifier = (key: Buffer): boolean => {
      presented = { type: keyTypeOf(key), fingerprint: fingerprintOf(key) };
      if (accepted === 'any') return true;
      return accepted.has(presented.fingerprint);
    };

    return new Promise<Connection>((resolve, reject) => {
      let done = false;
      const deadline = new AbortController();
      const fail = (err: TransportError): void => {
        if (done) return;
        done = true;
        cleanup();
        this.teardown(conn, err);
        reject(err);
      };
      const onAbort = (): void => fail(abortedError(signal, 'connect'));
      const cleanup = (): void => {
        signal.removeEventListener('abort', onAbort);
        deadline.abort();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      context.clock.sleep(config.connectTimeout, deadline.signal).then(
        () => fail(new TransportError(ErrorCode.TIMEOUT, `connect to ${this.address()} timed out after ${config.connectTimeout} ms`)),
        () => undefined,
      );

      client.on('ready', () => {
        if (done) return;
        done = true;
        cleanup();
        conn.established = true;
        resolve(conn);
      });
      client.on('error', (err: Error) => {
        if (!conn.established) {
          if (presented && accepted !== 'any' && !accepted.has(presented.fingerprint)) {
            fail(this.hostKeyMismatch([...accepted], presented, err));
          } else {
            fail(classifySshError(err));
          }
          return;
        }
        this.lose(conn, classifySshError(err));
      });
      // ssh2 reports a clean drop as `end` then `close`, never `error`: either means loss.
      const onGone = (): void => {
        if (!conn.established) {
          fail(new TransportError(ErrorCode.NETWORK, `connection to ${this.address()} closed during the handshake`));
          return;
        }
        this.lose(conn, new TransportError(ErrorCode.NETWORK, `connection to ${this.address()} closed by the peer`));
      };
      client.on('end', onGone);
      client.on('close', onGone);

      const username = config.username;
      // ssh2 would try a password before the key; prefer the key, fall back to the password. The
      // key is handed over parsed (see PrivateKeyCache), so ssh2 never decrypts it again.
      const methods: AnyAuthMethod[] = [
        { type: 'none', username },
        ...(auth.key ? [{ type: 'publickey' as const, username, key: auth.key }] : []),
        ...(auth.password !== undefined ? [{ type: 'password' as const, username, password: auth.password }] : []),
      ];
      const connectConfig: ConnectConfig = {
        sock: socket,
        username,
        hostVerifier,
        readyTimeout: 0, // the deadline is ours, on the injected Clock
        keepaliveInterval: 0, // keepalives are ours too: see keepaliveLoop
        // `false` ends authentication ("All configured authentication methods failed"); the types omit it.
        authHandler: (_left, _partial, next) => next((methods.shift() ?? false) as AnyAuthMethod),
      };
      try {
        socket.connect({ host: config.host, port: config.port });
        client.connect(connectConfig);
      } catch (err) {
        fail(classifySshError(err));
      }
    });
  }

  /**
   * The key (parsed once per content and passphrase) and password, read fresh on every connect so
   * that a rotated secret needs no restart. A key that cannot be used is a permanent AUTH error.
   */
  private async readCredentials(): Promise<{ key?: ParsedKey; password?: string }> {
    const c = this.config;
    const auth: { key?: ParsedKey; password?: string } = {};
    if (c.privateKeyFile) {
      const data = await this.secrets.read('privateKeyFile', c.privateKeyFile);
      const passphrase = c.passphraseFile ? await this.secrets.readLine('passphraseFile', c.passphraseFile) : undefined;
      const key = sharedPrivateKeys.parse(data, passphrase, c.privateKeyFile);
      if (isKeyProblem(key)) throw new TransportError(ErrorCode.AUTH, `${key.key}: ${key.message}`, { retryable: false });
      auth.key = key;
    }
    if (c.passwordFile) auth.password = await this.secrets.readLine('passwordFile', c.passwordFile);
    return auth;
  }

  /** The fingerprints this connect accepts (config + known_hosts, read fresh), or `any` when checking is off. */
  private async acceptedFingerprints(): Promise<Set<string> | 'any'> {
    const c = this.config;
    if (c.insecureSkipHostKeyCheck) {
      if (!this.insecureWarned) {
        this.insecureWarned = true;
        this.context.logger.warn(
          { event: LogEvent.hostKeyCheckDisabled, host_key_verification: 'disabled' },
          `HOST KEY VERIFICATION IS DISABLED for ${this.context.target} (insecureSkipHostKeyCheck: true): anyone on the path can impersonate the RDS and read its traffic. Pin the key: rds-agent keyscan ${this.address()}`,
        );
      }
      return 'any';
    }
    const accepted = new Set(c.hostKeyFingerprints);
    if (c.knownHostsFile) {
      let text: string;
      try {
        text = await readFile(c.knownHostsFile, 'utf8');
      } catch (err) {
        throw new TransportError(ErrorCode.HOST_KEY_MISMATCH, `cannot read knownHostsFile ${c.knownHostsFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
          retryable: false,
          cause: err,
        });
      }
      const found = parseKnownHosts(text, c.host, c.port);
      for (const k of found.keys) accepted.add(k.fingerprint);
      for (const r of found.revoked) accepted.delete(r);
    }
    return accepted;
  }

  private hostKeyMismatch(expected: string[], presented: { type: string; fingerprint: string }, cause: unknown): TransportError {
    const target = this.context.target;
    this.context.logger.error(
      { event: LogEvent.hostKeyMismatch, expected, presented: presented.fingerprint, keyType: presented.type, known_hosts_name: knownHostsName(this.config.host, this.config.port) },
      `host key mismatch for ${target}: the server presented ${presented.type} ${presented.fingerprint}, which is not pinned; not connecting (possible man-in-the-middle, or the RDS key changed)`,
    );
    return new TransportError(
      ErrorCode.HOST_KEY_MISMATCH,
      `host key mismatch: ${this.address()} presented ${presented.fingerprint}, expected ${expected.length > 0 ? expected.join(' or ') : '(no pinned key for this host)'}`,
      { retryable: false, cause },
    );
  }

  /** Reports loss once per connection (never for a connection the transport is closing itself). */
  private lose(conn: Connection, err: TransportError): void {
    if (conn.lost || conn.closing) return;
    conn.lost = err;
    this.teardown(conn, err);
    // A connection still being set up (keepalive calibration) was never handed out: connect() fails instead.
    if (this.conn !== conn) return;
    this.conn = undefined;
    for (const listener of [...this.lostListeners]) {
      try {
        listener(err);
      } catch (e) {
        this.context.logger.error({ err: e }, 'onLost listener threw');
      }
    }
  }

  /** Ends and destroys the client and socket, stops timers and waiters; safe to call twice. */
  private teardown(conn: Connection, reason: TransportError): void {
    if (!conn.lost) conn.closing = true;
    if (!conn.life.signal.aborted) conn.life.abort(reason);
    conn.gate.drain(reason);
    const { client, socket } = conn;
    client.removeAllListeners();
    // ssh2 may still emit 'error' while the socket dies; an unhandled 'error' would crash the agent.
    client.on('error', () => undefined);
    try {
      client.end();
    } catch {
      // already gone
    }
    // end() waits for the peer's FIN, which a hung peer never sends: destroy the socket ourselves.
    socket.destroy();
  }

  /**
   * Runs `command` on its own channel. Channels open one at a time through the connection's gate:
   * a probe skips the `maxChannels` cap (it must not queue behind slow commands and be mistaken for
   * a hung peer) and goes before waiting commands. When the device refuses a channel while others
   * of ours are open (sshd `MaxSessions`), that is its session limit, not a dead session: the call
   * waits for a channel to close and tries again (a waiting probe preempts telemetry channels).
   */
  private async exec(conn: Connection, command: string, signal: AbortSignal, kind: ChannelKind): Promise<ExecResult> {
    let closingRetries = 0;
    for (;;) {
      const lease = await conn.gate.acquire(kind, signal);
      const link = kind === 'telemetry' ? linkSignals([signal, lease.signal], (s) => (s === lease.signal ? (lease.signal.reason as unknown) : abortedError(s, 'command'))) : undefined;
      let settleMs = 0;
      try {
        return await execCommand(conn.client, command, { maxOutputBytes: this.config.maxOutputBytes, signal: link?.signal ?? signal, onOpened: lease.opened });
      } catch (err) {
        if (signal.aborted || !isChannelOpenFailure(err)) throw err;
        const refusal = lease.refusedByDevice();
        if (refusal === 'dead' || (refusal === 'closing' && closingRetries >= CLOSING_RETRIES)) throw err;
        if (refusal === 'closing') settleMs = CLOSING_RETRY_MS << closingRetries++;
        this.context.logger.debug(
          { channels: conn.gate.open, limit: conn.gate.limit, kind, refusal },
          refusal === 'limit'
            ? 'the device refused a channel while others were open: waiting for one (its session limit)'
            : 'the device refused a channel right after one of ours closed: trying again once it has closed it',
        );
      } finally {
        link?.dispose();
        lease.release();
      }
      if (settleMs > 0) await this.context.clock.sleep(settleMs, signal);
    }
  }

  /** Health means a command answered: exec refusals, stderr with a non-zero exit or RouterOS errors are UNHEALTHY. */
  private async commandProbe(conn: Connection, signal: AbortSignal): Promise<void> {
    const result = await this.exec(conn, this.config.probeCommand, signal, 'probe');
    const problem = commandProblem(result);
    if (problem) throw new TransportError(ErrorCode.UNHEALTHY, `probe command ${preview(this.config.probeCommand)} failed: ${problem.message}`);
  }

  /**
   * One keepalive@openssh.com round-trip. Either reply (SUCCESS or FAILURE) proves the peer's SSH
   * layer is alive. `answered` flips synchronously inside ssh2's reply dispatch.
   */
  private ping(conn: Connection, signal: AbortSignal): { promise: Promise<void>; answered: () => boolean } {
    let answered = false;
    const internals = conn.client as unknown as Ssh2Internals;
    const promise = new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      if (typeof internals._protocol?.ping !== 'function' || !Array.isArray(internals._callbacks)) {
        reject(new TransportError(ErrorCode.UNHEALTHY, 'keepalive unavailable in this ssh2 version'));
        return;
      }
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      // Replies are matched to requests in order; ssh2's own keepalive pushes a callback the same way.
      internals._callbacks.push((hadErr: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (hadErr instanceof Error) {
          reject(classifySshError(hadErr));
          return;
        }
        answered = true;
        resolve();
      });
      internals._protocol.ping();
    });
    return { promise, answered: () => answered };
  }

  /**
   * Learns whether the peer answers keepalives: the ping is sent before the exec channel opens and
   * an SSH server handles messages in order, so a peer that answers keepalives has answered by the
   * time the command finished. Also proves, once, that commands run.
   */
  private async calibrateKeepalive(conn: Connection, signal: AbortSignal): Promise<void> {
    const link = linkSignals([signal, conn.life.signal], (s) => abortedError(s, 'connect'));
    try {
      const ping = this.ping(conn, link.signal);
      ping.promise.catch(() => undefined);
      await this.commandProbe(conn, link.signal);
      this.lastCommandProbeAt = this.context.clock.now();
      conn.keepalive = ping.answered() ? 'supported' : 'unsupported';
      if (this.keepaliveSupported !== ping.answered()) {
        this.keepaliveSupported = ping.answered();
        if (!ping.answered()) {
          this.context.logger.warn(
            { probe_mode: 'command' },
            'the RDS does not answer keepalive@openssh.com: every probe runs a command instead',
          );
        }
      }
    } finally {
      link.dispose();
    }
  }

  /** Between probes: a keepalive every `keepaliveInterval`; KEEPALIVE_COUNT_MAX unanswered in a row = hung peer. */
  private async keepaliveLoop(conn: Connection): Promise<void> {
    const { clock } = this.context;
    let outstanding: ReturnType<RdsSshTransport['ping']> | undefined;
    let missed = 0;
    while (!conn.life.signal.aborted) {
      try {
        await clock.sleep(this.config.keepaliveInterval, conn.life.signal);
      } catch {
        return;
      }
      if (outstanding && !outstanding.answered()) {
        if (++missed >= KEEPALIVE_COUNT_MAX) {
          this.lose(conn, new TransportError(ErrorCode.TIMEOUT, `Keepalive timeout: ${missed} keepalives to ${this.address()} unanswered`));
          return;
        }
        continue;
      }
      missed = 0;
      outstanding = this.ping(conn, conn.life.signal);
      outstanding.promise.catch(() => undefined);
    }
  }

  private address(): string {
    return knownHostsName(this.config.host, this.config.port);
  }
}

/**
 * Why a command's result is not a success, or undefined. RouterOS exit status alone is not
 * trusted. Device text in the message is cut short and has credential values redacted.
 */
function commandProblem(result: ExecResult): { message: string; unsupported: boolean } | undefined {
  const routerOsError = findRouterOsError(result.stdout);
  if (routerOsError) return { message: `RouterOS error: ${routerOsError}`, unsupported: isUnsupportedCommandError(routerOsError) };
  const stderr = result.stderr.trim();
  if (stderr !== '') return { message: `exit ${result.exitCode ?? 'none'}, stderr: ${redactSecrets(stderr.slice(0, 200))}`, unsupported: false };
  if (result.exitCode === undefined) return { message: result.exitSignal ? `killed by signal ${result.exitSignal}` : 'channel closed without an exit status', unsupported: false };
  if (result.exitCode !== 0) return { message: `exit status ${result.exitCode}`, unsupported: false };
  return undefined;
}

function preview(command: string): string {
  return command.length > 60 ? `${command.slice(0, 57)}...` : command;
}

function probeTimeout(signal: AbortSignal): TransportError {
  const reason: unknown = signal.reason;
  if (reason instanceof TransportError) return reason;
  // The monitor aborts a probe at its deadline: a peer that did not answer in time is hung.
  return new TransportError(ErrorCode.TIMEOUT, 'probe deadline passed: the peer did not answer', { cause: reason });
}

/** A connection's life signal, allowed the listeners a busy connection has. */
function lifeController(): AbortController {
  const life = new AbortController();
  setMaxListeners(CONNECTION_LISTENERS_MAX, life.signal);
  return life;
}
