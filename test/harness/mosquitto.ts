/**
 * Real-broker test harness: a private Mosquitto per test file, on a free loopback port.
 *
 * Exports
 * -------
 *   startBroker(opts?)  → Promise<BrokerHandle>   create + start (the usual entry point)
 *   createBroker(opts?) → Promise<BrokerHandle>   allocate the port, write the config, do NOT start yet
 *                                                 (for "broker comes up late" tests: connect to `url`, then `start()`)
 *   freePort()          → Promise<number>         a currently free 127.0.0.1 port (bind :0, close)
 *   makeTestCerts(dir)  → TestCerts               CA + server cert for localhost/127.0.0.1 (SAN), via `openssl`
 *   makePasswordFile(path, users)                 `mosquitto_passwd -b -c` / `-b` for each user
 *   mosquittoBinary()   → string | null           resolved broker binary (MOSQUITTO_BIN, PATH, /usr/sbin)
 *   stopAllBrokers()    → Promise<void>           stop every broker this process started (safety net for afterAll)
 *
 * BrokerHandle
 *   kind: 'mosquitto' | 'aedes'        which broker actually runs
 *   host '127.0.0.1', port, url ('mqtt://127.0.0.1:<port>')
 *   tlsPort?, tlsUrl? ('mqtts://localhost:<tlsPort>'), certs? (PEM strings + paths) when opts.tls
 *   dir (temp dir: mosquitto.conf, mosquitto.log, passwd, certs, persistence db), logPath
 *   pid: number | undefined           broker PID (undefined for the in-process aedes fallback)
 *   running: boolean
 *   persistent: boolean               true when QoS 1 session queues survive stop()+start() (Mosquitto, or the
 *                                     aedes fallback, whose in-memory store survives because the instance is kept)
 *   start()   start (again) on the SAME port(s); resolves when the port(s) accept TCP connections
 *   stop()    SIGTERM by PID, wait for exit; SIGKILL after `stopGraceMs` (default 5 s). Mosquitto saves its
 *             persistence DB on SIGTERM, so stop()+start() keeps sessions, queued messages and retained messages.
 *   kill()    SIGKILL by PID (no DB save), wait for exit
 *   restart() stop() + start()
 *   setUsers(users) replace the users/passwords; takes effect at the next start() (Mosquitto reads its password
 *             file at start; the aedes fallback likewise), e.g. setUsers(...) + restart() to rotate a password
 *   readLog() the broker log so far ('' if none)
 *   countLog(re) number of log lines matching `re` (e.g. /not authori[sz]ed/)
 *   dispose() stop (if running) and remove the temp dir; idempotent. Call it in afterAll.
 *
 * Options (BrokerOptions)
 *   users?: Record<string, string>    enables a password file; anonymous access is then refused
 *   allowAnonymous?: boolean          default: true without users, false with users
 *   tls?: boolean                     adds a TLS listener (certs generated into the temp dir)
 *   persistence?: boolean             default true
 *   port?: number                     fixed plain port (default: a free one, re-picked on EADDRINUSE)
 *   extraConfig?: string[]            more mosquitto.conf lines
 *   stockLimits?: boolean             Mosquitto's default queue/in-flight limits (else unlimited, as for benchmarks)
 *   kind?: 'auto' | 'mosquitto' | 'aedes'   default 'auto': Mosquitto when installed, else aedes.
 *       When process.env.CI is set, 'auto' means Mosquitto and fails loudly if it cannot start.
 *   startTimeoutMs?: number (10 s), stopGraceMs?: number (5 s)
 *
 * See also test/harness/proxy.ts: startProxy(port) cuts and restores one client's TCP path while the broker runs.
 *
 * Never uses port 1883 and never touches a system Mosquitto instance: it only signals PIDs it spawned.
 * Missing binaries: run `scripts/ensure-mosquitto.sh` (apt-get installs mosquitto, mosquitto-clients, openssl).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, accessSync, constants as fsConstants } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface BrokerOptions {
  users?: Record<string, string>;
  allowAnonymous?: boolean;
  tls?: boolean;
  persistence?: boolean;
  port?: number;
  extraConfig?: string[];
  /** Keep Mosquitto's own queue and in-flight limits (max_queued_messages 1000, max_inflight_messages 20) instead
   *  of the unlimited ones the benchmarks use: the broker's in-flight window then applies, as on a stock broker. */
  stockLimits?: boolean;
  kind?: 'auto' | 'mosquitto' | 'aedes';
  startTimeoutMs?: number;
  stopGraceMs?: number;
}

