import { EventEmitter } from 'node:events';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel, Session } from 'ssh2';
import { RouterOsDevice, type DeviceOptions } from './routeros-device.js';
import { fingerprintOf, generateKeyPair, parseKeyOrThrow, safeEqual, type SimKeyType } from './host-keys.js';

const { Server } = ssh2;

/** How the simulator answers `keepalive@openssh.com` global requests. */
export type KeepaliveMode = 'failure' | 'success' | 'ignore';

/** One account on the simulated device. Give a password, a public key, or both. */
export interface SimulatedUser {
  readonly username: string;
  readonly password?: string;
  /** Authorized public key: one authorized_keys line, or any key format ssh2 parses. */
  readonly publicKey?: string | Buffer;
}

/** What a custom command handler returns: plain stdout (exit 0), or the full shape. */
export type CommandResult =
  | string
  | {
      /** Text, or exact bytes (binary garbage). */
      readonly stdout?: string | Buffer;
      readonly stderr?: string;
      /** `null` closes the channel without an exit-status (as `/system/reboot` can). @default 0 */
      readonly exitCode?: number | null;
      /** Never answer: the channel stays open with no output until the client gives up. */
      readonly hang?: boolean;
    };

/** What a command handler learns about the exec it answers. */
export interface CommandContext {
  /** The command as the client sent it. */
  readonly command: string;
  readonly connectionId: number;
  readonly username: string;
  /** The built-in device model, for handlers that want to wrap its default answer. */
  readonly device: RouterOsDevice;
}

export type CommandHandler = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

/** Options of {@link startRdsSimulator}. Every field is optional. */
export interface RdsSimulatorOptions {
  /** Address to bind. MUST stay a loopback address in tests. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Host private key (OpenSSH or PEM). @default a fresh key of `hostKeyType` */
  readonly hostKey?: string | Buffer;
  /** Type of generated host keys (initial and after {@link RdsSimulator.changeHostKey}). @default 'ed25519' */
  readonly hostKeyType?: SimKeyType;
  /**
   * Accounts. @default one user (`defaultUsername`) whose key pair the simulator generates and exposes as
   * {@link RdsSimulator.clientPrivateKey}.
   */
  readonly users?: readonly SimulatedUser[];
  /** Login name of the generated identity when `users` is not given. @default 'admin' */
  readonly defaultUsername?: string;
  /** The simulated device (identity, board, disks, ...). */
  readonly device?: DeviceOptions;
  /**
   * Source of time for the device: uptime, counters, drive ages, rebuild progress, link flaps, btrfs
   * error growth. Tests pass a FakeClock's `now` and never wait. @default Date.now
   */
  readonly now?: () => number;
  /** Delay before each exec answer (ms). @default 0 */
  readonly latencyMs?: number;
  /** @default 'failure' (what ssh2's Server does on its own) */
  readonly keepaliveMode?: KeepaliveMode;
  /** Concurrent session channels allowed per connection. @default Infinity */
  readonly maxSessionsPerConnection?: number;
  /** Concurrent session channels allowed across all connections. @default Infinity */
  readonly maxSessionsTotal?: number;
  /**
   * Interval of the server's own keepalive pings to clients (ms); 0 = none. RouterOS is not known to
   * ping, and pings would let a frozen simulator time its clients out. @default 0
   */
  readonly serverKeepaliveIntervalMs?: number;
}

/** A snapshot of one TCP connection the simulator accepted. */
export interface SimConnectionInfo {
  readonly id: number;
  readonly remotePort: number;
  /** `hung`: accepted while {@link RdsSimulator.hangNewConnections} was on, never answered. */
  readonly state: 'hung' | 'handshake' | 'authenticated';
  readonly username?: string;
  readonly openSessions: number;
  readonly peakSessions: number;
  readonly commands: number;
}

/** Events, for tests that want to wait for something rather than poll. */
export interface RdsSimulatorEvents {
  connection: [info: SimConnectionInfo];
  authenticated: [info: SimConnectionInfo];
  disconnect: [info: SimConnectionInfo];
  command: [command: string, info: SimConnectionInfo];
}

