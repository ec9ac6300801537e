/** Spawn a TypeScript worker thread and talk to it with request/response messages. */
import { Worker } from 'node:worker_threads';

export interface BenchWorker {
  /** Send a command and wait for the reply with the same id. */
  call<T = any>(cmd: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Wait for the next unsolicited message of a type (e.g. 'lat'). */
  next<T = any>(type: string, timeoutMs?: number): Promise<T>;
  terminate(): Promise<void>;
  readonly worker: Worker;
}

export async function spawnWorker(file: URL, data: Record<string, unknown>, readyTimeoutMs = 15000): Promise<BenchWorker> {
  const worker = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { ...data, __file: file.href } });
  let seq = 0;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const waiters = new Map<string, Array<{ resolve: (v: any) => void; reject: (e: Error) => void }>>();
  const queued = new Map<string, any[]>();
  let failed: Error | null = null;

  worker.on('message', (m: any) => {
    if (m && typeof m.id === 'number' && pending.has(m.id)) {
      const p = pending.get(m.id)!;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m);
      return;
    }
    const type = String(m?.type);
    const ws = waiters.get(type);
    if (ws && ws.length) ws.shift()!.resolve(m);
    else {
      const q = queued.get(type) ?? [];
      q.push(m);
      queued.set(type, q);
    }
  });
  const fail = (e: Error) => {
    failed = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    for (const ws of waiters.values()) for (const w of ws) w.reject(e);
    waiters.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited (${code})`)));

  const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker: timeout waiting for ${what} (${ms} ms)`)), ms);
      p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
    });

  const api: BenchWorker = {
    worker,
    call(cmd, timeoutMs = 30000) {
      if (failed) return Promise.reject(failed);
      const id = ++seq;
      const p = new Promise<any>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ ...cmd, id });
      return withTimeout(p, timeoutMs, String(cmd.cmd));
    },
    next(type, timeoutMs = 30000) {
      const q = queued.get(type);
      if (q && q.length) return Promise.resolve(q.shift());
      if (failed) return Promise.reject(failed);
      const p = new Promise<any>((resolve, reject) => {
        const ws = waiters.get(type) ?? [];
        ws.push({ resolve, reject });
        waiters.set(type, ws);
      });
      return withTimeout(p, timeoutMs, type);
    },
    async terminate() {
      worker.removeAllListeners('exit');
      try { await api.call({ cmd: 'close' }, 5000); } catch { /* ignore */ }
      await worker.terminate();
    },
  };
  await api.next('ready', readyTimeoutMs);
  return api;
}
