/**
 * A private OpenSSH sshd on 127.0.0.1 that answers RouterOS commands, for the real-peer e2e suite.
 *
 * - Own host key, pid file, config and log in a temp dir; a free high port; key auth only;
 *   `AllowUsers` a dedicated test user (created if missing); a `ForceCommand` script that answers
 *   RouterOS commands from `$SSH_ORIGINAL_COMMAND` with CRLF output.
 * - Faults: stop/start/restart the listener, kill/SIGSTOP/SIGCONT the per-connection processes,
 *   swap the host key (and put it back), remove the client key from authorized_keys, stall every
 *   command while sshd still answers (a half-dead session); `MaxStartups`,
 *   `MaxSessions` and `LoginGraceTime` from the options.
 * - Everything is stopped by PID; nothing is found or killed by a broad name.
 *
 * Needs root (it creates a user and runs sshd) and `/usr/sbin/sshd` (`apt-get install openssh-server`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { RouterOsDevice, generateKeyPair, rds2216Disks, type SimulatedDisk } from '@rds-agent/rds-ssh-plugin/testing';

/** The sshd binary; `RDS_E2E_SSHD` points the suite at another build. */
/** Per-instance authorized_keys live here: root-owned and 0755 all the way up, as StrictModes wants. */
const KEYS_ROOT = '/run/rds-e2e-sshd';

const SSHD = process.env['RDS_E2E_SSHD'] ?? '/usr/sbin/sshd';

/** The dedicated, login-less test account. sshd only lets this user in. */
export const E2E_USER = 'rdsagent-e2e';

/** Fails with a message that says what to install; the e2e suite never skips silently. */
export function requireSshd(): void {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} not found: the e2e suite needs a real OpenSSH server. Install it with: apt-get install -y openssh-server`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('the SSH e2e suite runs as root: it creates the test user and starts its own sshd');
  }
}

/** The RouterOS answers the ForceCommand gives, from `$SSH_ORIGINAL_COMMAND`. CRLF like RouterOS. */
const ROUTEROS_SCRIPT = String.raw`#!/bin/bash
# RouterOS-like answers for the rds-agent e2e suite. Errors go to stdout with exit 0, as on RouterOS.
cmd="$(printf '%s' "$SSH_ORIGINAL_COMMAND" | tr -s ' ' | sed 's/^ //; s/ $//')"
state="$(dirname "$0")/state"
# While $state/hang exists every command stalls: a hung CLI behind an SSH server that still answers.
while [ -e "$state/hang" ]; do sleep 0.1; done
# Every command, one a line, for tests that check which form (JSON or text) a reader used.
printf '%s\n' "$cmd" >> "$state/commands"
# While $state/no-json exists the device is a RouterOS without :serialize (before 7.13).
case "$cmd" in ':put [:serialize '*) if [ -e "$state/no-json" ]; then printf 'bad command name serialize (line 1 column 7)\r\n'; exit 0; fi ;; esac
crlf() { while IFS= read -r line; do printf '%s\r\n' "$line"; done; }
# A canned answer, or, while $state/adversarial-<name> holds "spaces" or "quote", exactly 2 MiB of
# it: the answer's start, then a run of spaces (or, after an opening quote that never closes, letters).
answer() {
  kind="$(cat "$state/adversarial-$1" 2>/dev/null)"
  case "$kind" in
    spaces|quote)
      start="$(dirname "$0")/answers/$1.$kind"
      cat "$start"
      if [ "$kind" = spaces ]; then pad=' '; else pad=a; fi
      head -c $(( 2097152 - $(stat -c %s "$start") )) /dev/zero | tr '\0' "$pad" ;;
    *) cat "$(dirname "$0")/answers/$1" ;;
  esac
}
case "$cmd" in
  ':put 1') printf '1\r\n' ;;
  '/system identity print') printf '  name: %s\r\n\r\n' "$(cat "$state/identity" 2>/dev/null || echo mikrotik-e2e)" ;;
  '/system resource print')
    up=$(( $(date +%s) - $(cat "$state/started") + 1313862 ))
    w=$((up/604800)); d=$((up%604800/86400)); h=$((up%86400/3600)); m=$((up%3600/60)); s=$((up%60))
    crlf <<EOF
                   uptime: ${'$'}{w}w${'$'}{d}d${'$'}{h}h${'$'}{m}m${'$'}{s}s
                  version: 7.19.4 (stable)
               build-time: 2025-06-02 09:14:31
         factory-software: 7.15
              free-memory: 27.9GiB
             total-memory: 32.0GiB
                      cpu: ARM64
                cpu-count: 16
            cpu-frequency: 2000MHz
                 cpu-load: 3%
           free-hdd-space: 92.3MiB
          total-hdd-space: 128.0MiB
  write-sect-since-reboot: 41568
         write-sect-total: 1882310
        architecture-name: arm64
               board-name: RDS2216-2XG-4S+4XS-2XQ
                 platform: MikroTik