interface ConnState {
  readonly id: number;
  readonly socket: net.Socket;
  state: SimConnectionInfo['state'];
  username?: string;
  openSessions: number;
  peakSessions: number;
  commands: number;
  /** ssh2's per-connection object, once the client's ident arrived. */
  ssh?: Connection;
  /** While frozen: inbound bytes not yet parsed and outbound bytes not yet written. */
  frozenIn?: Buffer[];
  frozenOut?: Buffer[];
  unfreeze?: () => void;
}

interface InternalProtocol {
  parse(chunk: Buffer, i: number, len: number): void;
  requestSuccess(buf?: Buffer): void;
  requestFailure(): void;
  _handlers: Record<string, (...args: unknown[]) => void>;
}

interface CompiledUser {
  readonly username: string;
  readonly password?: Buffer;
  readonly key?: ssh2.ParsedKey;
}

// setInterval's largest delay: the way to give ssh2's Server "no keepalive pings" (0 means its default 15 s).
const NO_SERVER_PINGS = 2_147_483_647;

/**
 * An SSH server that behaves like the SSH CLI of a MikroTik ROSE Data Server, with fault injection,
 * for tests, benchmarks and demos. Binds loopback only by default.
 *
 * Faults are switched at run time and take effect immediately:
 * - {@link refuseConnections}: stop listening (clients get ECONNREFUSED); open connections stay.
 * - {@link dropAllConnections}: destroy every socket (clients see `end`/`close`).
 * - {@link rebootDevice}: uptime and disk counters restart from 0, and every connection drops.
 * - {@link hangNewConnections}: accept TCP, never send the SSH banner (handshake timeout).
 * - {@link freeze}: open connections stop answering anything (like a SIGSTOPped sshd); new ones hang.
 * - {@link setLatency}, {@link rejectAuth}, {@link changeHostKey}, {@link setKeepaliveMode},
 *   {@link failExec}, {@link setMaxSessions}, {@link setCommandHandler}.
 *
 * Counters ({@link openConnections}, {@link openSessions}, peaks) let tests prove nothing leaks.
 */
export class RdsSimulator extends EventEmitter<RdsSimulatorEvents> {
  /** The simulated device that answers built-in commands. */
  readonly device: RouterOsDevice;
  /** Private key of the generated `admin` identity; undefined when users were given. */
  readonly clientPrivateKey?: string;
  /** authorized_keys line of the generated `admin` identity. */
  readonly clientPublicKey?: string;
  /** Login name clients should use: the first configured user. */
  readonly username: string;
  readonly host: string;

  private boundPort: number;
  private listener?: net.Server;
  private ssh!: InstanceType<typeof Server>;
  private hostKeyText!: string;
  private fingerprint!: string;
  private readonly hostKeyType: SimKeyType;
  private readonly users: readonly CompiledUser[];
  private readonly conns = new Map<number, ConnState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handlers: Array<{ match: string | RegExp; fn: CommandHandler }> = [];
  private nextId = 1;
  private closed = false;
  private refusing = false;
  private hanging = false;
  private frozen = false;
  private authRejected = false;
  private execFailing = false;
  private dropAfterFailedExec = false;
  private latencyMs: number;
  private keepaliveMode: KeepaliveMode;
  private maxPerConnection: number;
  private maxTotal: number;
  private sessionReleaseDelayMs = 0;
  private readonly serverPingMs: number;

  /** Connections accepted since start (TCP), including refused-at-auth and hung ones. */
  totalConnections = 0;
  /** Exec requests accepted since start. */
  totalCommands = 0;
  /** The most session channels one connection ever had open at once. */
  peakSessionsPerConnection = 0;
  /** The most connections open at once. */
  peakConnections = 0;

