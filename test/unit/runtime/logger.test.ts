import { describe, expect, it } from 'vitest';
import { correlationOf, createJsonLogger, onShutdownSignals, parseLogLevel, serializeError } from '../../../runtime/index.js';

describe('logger - JSON lines', () => {
  it('writes one JSON object per line at or above the level', () => {
    const out: string[] = [];
    const log = createJsonLogger({ level: 'info', write: (l) => out.push(l), bindings: { svc: 'x' } });
    log.debug({ a: 1 }, 'hidden');
    log.info({ a: 1 }, 'shown');
    log.error('plain');
    expect(out).toHaveLength(2);
    expect(out.every((l) => l.endsWith('\n'))).toBe(true);
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'info', svc: 'x', a: 1, msg: 'shown' });
    expect(JSON.parse(out[1]!)).toMatchObject({ level: 'error', msg: 'plain' });
    expect(log.isLevelEnabled?.('debug')).toBe(false);
    expect(log.isLevelEnabled?.('warn')).toBe(true);
  });

  it('child loggers add bindings', () => {
    const out: string[] = [];
    const log = createJsonLogger({ level: 'trace', write: (l) => out.push(l) }).child!({ client_id: 'c' });
    log.trace({}, 't');
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'trace', client_id: 'c' });
  });

  it('redacts URL passwords and serialises errors', () => {
    const out: string[] = [];
    const log = createJsonLogger({ level: 'info', write: (l) => out.push(l) });
    log.warn({ url: 'mqtt://u:pw-123@h:1883', err: new Error('ws://a:pw-456@h failed') }, 'x');
    expect(out[0]).not.toContain('pw-123');
    expect(out[0]).not.toContain('pw-456');
    expect(JSON.parse(out[0]!).err).toMatchObject({ type: 'Error', message: 'ws://a:***@h failed' });
    expect(serializeError('s')).toEqual({ type: 'string', message: 's' });
  });

  it('parses LOG_LEVEL values', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('nonsense')).toBe('info');
    expect(parseLogLevel(undefined, 'warn')).toBe('warn');
  });

  it('extracts correlation ids', () => {
    expect(correlationOf('e1', { utt_id: 'u', id: 'r', request_id: 7, call_id: 'c', other: 'x' })).toEqual({
      envelope_id: 'e1', utt_id: 'u', id: 'r', request_id: '7', call_id: 'c',
    });
    expect(correlationOf(undefined, [1])).toEqual({});
  });
});

describe('shutdown - onShutdownSignals', () => {
  it('closes the client on a signal, once, and dispose removes the handlers', async () => {
    let closes = 0;
    const client = { close: async () => void closes++ };
    const before = process.listenerCount('SIGUSR2');
    const dispose = onShutdownSignals(client, { signals: ['SIGUSR2'], exit: false });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((r) => setImmediate(r));
    expect(closes).toBe(1);
    dispose();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });
});