export interface TestCerts {
  dir: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  /** PEM of the test CA (pass as `tls.ca`). */
  ca: string;
  cert: string;
  key: string;
}

export interface BrokerHandle {
  readonly kind: 'mosquitto' | 'aedes';
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly tlsPort: number | undefined;
  readonly tlsUrl: string | undefined;
  readonly certs: TestCerts | undefined;
  readonly dir: string;
  readonly logPath: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  readonly persistent: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  setUsers(users: Record<string, string>): void;
  readLog(): string;
  countLog(re: RegExp): number;
  dispose(): Promise<void>;
}

const HOST = '127.0.0.1';
const FORBIDDEN_PORT = 1883;
const ENSURE_HINT = 'run scripts/ensure-mosquitto.sh (installs mosquitto, mosquitto-clients and openssl via apt-get)';

// ---------------------------------------------------------------------------------------------- utilities

function which(bin: string, extraDirs: string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs].filter(Boolean);
  for (const d of dirs) {
    const p = path.join(d, bin);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** The Mosquitto broker binary: $MOSQUITTO_BIN, then PATH, then /usr/sbin and /usr/local/sbin. */
export function mosquittoBinary(): string | null {
  const env = process.env.MOSQUITTO_BIN;
  if (env) return existsSync(env) ? env : null;
  return which('mosquitto', ['/usr/sbin', '/usr/local/sbin']);
}

function mosquittoPasswdBinary(): string | null {
  return which('mosquitto_passwd', ['/usr/bin', '/usr/sbin', '/usr/local/bin']);
}

/** A port that is free right now on 127.0.0.1 (never 1883). Racy by nature: callers retry on EADDRINUSE. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen(0, HOST, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    if (port !== FORBIDDEN_PORT && port > 0) return port;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tcpProbe(port: number, timeoutMs = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Poll until every port accepts TCP connections; `abort()` returning a string stops early with that error. */
async function waitForPorts(ports: number[], timeoutMs: number, abort: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(ports);
  while (pending.size > 0) {
    const why = abort();
    if (why) throw new Error(why);
    for (const p of [...pending]) if (await tcpProbe(p)) pending.delete(p);
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`broker did not accept TCP connections on ${[...pending].join(', ')} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A CA and a server certificate for localhost / 127.0.0.1 (SAN), generated with `openssl` into `dir`. */
export function makeTestCerts(dir: string): TestCerts {
  if (!which('openssl')) throw new Error(`openssl not found: ${ENSURE_HINT}`);
  const p = (f: string) => path.join(dir, f);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=tars-contracts test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(p('server.ext'), [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  run(['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('server.crt'), '-days', '2', '-extfile', p('server.ext')]);
  return {
    dir, caPath: p('ca.crt'), certPath: p('server.crt'), keyPath: p('server.key'),
    ca: readFileSync(p('ca.crt'), 'utf8'), cert: readFileSync(p('server.crt'), 'utf8'), key: readFileSync(p('server.key'), 'utf8'),
  };
}

/** Writes a Mosquitto password file with `mosquitto_passwd -b` (the file is created by the first call with -c). */
export function makePasswordFile(file: string, users: Record<string, string>): void {
  const bin = mosquittoPasswdBinary();
  if (!bin) throw new Error(`mosquitto_passwd not found: ${ENSURE_HINT}`);
  let first = true;
  for (const [user, pass] of Object.entries(users)) {
    execFileSync(bin, first ? ['-b', '-c', file, user, pass] : ['-b', file, user, pass], { stdio: ['ignore', 'pipe', 'pipe'] });
    first = false;
  }
}

// ----------------------------------------------------------------------------------------- process safety

const live = new Set<BrokerHandle>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a test file forgets dispose() or crashes: never leave a broker behind.
  // Also removes the temp dirs of brokers that were stopped but never disposed (KEEP_BROKER_DIR keeps them).
  process.once('exit', () => {
    for (const b of live) {
      if (b.pid !== undefined && b.running) {
        try {
          process.kill(b.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      if (!process.env.KEEP_BROKER_DIR) {
        try {
          rmSync(b.dir, { recursive: true, force: true });
        } catch {
          /* best effort */
        }
      }
    }
  });
}

/** Stops every broker started by this process (idempotent). */
export async function stopAllBrokers(): Promise<void> {
  await Promise.all([...live].map((b) => b.dispose()));
}

// ------------------------------------------------------------------------------------------- mosquitto

class MosquittoBroker implements BrokerHandle {
  readonly kind = 'mosquitto' as const;
  readonly host = HOST;
  readonly persistent: boolean;
  readonly dir: string;
  readonly logPath: string;
  readonly certs: TestCerts | undefined;
  port: number;
  tlsPort: number | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';
  private exitInfo: string | null = null;
  private readonly confPath: string;
  private readonly fixedPort: boolean;
  private disposed = false;

  constructor(private readonly bin: string, private readonly opts: BrokerOptions, port: number, tlsPort: number | undefined) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'tars-mosq-'));
    this.logPath = path.join(this.dir, 'mosquitto.log');
    this.confPath = path.join(this.dir, 'mosquitto.conf');
    this.persistent = opts.persistence !== false;
    this.port = port;
    this.tlsPort = tlsPort;
    this.fixedPort = opts.port !== undefined;
    this.certs = opts.tls ? makeTestCerts(this.dir) : undefined;
    if (opts.users) makePasswordFile(path.join(this.dir, 'passwd'), opts.users);
    this.writeConfig();
  }

  get url(): string {
    return `mqtt://${HOST}:${this.port}`;
  }
  get tlsUrl(): string | undefined {
    return this.tlsPort === undefined ? undefined : `mqtts://localhost:${this.tlsPort}`;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.exitInfo === null;
  }

  private writeConfig(): void {
    const o = this.opts;
    const allowAnon = o.allowAnonymous ?? !o.users;
    const lines = [
      '# generated by test/harness/mosquitto.ts',
      // Running as root, mosquitto would drop to the `mosquitto` user and could not write the temp dir.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'per_listener_settings false',
      `allow_anonymous ${allowAnon ? 'true' : 'false'}`,
      ...(o.users ? [`password_file ${path.join(this.dir, 'passwd')}`] : []),
      `persistence ${this.persistent ? 'true' : 'false'}`,
      `persistence_location ${this.dir}/`,
      'persistence_file mosquitto.db',
      'autosave_interval 0',
      'set_tcp_nodelay true',
      `log_dest file ${this.logPath}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      'log_timestamp true',
      'connection_messages true',
      ...(o.stockLimits ? [] : ['max_queued_messages 1000000', 'max_inflight_messages 0']),
      '',
      `listener ${this.port} ${HOST}`,
    ];
    if (this.certs && this.tlsPort !== undefined) {
      lines.push(
        '',
        `listener ${this.tlsPort} ${HOST}`,
        `cafile ${this.certs.caPath}`,
        `certfile ${this.certs.certPath}`,
        `keyfile ${this.certs.keyPath}`,
        'require_certificate false',
      );
    }
    lines.push(...(o.extraConfig ?? []), '');
    writeFileSync(this.confPath, lines.join('\n'));
  }

  setUsers(users: Record<string, string>): void {
    if (!this.opts.users) throw new Error('setUsers(): start the broker with `users` to enable password authentication');
    rmSync(path.join(this.dir, 'passwd'), { force: true });
    makePasswordFile(path.join(this.dir, 'passwd'), users);
  }

  readLog(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  countLog(re: RegExp): number {
    const flags = re.flags.replace('g', '');
    const one = new RegExp(re.source, flags);
    return this.readLog().split('\n').filter((l) => one.test(l)).length;
  }

  private spawnOnce(): void {
    this.stderr = '';
    this.exitInfo = null;
    const child = spawn(this.bin, ['-c', this.confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // A running broker must not keep the test process alive: a script that forgets stop() still exits
    // (the exit hook then SIGKILLs the broker). Pending waits keep their own timers, so events still arrive.
    child.unref();
    for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = `exited (code ${code}, signal ${signal})`;
        resolve();
      });
      child.once('error', (err) => {
        this.exitInfo = `failed to spawn: ${err.message}`;
        resolve();
      });
    });
  }

  private tail(): string {
    const log = this.readLog().split('\n').slice(-15).join('\n');
    return `\n--- stderr ---\n${this.stderr.trim()}\n--- ${this.logPath} (tail) ---\n${log.trim()}`;
  }

  async start(): Promise<void> {
    if (this.disposed) throw new Error('broker disposed');
    if (this.running) return;
    const timeout = this.opts.startTimeoutMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      this.spawnOnce();
      try {
        const ports = [this.port, ...(this.tlsPort !== undefined ? [this.tlsPort] : [])];
        await waitForPorts(ports, timeout, () => (this.exitInfo ? `mosquitto ${this.exitInfo}` : null));
        // The port accepting TCP could be someone else's socket if our child died meanwhile.
        if (!this.running) throw new Error(`mosquitto ${this.exitInfo}`);
        return;
      } catch (err) {
        if (this.running) await this.kill();
        const inUse = /address already in use/i.test(this.stderr + this.readLog());
        if (inUse && attempt < 8) {
          if (!this.fixedPort && !this.everStarted) {
            // First start on an auto-picked port that got taken: pick fresh ports.
            this.port = await freePort();
            if (this.tlsPort !== undefined) this.tlsPort = await freePort();
            this.writeConfig();
          } else {
            await sleep(100 * attempt); // same port required (restart): the old socket may linger briefly
          }
          continue;
        }
        throw new Error(`could not start mosquitto on ${HOST}:${this.port}: ${(err as Error).message}${this.tail()}`);
      } finally {
        if (this.running) this.everStarted = true;
      }
    }
  }
  private everStarted = false;

  private async signalAndWait(sig: NodeJS.Signals, graceMs: number): Promise<boolean> {
    const child = this.child;
    if (!child?.pid || !this.running) return true;
    try {
      process.kill(child.pid, sig);
    } catch {
      /* gone already */
    }
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    try {
      return await Promise.race([this.exited.then(() => true), t]);
    } finally {
      clearTimeout(timer); // never keep the event loop alive after the broker exited
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const ok = await this.signalAndWait('SIGTERM', this.opts.stopGraceMs ?? 5_000);
    if (!ok) await this.kill();
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    const ok = await this.signalAndWait('SIGKILL', 5_000);
    if (!ok) throw new Error(`mosquitto pid ${this.pid} did not exit after SIGKILL`);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stop();
    this.disposed = true;
    live.delete(this);
    if (!process.env.KEEP_BROKER_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------- aedes (local fallback)

type AedesModule = typeof import('aedes');
type AedesInstance = InstanceType<AedesModule['Aedes']>;

class AedesBroker implements BrokerHandle {
  readonly kind = 'aedes' as const;
  readonly host = HOST;
  /** The Aedes instance (and its in-memory persistence) is kept across stop()/start(). */
  readonly persistent = true;
  readonly dir: string;
  readonly logPath: string;
  readonly certs: TestCerts | undefined;
  readonly pid = undefined;
  port: number;
  tlsPort: number | undefined;
  private aedes: AedesInstance | undefined;
  private servers: net.Server[] = [];
  private sockets = new Set<net.Socket>();
  private disposed = false;
  private logLines: string[] = [];

  constructor(private readonly opts: BrokerOptions, port: number, tlsPort: number | undefined) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'tars-aedes-'));
    this.logPath = path.join(this.dir, 'aedes.log');
    this.port = port;
    this.tlsPort = tlsPort;
    this.certs = opts.tls ? makeTestCerts(this.dir) : undefined;
  }

  get url(): string {
    return `mqtt://${HOST}:${this.port}`;
  }
  get tlsUrl(): string | undefined {
    return this.tlsPort === undefined ? undefined : `mqtts://localhost:${this.tlsPort}`;
  }
  get running(): boolean {
    return this.servers.length > 0;
  }

  private log(line: string): void {
    const l = `${Math.floor(Date.now() / 1000)}: ${line}`;
    this.logLines.push(l);
    try {
      writeFileSync(this.logPath, `${l}\n`, { flag: 'a' });
    } catch {
      /* dir gone */
    }
  }

  setUsers(users: Record<string, string>): void {
    if (!this.opts.users) throw new Error('setUsers(): start the broker with `users` to enable password authentication');
    this.pendingUsers = { ...users };
  }
  private pendingUsers: Record<string, string> | undefined;
  private activeUsers: Record<string, string> | undefined;

  readLog(): string {
    return this.logLines.join('\n');
  }
  countLog(re: RegExp): number {
    const one = new RegExp(re.source, re.flags.replace('g', ''));
    return this.logLines.filter((l) => one.test(l)).length;
  }

  private async ensureAedes(): Promise<AedesInstance> {
    if (this.aedes) return this.aedes;
    const { Aedes } = (await import('aedes')) as AedesModule;
    this.activeUsers = this.opts.users;
    const allowAnon = this.opts.allowAnonymous ?? !this.opts.users;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const users = this.activeUsers;
        const ok = username === undefined
          ? allowAnon
          : users !== undefined && Object.hasOwn(users, username) && users[username] === password?.toString();
        if (ok) return done(null, true);
        this.log(`Client ${client.id} disconnected, not authorised.`);
        const err = Object.assign(new Error('not authorised'), { returnCode: 5 as const });
        done(err as Parameters<typeof done>[0], null);
      },
    });
    broker.on('client', (c) => this.log(`New client connected as ${c.id}.`));
    broker.on('clientDisconnect', (c) => this.log(`Client ${c.id} disconnected.`));
    this.aedes = broker;
    return broker;
  }

  private listen(server: net.Server, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async start(): Promise<void> {
    if (this.disposed) throw new Error('broker disposed');
    if (this.running) return;
    const broker = await this.ensureAedes();
    if (this.pendingUsers) {
      this.activeUsers = this.pendingUsers;
      this.pendingUsers = undefined;
    }
    const track = (s: net.Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
      broker.handle(s);
    };
    const plain = net.createServer(track);
    const servers: net.Server[] = [plain];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.listen(plain, this.port);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 8) throw err;
        await sleep(100 * attempt);
      }
    }
    if (this.certs && this.tlsPort !== undefined) {
      const secure = tls.createServer({ cert: this.certs.cert, key: this.certs.key }, (s) => track(s));
      await this.listen(secure, this.tlsPort);
      servers.push(secure);
    }
    this.servers = servers;
    this.log(`aedes listening on ${HOST}:${this.port}`);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const servers = this.servers;
    this.servers = [];
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  kill(): Promise<void> {
    return this.stop();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.stop();
    this.disposed = true;
    live.delete(this);
    const a = this.aedes;
    this.aedes = undefined;
    if (a) await new Promise<void>((r) => a.close(() => r()));
    if (!process.env.KEEP_BROKER_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------- entry points

/** Allocates ports and writes the config; the broker is not started (call `start()`). */
export async function createBroker(opts: BrokerOptions = {}): Promise<BrokerHandle> {
  if (opts.port === FORBIDDEN_PORT) throw new Error('the test harness never uses port 1883 (the system Mosquitto)');
  const inCi = Boolean(process.env.CI);
  const wanted = opts.kind ?? 'auto';
  const bin = mosquittoBinary();
  let kind: 'mosquitto' | 'aedes';
  if (wanted === 'aedes') {
    if (inCi) throw new Error('test harness: the aedes broker is not allowed when CI is set (use Mosquitto)');
    kind = 'aedes';
  } else if (bin) {
    kind = 'mosquitto';
  } else if (wanted === 'mosquitto' || inCi) {
    throw new Error(`test harness: the mosquitto broker binary was not found (PATH, /usr/sbin, $MOSQUITTO_BIN)${inCi ? ' and CI is set, so there is no fallback' : ''}: ${ENSURE_HINT}`);
  } else {
    kind = 'aedes';
    if (!warnedFallback) {
      warnedFallback = true;
      console.warn(`[test harness] mosquitto not installed: falling back to the in-process aedes broker (MQTT 3.1.1 only). To test against Mosquitto, ${ENSURE_HINT}.`);
    }
  }
  const port = opts.port ?? (await freePort());
  const tlsPort = opts.tls ? await freePort() : undefined;
  const broker = kind === 'mosquitto' ? new MosquittoBroker(bin!, opts, port, tlsPort) : new AedesBroker(opts, port, tlsPort);
  live.add(broker);
  installExitHook();
  return broker;
}
let warnedFallback = false;

/** Creates and starts a broker; resolves when its port(s) accept TCP connections. */
export async function startBroker(opts: BrokerOptions = {}): Promise<BrokerHandle> {
  const broker = await createBroker(opts);
  try {
    await broker.start();
  } catch (err) {
    await broker.dispose().catch(() => {});
    throw err;
  }
  return broker;
}