  private constructor(options: RdsSimulatorOptions) {
    super();
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.hostKeyType = options.hostKeyType ?? 'ed25519';
    this.device = new RouterOsDevice(options.device, options.now ?? Date.now);
    this.latencyMs = options.latencyMs ?? 0;
    this.keepaliveMode = options.keepaliveMode ?? 'failure';
    this.maxPerConnection = options.maxSessionsPerConnection ?? Infinity;
    this.maxTotal = options.maxSessionsTotal ?? Infinity;
    this.serverPingMs = options.serverKeepaliveIntervalMs ?? 0;

    let users = options.users;
    if (!users || users.length === 0) {
      const pair = generateKeyPair('ed25519');
      this.clientPrivateKey = pair.private;
      this.clientPublicKey = pair.public;
      users = [{ username: options.defaultUsername ?? 'admin', publicKey: pair.public }];
    }
    this.users = users.map((u) => ({
      username: u.username,
      password: u.password === undefined ? undefined : Buffer.from(u.password),
      key: u.publicKey === undefined ? undefined : parseKeyOrThrow(u.publicKey, `public key of user ${u.username}`),
    }));
    this.username = this.users[0]!.username;
    this.useHostKey(options.hostKey ?? generateKeyPair(this.hostKeyType).private);
  }

  /** Starts a simulator and resolves once it listens. */
  static async start(options: RdsSimulatorOptions = {}): Promise<RdsSimulator> {
    const sim = new RdsSimulator(options);
    await sim.listen();
    return sim;
  }

  /** The bound port (stable across {@link refuseConnections} on/off). */
  get port(): number {
    return this.boundPort;
  }

  /** `SHA256:...` fingerprint of the host key new connections get (as `ssh-keygen -lf` prints it). */
  get hostKeyFingerprint(): string {
    return this.fingerprint;
  }

  /** The current host private key (OpenSSH text). */
  get hostKey(): string {
    return this.hostKeyText;
  }

  /** Open TCP connections (hung and unauthenticated ones included). */
  get openConnections(): number {
    return this.conns.size;
  }

  /** Open session channels across all connections. */
  get openSessions(): number {
    let n = 0;
    for (const c of this.conns.values()) n += c.openSessions;
    return n;
  }

  /** A snapshot of every open connection. */
  connections(): SimConnectionInfo[] {
    return [...this.conns.values()].map((c) => this.info(c));
  }

  /** ssh2 `Client` connect options for the default user (host, port, username, key). */
  clientConfig(): { host: string; port: number; username: string; privateKey?: string } {
    return { host: this.host, port: this.boundPort, username: this.username, privateKey: this.clientPrivateKey };
  }

  // ---- fault injection -------------------------------------------------------------------------

  /**
   * `true`: new connections fail; open connections stay. Mode `close` (default) stops listening, so
   * clients get ECONNREFUSED; mode `reset` keeps listening but destroys each new socket at once
   * (clients see the connection drop before the handshake, like a firewall or a crashing daemon).
   * `false`: accept again, on the same port.
   */
  async refuseConnections(refuse: boolean, mode: 'close' | 'reset' = 'close'): Promise<void> {
    this.assertOpen();
    this.refusing = refuse;
    if (refuse && mode === 'close') await this.stopListening();
    else if (!this.listener) await this.listen();
  }

  /**
   * A device reboot: uptime and disk traffic counters restart from 0 ({@link RouterOsDevice.reboot})
   * and every open connection drops, as RouterOS closes its sessions. Returns how many dropped.
   */
  rebootDevice(): number {
    this.device.reboot();
    return this.dropAllConnections();
  }

  /** Destroys every open connection (hung ones included); returns how many. */
  dropAllConnections(): number {
    const n = this.conns.size;
    for (const c of [...this.conns.values()]) c.socket.destroy();
    return n;
  }

  /** `true`: new TCP connections are accepted and then never answered (no SSH banner). */
  hangNewConnections(hang: boolean): void {
    this.hanging = hang;
  }

  /**
   * `true`: open connections stop answering (no channel opens, no exec output, no global-request
   * replies, nothing written) and new connections hang, like a SIGSTOPped server: bytes queue up.
   * `false`: everything queued is processed, as after SIGCONT.
   */
  freeze(frozen: boolean): void {
    this.frozen = frozen;
    for (const c of this.conns.values()) {
      if (frozen) {
        c.frozenIn ??= [];
        c.frozenOut ??= [];
      } else {
        c.unfreeze?.();
      }
    }
  }