EOF
    ;;
  '/disk print detail')
    crlf <<'EOF'
Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER
 0 Br type=hardware slot="nvme1" slot-default="nvme1" parent="" fs=-
      model="U.2 SSD 4TG2-P" size=960 197 124 096 mount-filesystem=no
      raid-master=storage-pool raid-member-state="0:in_sync"

 1 BM type=raid slot="storage-pool" slot-default="" parent="" fs=btrfs
      model="RAID5 parity" size=2 880 591 372 288 free=2 601 143 595 008
      use=10% mount-point="storage-pool" raid-master=none state="clean"

EOF
    ;;
  '/disk monitor-traffic '*' once')
    slot="${'$'}{cmd#/disk monitor-traffic }"; slot="${'$'}{slot% once}"
    case "$slot" in nvme1|storage-pool) ;; *) printf 'no such item\r\n'; exit 0 ;; esac
    n=$(( $(cat "$state/calls" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$state/calls"
    el=$(( $(date +%s) - $(cat "$state/started") ))
    printf '%22s: %15s\r\n' slot "$slot" read-ops $((243401 + n + el*100)) read-bytes $((33131503616 + n*4096 + el*400000)) \
      write-ops $((17667231 + n + el*400)) write-bytes $((515659673600 + n*4096 + el*1600000)) write-rate 12.8Mbps
    printf '\r\n'
    ;;
  # Storage-health answers, canned from the simulator's device model when sshd starts (answers/*).
  ':put [:serialize to=json 1]') answer probe ;;
  ':put [:serialize to=json [/system package print as-value]]') answer packages-json ;;
  '/system package print terse') answer packages-terse ;;
  ':put [:serialize to=json [/disk print detail as-value]]') answer disk-json ;;
  '/disk print terse') answer disk-terse ;;
  '/disk smart-info nvme1') answer smart-nvme1 ;;
  *) printf 'bad command name %s (line 1 column 2)\r\n' "$(printf '%s' "$cmd" | sed 's#^/##; s#[ /].*##')" ;;