  /** Delay before every exec answer from now on (ms). */
  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** `true`: every authentication attempt fails (as with a wrong key or password). */
  rejectAuth(reject: boolean): void {
    this.authRejected = reject;
  }

  /** New connections get a freshly generated host key (or `privateKey`); returns the new fingerprint. */
  changeHostKey(privateKey?: string | Buffer): string {
    this.assertOpen();
    this.useHostKey(privateKey ?? generateKeyPair(this.hostKeyType).private);
    return this.fingerprint;
  }

  /** How `keepalive@openssh.com` requests are answered on every connection from now on. */
  setKeepaliveMode(mode: KeepaliveMode): void {
    this.keepaliveMode = mode;
  }

  /**
   * `true`: exec requests are refused (the client sees `Unable to exec`) while the connection stays
   * up and keepalives are answered: OpenSSH after its privileged monitor process died.
   *
   * With `dropConnection`, the connection is also closed right after the refusal, which is what
   * OpenSSH 9.2 measurably does (its session process dies on `mm_request_send: Broken pipe`).
   */
  failExec(fail: boolean, options: { dropConnection?: boolean } = {}): void {
    this.execFailing = fail;
    this.dropAfterFailedExec = fail && options.dropConnection === true;
  }

  /**
   * Caps concurrent session channels per connection, or across all connections; Infinity = no cap.
   * `releaseDelayMs`: a closed channel keeps its slot that long, as sshd frees one only once it has
   * processed the client's close (a channel opened right after may be refused).
   */
  setMaxSessions(n: number, scope: 'connection' | 'total' = 'connection', options: { releaseDelayMs?: number } = {}): void {
    if (scope === 'connection') this.maxPerConnection = n;
    else this.maxTotal = n;
    this.sessionReleaseDelayMs = Math.max(0, options.releaseDelayMs ?? 0);
  }

  /**
   * Answers `command` (exact match after trimming, or a RegExp) with `handler` instead of the device
   * model; `undefined` removes it. Later registrations win.
   */
  setCommandHandler(command: string | RegExp, handler: CommandHandler | undefined): void {
    const key = typeof command === 'string' ? command.trim() : command;
    const i = this.handlers.findIndex((h) => String(h.match) === String(key) && typeof h.match === typeof key);
    if (i >= 0) this.handlers.splice(i, 1);
    if (handler) this.handlers.unshift({ match: key, fn: handler });
  }

  /** Stops listening and destroys every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const stopped = this.stopListening();
    this.dropAllConnections();
    await stopped;
  }

  // ---- internals -------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new Error('RdsSimulator is closed');
  }

  private useHostKey(privateKey: string | Buffer): void {
    const text = Buffer.isBuffer(privateKey) ? privateKey.toString('utf8') : privateKey;
    this.fingerprint = fingerprintOf(text);
    this.hostKeyText = text;
    // ssh2 fixes host keys at construction: a new key means a new Server for new sockets; existing
    // connections keep talking to the old one, as with a real device whose key was regenerated.
    this.ssh = new Server({
      hostKeys: [text],
      ident: 'ROSSSH',
      keepaliveInterval: this.serverPingMs > 0 ? this.serverPingMs : NO_SERVER_PINGS,
    });
    this.ssh.on('connection', (conn: Connection) => this.onSshConnection(conn));
    this.ssh.on('error', () => undefined);
  }

  private listen(): Promise<void> {
    const server = net.createServer((socket) => this.onSocket(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.boundPort, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        this.boundPort = (server.address() as net.AddressInfo).port;
        this.listener = server;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    const server = this.listener;
    this.listener = undefined;
    if (!server) return Promise.resolve();
    // close() stops accepting at once; its callback waits for open connections, which we keep.
    return new Promise((resolve) => {
      server.close();
      setImmediate(resolve);
    });
  }

  private onSocket(socket: net.Socket): void {
    if (this.closed || this.refusing) {
      socket.destroy();
      return;
    }
    const conn: ConnState = {
      id: this.nextId++,
      socket,
      state: this.hanging || this.frozen ? 'hung' : 'handshake',
      openSessions: 0,
      peakSessions: 0,
      commands: 0,
    };
    // Like RouterOS (and OpenSSH), answer without Nagle: otherwise every exec's reply waits ~40 ms
    // for a delayed ACK and the simulator misreports probe latency.
    socket.setNoDelay(true);
    this.conns.set(conn.id, conn);
    this.totalConnections += 1;
    this.peakConnections = Math.max(this.peakConnections, this.conns.size);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.conns.delete(conn.id);
      conn.openSessions = 0;
      this.emit('disconnect', this.info(conn));
    });
    (socket as unknown as { rdsSimConn: ConnState }).rdsSimConn = conn;
    this.emit('connection', this.info(conn));
    if (conn.state === 'hung') return; // accepted by the kernel, never answered
    this.gateWrites(conn);
    this.ssh.injectSocket(socket);
  }

  /** Routes outbound bytes through the freeze gate (ssh2 writes with `socket.write(data)`). */
  private gateWrites(conn: ConnState): void {
    const socket = conn.socket;
    const write = socket.write.bind(socket) as (data: Buffer) => boolean;
    (socket as unknown as { write: (data: Buffer) => boolean }).write = (data: Buffer): boolean => {
      if (conn.frozenOut) {
        conn.frozenOut.push(Buffer.from(data));
        return true;
      }
      return write(data);
    };
    conn.unfreeze = (): void => {
      const out = conn.frozenOut ?? [];
      const inbound = conn.frozenIn ?? [];
      conn.frozenOut = undefined;
      conn.frozenIn = undefined;
      for (const b of out) if (!socket.destroyed) write(b);
      const proto = (conn.ssh as unknown as { _protocol?: InternalProtocol } | undefined)?._protocol;
      for (const b of inbound) {
        if (socket.destroyed || !proto) break;
        try {
          proto.parse(b, 0, b.length);
        } catch {
          socket.destroy();
        }
      }
    };
  }

  private onSshConnection(ssh: Connection): void {
    const socket = (ssh as unknown as { _sock: net.Socket })._sock;
    const conn = (socket as unknown as { rdsSimConn?: ConnState }).rdsSimConn;
    if (!conn) return;
    conn.ssh = ssh;
    if (this.frozen) {
      conn.frozenIn ??= [];
      conn.frozenOut ??= [];
    }
    ssh.on('error', () => undefined);
    this.hookProtocol(conn, ssh);
    ssh.on('authentication', (ctx) => this.onAuth(conn, ctx));
    ssh.on('ready', () => {
      conn.state = 'authenticated';
      this.emit('authenticated', this.info(conn));
    });
    ssh.on('session', (accept, reject) => {
      if (conn.openSessions >= this.maxPerConnection || this.openSessions >= this.maxTotal) {
        reject();
        return;
      }
      const session = accept();
      conn.openSessions += 1;
      conn.peakSessions = Math.max(conn.peakSessions, conn.openSessions);
      this.peakSessionsPerConnection = Math.max(this.peakSessionsPerConnection, conn.peakSessions);
      let open = true;
      const free = (): void => {
        if (this.conns.has(conn.id)) conn.openSessions -= 1;
      };
      const done = (): void => {
        if (!open) return;
        open = false;
        if (this.sessionReleaseDelayMs > 0) void this.delay(this.sessionReleaseDelayMs).then(free);
        else free();
      };
      // A dead connection zeroes its count in onSocket's close handler; `done` then does nothing.
      session.once('close', done);
      this.onSession(conn, session);
    });
  }

  /**
   * ssh2 answers global requests itself and emits nothing for `keepalive@openssh.com`, so the
   * keepalive modes and the freeze gate hook its per-connection protocol object.
   */
  private hookProtocol(conn: ConnState, ssh: Connection): void {
    const proto = (ssh as unknown as { _protocol: InternalProtocol })._protocol;
    const parse = proto.parse.bind(proto);
    proto.parse = (chunk: Buffer, i: number, len: number): void => {
      if (conn.frozenIn) {
        conn.frozenIn.push(Buffer.from(chunk.subarray(i, len)));
        return;
      }
      parse(chunk, i, len);
    };
    const original = proto._handlers.GLOBAL_REQUEST!;
    proto._handlers.GLOBAL_REQUEST = (p: unknown, name: unknown, wantReply: unknown, data: unknown): void => {
      if (name === 'keepalive@openssh.com' && this.keepaliveMode !== 'failure') {
        // 'ignore': no reply at all, so the client's keepalive counter never resets.
        if (this.keepaliveMode === 'success' && wantReply) proto.requestSuccess();
        return;
      }
      original(p, name, wantReply, data);
    };
  }