esac
exit 0
`;

/** One per-connection sshd process. */
export interface SshdSessionProcess {
  readonly pid: number;
  /** `priv`: the root monitor (`sshd: user [priv]`); `user`: the process speaking SSH (`sshd: user@notty`). */
  readonly kind: 'priv' | 'user';
}

export interface TestSshdOptions {
  /** Identity `/system identity print` reports. @default 'mikrotik-e2e' */
  readonly identity?: string;
  /**
   * sshd `MaxStartups` (unauthenticated connections at once, `start:rate:full` or one number).
   * @default '200:30:400'
   */
  readonly maxStartups?: string;
  /** sshd `MaxSessions` (open channels per connection). @default 10 */
  readonly maxSessions?: number;
  /** sshd `LoginGraceTime` in seconds (how long an unauthenticated connection is kept). @default 120 */
  readonly loginGraceTime?: number;
}

/** The storage-health commands the forced command answers with canned output, by answer name. */
export const CANNED_STORAGE_COMMANDS = {
  probe: ':put [:serialize to=json 1]',
  'packages-json': ':put [:serialize to=json [/system package print as-value]]',
  'packages-terse': '/system package print terse',
  'disk-json': ':put [:serialize to=json [/disk print detail as-value]]',
  'disk-terse': '/disk print terse',
  'smart-nvme1': '/disk smart-info nvme1',
} as const;

export type CannedAnswer = keyof typeof CANNED_STORAGE_COMMANDS;

/** The size of an adversarial answer: the transport's default output cap, exactly. */
export const ADVERSARIAL_BYTES = 2 * 1024 * 1024;

/**
 * The device behind the canned answers: the same two disks `/disk print detail` lists (nvme1 in the
 * RAID5 `storage-pool`), on the version `/system resource print` reports, at a fixed instant.
 */
function cannedDevice(identity: string): RouterOsDevice {
  const nvme1 = rds2216Disks().find((d) => d.slot === 'nvme1')!;
  const disks: SimulatedDisk[] = [
    { ...nvme1, raidRole: 0 },
    { slot: 'storage-pool', type: 'raid', model: 'RAID5 parity', raidLevel: '5', sizeBytes: 2_880_591_372_288, freeBytes: 2_601_143_595_008, fs: 'btrfs', fsLabel: 'storage-pool' },
  ];
  return new RouterOsDevice({ identity, version: '7.19.4 (stable)', buildTime: '2025-06-02 09:14:31', disks }, () => Date.UTC(2026, 9, 1, 8));
}

export class TestSshd {
  readonly host = '127.0.0.1';
  readonly user = E2E_USER;
  /** OpenSSH private key authorized for {@link user}; also written to {@link clientKeyFile}. */
  readonly clientPrivateKey: string;
  readonly clientKeyFile: string;
  private readonly clientPublicKey: string;
  private child?: ChildProcess;
  private watchdog?: ChildProcess;
  private fingerprint = '';

  private readonly keysDir: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    mkdirSync(KEYS_ROOT, { recursive: true, mode: 0o755 });
    chmodSync(KEYS_ROOT, 0o755);
    this.keysDir = join(KEYS_ROOT, basename(dir));
    mkdirSync(this.keysDir, { mode: 0o755 });
    const pair = generateKeyPair('ed25519'); // re-draws ssh2's occasional malformed ed25519 key
    this.clientPrivateKey = pair.private;
    this.clientPublicKey = pair.public;
    this.clientKeyFile = join(dir, 'client_key');
    writeFileSync(this.clientKeyFile, pair.private, { mode: 0o600 });
  }

  /** Creates the user, config, keys and script, and starts sshd; resolves when it serves a banner. */
  static async start(options: TestSshdOptions = {}): Promise<TestSshd> {
    requireSshd();
    ensureUser();
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const dir = mkdtempSync(join(tmpdir(), 'rds-e2e-sshd-'));
    // The forced command runs as the test user: it must reach the script and its state dir.
    chmodSync(dir, 0o755);
    const sshd = new TestSshd(dir, await freePort());
    sshd.writeScript(options.identity ?? 'mikrotik-e2e');
    sshd.writeHostKey();
    sshd.authorizeKey();
    sshd.writeConfig(options);
    await sshd.startListener();
    return sshd;
  }

  /** `SHA256:` fingerprint of the current host key, from `ssh-keygen -lf`. */
  get hostKeyFingerprint(): string {
    return this.fingerprint;
  }

  /** PID of the listening sshd, undefined while stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return join(this.dir, 'sshd.log');
  }

  /** Starts the listener again (after {@link stopListener}). */
  async startListener(): Promise<void> {
    if (this.child) return;
    const child = spawn(SSHD, ['-D', '-f', join(this.dir, 'sshd_config'), '-E', this.logFile], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    // If this test process dies without stop() (killed by a timeout), a watchdog in its own process
    // group stops the orphaned listener; it exits by itself once sshd is gone.
    const watchdog = spawn(
      '/bin/sh',
      ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill ${child.pid} 2>/dev/null`],
      { stdio: 'ignore', detached: true },
    );
    watchdog.unref();
    this.watchdog = watchdog;
    try {
      await waitForBanner(this.port, 10_000);
    } catch (err) {
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2000) : '';
      await this.stopListener();
      throw new Error(`sshd did not come up on 127.0.0.1:${this.port}: ${(err as Error).message}\n${log}`, { cause: err });
    }
  }

  /**
   * Stops the listener by PID (new connections are refused). Per-connection processes survive it,
   * as with a real `systemctl stop ssh`; kill them with {@link killSessions}.
   */
  async stopListener(): Promise<void> {
    this.watchdog?.kill('SIGKILL');
    this.watchdog = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
    // The kernel closes the listening socket with the process; wait until connects are refused.
    await waitUntil(async () => !(await canConnect(this.port)), 5000, 'sshd to stop listening');
  }

  async restart(): Promise<void> {
    await this.stopListener();
    await this.startListener();
  }

  /** Stops everything: sessions, listener, temp dir. Idempotent. */
  async stop(): Promise<void> {
    this.killSessions('all', 'SIGKILL');
    await this.stopListener();
    this.killSessions('all', 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.keysDir, { recursive: true, force: true });
  }

  /**
   * Rewrites sshd_config with other limits and restarts the listener. Connections already open keep
   * the limits they started with (their sshd processes read the config at accept).
   */
  async reconfigure(options: Pick<TestSshdOptions, 'maxStartups' | 'maxSessions' | 'loginGraceTime'>): Promise<void> {
    this.writeConfig(options);
    await this.restart();
  }

  /** Generates a new host key; takes effect for new connections after a listener restart. */
  async changeHostKey(): Promise<string> {
    const key = join(this.dir, 'ssh_host_ed25519_key');
    if (!existsSync(key + '.previous')) {
      copyFileSync(key, key + '.previous');
      copyFileSync(key + '.pub', key + '.pub.previous');
    }
    this.writeHostKey();
    await this.restart();
    return this.fingerprint;
  }

  /** Puts back the host key the first {@link changeHostKey} replaced, and restarts the listener. */
  async restoreHostKey(): Promise<string> {
    const key = join(this.dir, 'ssh_host_ed25519_key');
    if (existsSync(key + '.previous')) {
      renameSync(key + '.previous', key);
      renameSync(key + '.pub.previous', key + '.pub');
      this.fingerprint = execFileSync('ssh-keygen', ['-lf', key + '.pub']).toString().split(' ')[1]!;
      await this.restart();
    }
    return this.fingerprint;
  }

  /**
   * Makes one canned storage answer 2 MiB of adversarial output (`spaces`: a run of spaces after its
   * first `=` or `:`; `quote`: an opening quote never closed), or the canned answer again (`undefined`).
   * A switch file in the state dir, read by the forced command on every exec.
   */
  setAdversarialAnswer(answer: CannedAnswer, kind: 'spaces' | 'quote' | undefined): void {
    const file = join(this.dir, 'state', `adversarial-${answer}`);
    if (kind === undefined) rmSync(file, { force: true });
    else writeFileSync(file, kind + '\n', { mode: 0o644 });
  }

  /**
   * Makes the device a RouterOS without `:serialize` (every `:put [:serialize ...]` answers `bad
   * command name serialize`), or one with it again. Readers learn this once per connection.
   */
  setJsonSupported(supported: boolean): void {
    const file = join(this.dir, 'state', 'no-json');
    if (supported) rmSync(file, { force: true });
    else writeFileSync(file, '1\n', { mode: 0o644 });
  }

  /** Every command the forced command was run with, oldest first (all connections). */
  commands(): string[] {
    const file = join(this.dir, 'state', 'commands');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0) : [];
  }

  /**
   * Makes every command stall until `hangCommands(false)` (a switch file the forced command polls),
   * while sshd itself keeps answering keepalives: a half-dead session.
   */
  hangCommands(hang: boolean): void {
    const file = join(this.dir, 'state', 'hang');
    if (hang) writeFileSync(file, '1\n', { mode: 0o644 });
    else rmSync(file, { force: true });
  }

  /** Removes the client key from authorized_keys (auth then fails); {@link authorizeKey} restores it. */
  revokeKey(): void {
    writeFileSync(this.authorizedKeysFile, '', { mode: 0o644 });
  }

  /**
   * Writes the client key as the only entry of this sshd's own authorized_keys. It lives under
   * /run (root-owned, not world-writable, so StrictModes accepts it) and is per instance, so two
   * runs using the same test user never overwrite each other's key.
   */
  authorizeKey(): void {
    writeFileSync(this.authorizedKeysFile, this.clientPublicKey + '\n', { mode: 0o644 });
    chmodSync(this.authorizedKeysFile, 0o644);
  }

  private get authorizedKeysFile(): string {
    return join(this.keysDir, 'authorized_keys');
  }

  /**
   * The per-connection processes of THIS sshd: a `[priv]` monitor and a `@notty` one per connection.
   * Found through their sockets (an fd on a TCP socket whose local port is this sshd's), not by
   * name or parentage alone: other test runs may use the same user at the same time, and sessions
   * are re-parented to init when the listener stops. Right after login the unprivileged child still
   * carries its parent's `[priv]` title for a moment (measured): a `[priv]` whose parent is a
   * `[priv]` is that child, reported as `user`.
   */
  sessionProcesses(): SshdSessionProcess[] {
    const inodes = socketInodesOnPort(this.port);
    const raw: Array<{ pid: number; ppid: number; kind: 'priv' | 'user' }> = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let kind: 'priv' | 'user';
      let ppid: number;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        if (cmdline === `sshd: ${E2E_USER} [priv]`) kind = 'priv';
        else if (cmdline === `sshd: ${E2E_USER}@notty`) kind = 'user';
        else continue;
        if (!holdsSocket(Number(entry), inodes)) continue;
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      } catch {
        continue; // exited meanwhile
      }
      raw.push({ pid: Number(entry), ppid, kind });
    }
    const privPids = new Set(raw.filter((p) => p.kind === 'priv').map((p) => p.pid));
    return raw.map((p) => ({ pid: p.pid, kind: p.kind === 'priv' && privPids.has(p.ppid) ? 'user' : p.kind }));
  }

  /** Sessions (connections) the test user has open, counted by their `[priv]` monitors. */
  sessionCount(): number {
    return this.sessionProcesses().filter((p) => p.kind === 'priv').length;
  }

  /** Signals per-connection processes; returns the PIDs signalled. */
  killSessions(which: 'all' | 'priv' | 'user', signal: NodeJS.Signals): number[] {
    const pids: number[] = [];
    for (const p of this.sessionProcesses()) {
      if (which !== 'all' && p.kind !== which) continue;
      try {
        process.kill(p.pid, signal);
        pids.push(p.pid);
      } catch {
        // already gone
      }
    }
    return pids;
  }

  /** Waits until the per-connection processes exist (after a login and its first command). */
  async waitForSessions(count: number, timeoutMs = 5000): Promise<SshdSessionProcess[]> {
    await waitUntil(async () => this.sessionCount() === count && this.sessionProcesses().length === count * 2, timeoutMs, `${count} sshd session(s)`);
    return this.sessionProcesses();
  }

  private writeScript(identity: string): void {
    const state = join(this.dir, 'state');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'identity'), identity + '\n');
    writeFileSync(join(state, 'started'), String(Math.floor(Date.now() / 1000)) + '\n');
    writeFileSync(join(state, 'calls'), '0\n');
    chownSync(state, uidOf(E2E_USER), gidOf(E2E_USER));
    chownSync(join(state, 'calls'), uidOf(E2E_USER), gidOf(E2E_USER));
    writeFileSync(join(this.dir, 'routeros.sh'), ROUTEROS_SCRIPT, { mode: 0o755 });
    const answers = join(this.dir, 'answers');
    mkdirSync(answers, { mode: 0o755 });
    const device = cannedDevice(identity);
    for (const [name, command] of Object.entries(CANNED_STORAGE_COMMANDS)) {
      const text = device.answer(command);
      writeFileSync(join(answers, name), text, { mode: 0o644 });
      // The starts of the adversarial forms (the script pads them to 2 MiB).
      const open = Math.min(...['=', ':'].map((c) => text.indexOf(c)).filter((i) => i >= 0));
      writeFileSync(join(answers, `${name}.spaces`), text.slice(0, Number.isFinite(open) ? open + 1 : 0), { mode: 0o644 });
      const quote = text.indexOf('"');
      writeFileSync(join(answers, `${name}.quote`), quote >= 0 ? text.slice(0, quote + 1) : `${text.slice(0, Math.max(0, text.indexOf('=') + 1))}"`, { mode: 0o644 });
    }
  }

  private writeHostKey(): void {
    const key = join(this.dir, 'ssh_host_ed25519_key');
    rmSync(key, { force: true });
    rmSync(key + '.pub', { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rds-e2e', '-f', key]);
    this.fingerprint = execFileSync('ssh-keygen', ['-lf', key + '.pub']).toString().split(' ')[1]!;
  }

  private writeConfig(options: TestSshdOptions): void {
    const config = [
      `Port ${this.port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(this.dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${join(this.dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${E2E_USER}`,
      `AuthorizedKeysFile ${this.authorizedKeysFile}`,
      'StrictModes yes',
      `ForceCommand ${join(this.dir, 'routeros.sh')}`,
      'PrintMotd no',
      'PrintLastLog no',
      'X11Forwarding no',
      'AllowTcpForwarding no',
      `MaxStartups ${options.maxStartups ?? '200:30:400'}`,
      `MaxSessions ${options.maxSessions ?? 10}`,
      `LoginGraceTime ${options.loginGraceTime ?? 120}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n');
    writeFileSync(join(this.dir, 'sshd_config'), config, { mode: 0o600 });
    execFileSync(SSHD, ['-t', '-f', join(this.dir, 'sshd_config')]);
  }
}

/** Inodes of the IPv4 TCP sockets whose local port is `port` (from /proc/net/tcp). */
function socketInodesOnPort(port: number): Set<string> {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 9 && cols[1]!.endsWith(hexPort)) inodes.add(cols[9]!);
  }
  return inodes;
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) return true;
    } catch {
      // fd closed meanwhile
    }
  }
  return false;
}

function ensureUser(): void {
  try {
    execFileSync('id', ['-u', E2E_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/bash', E2E_USER]);
  }
  // useradd leaves '!' (locked): with UsePAM no, sshd refuses even key logins for a locked account.
  execFileSync('usermod', ['-p', '*', E2E_USER]);
}

function passwdEntry(user: string): string[] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(user + ':'));
  if (!line) throw new Error(`user ${user} not found`);
  return line.split(':');
}

const uidOf = (user: string): number => Number(passwdEntry(user)[2]);
const gidOf = (user: string): number => Number(passwdEntry(user)[3]);

/** A free port on 127.0.0.1 (bind 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function readBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('no banner'));
    }, 2000);
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) {
        clearTimeout(timer);
        sock.destroy();
        resolve(buf.split('\n')[0]!.trim());
      }
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function waitForBanner(port: number, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      try {
        return (await readBanner(port)).startsWith('SSH-2.0-OpenSSH');
      } catch {
        return false;
      }
    },
    timeoutMs,
    'the sshd banner',
  );
}

/** Polls `cond` every 20 ms until it holds; fails after `timeoutMs` (real-peer tests only). */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends `signal` to each PID that still exists; returns the PIDs signalled. */
export function signalPids(pids: readonly number[], signal: NodeJS.Signals): number[] {
  const done: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      done.push(pid);
    } catch {
      // gone already
    }
  }
  return done;
}

/** True while `pid` is a live process (zombies awaiting their parent's wait() count as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