  private onAuth(conn: ConnState, ctx: AuthContext): void {
    const methods: Array<'publickey' | 'password'> = [];
    if (this.users.some((u) => u.key)) methods.push('publickey');
    if (this.users.some((u) => u.password)) methods.push('password');
    const user = this.users.find((u) => u.username === ctx.username);
    if (this.authRejected || !user) {
      ctx.reject(methods);
      return;
    }
    if (ctx.method === 'publickey' && user.key) {
      const offered = ctx.key;
      if (offered.algo !== user.key.type || !safeEqual(offered.data, user.key.getPublicSSH())) {
        ctx.reject(methods);
        return;
      }
      // No signature yet: the client only asks whether this key would do.
      if (!ctx.signature || !ctx.blob) {
        ctx.accept();
        return;
      }
      if (user.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) {
        conn.username = user.username;
        ctx.accept();
      } else {
        ctx.reject(methods);
      }
      return;
    }
    if (ctx.method === 'password' && user.password && safeEqual(Buffer.from(ctx.password), user.password)) {
      conn.username = user.username;
      ctx.accept();
      return;
    }
    ctx.reject(methods);
  }

  private onSession(conn: ConnState, session: Session): void {
    // RouterOS exec is what an agent uses; interactive shells are out of scope for the simulator.
    session.on('pty', (_accept, reject) => reject?.());
    session.on('shell', (_accept, reject) => reject());
    session.on('subsystem', (_accept, reject) => reject());
    session.on('exec', (accept, reject, info) => {
      if (this.execFailing) {
        reject();
        if (this.dropAfterFailedExec) setImmediate(() => conn.socket.destroy());
        return;
      }
      const stream = accept();
      stream.on('error', () => undefined);
      conn.commands += 1;
      this.totalCommands += 1;
      this.emit('command', info.command, this.info(conn));
      void this.answer(conn, info.command, stream);
    });
  }

  private async answer(conn: ConnState, command: string, stream: ServerChannel): Promise<void> {
    let result: CommandResult;
    try {
      const handler = this.handlers.find((h) =>
        typeof h.match === 'string' ? h.match === command.trim() : h.match.test(command),
      );
      const ctx: CommandContext = { command, connectionId: conn.id, username: conn.username ?? '', device: this.device };
      result = handler ? await handler.fn(ctx) : { stdout: this.device.answerBytes(command) };
    } catch (err) {
      result = { stdout: `failure: ${err instanceof Error ? err.message : String(err)}\r\n` };
    }
    if (this.latencyMs > 0) await this.delay(this.latencyMs);
    const r = typeof result === 'string' ? { stdout: result } : result;
    if (r.hang || this.closed) return;
    try {
      if (r.stdout !== undefined && r.stdout.length > 0) stream.write(r.stdout);
      if (r.stderr) stream.stderr.write(r.stderr);
      if (r.exitCode !== null) stream.exit(r.exitCode ?? 0);
      stream.end();
    } catch {
      // The client closed the channel first; nothing to answer.
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.add(t);
    });
  }

  private info(c: ConnState): SimConnectionInfo {
    return {
      id: c.id,
      remotePort: c.socket.remotePort ?? 0,
      state: c.state,
      username: c.username,
      openSessions: c.openSessions,
      peakSessions: c.peakSessions,
      commands: c.commands,
    };
  }
}

/** Starts an {@link RdsSimulator} on 127.0.0.1 (a random port unless `options.port` is given). */
export function startRdsSimulator(options: RdsSimulatorOptions = {}): Promise<RdsSimulator> {
  return RdsSimulator.start(options);
}
