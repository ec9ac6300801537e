/**
 * errors - every error the runtime exports extends TarsError, has a stable `name` and a `code` that isTarsError
 * knows; and the runtime knows no topic of any contract (health and heartbeat are channels handed to it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as runtime from '../../../runtime/index.js';

const errorClasses = Object.entries(runtime).filter(
  ([name, v]) => typeof v === 'function' && /Error$/.test(name) && (v as { prototype?: unknown }).prototype instanceof Error,
) as [string, new (...args: never[]) => Error][];

describe('errors - one family', () => {
  it('exports the error classes', () => {
    expect(errorClasses.map(([n]) => n).sort()).toEqual([
      'AbortError', 'ClosedError', 'ConfigError', 'ConnectTimeoutError', 'CorrelationError', 'DuplicateCorrelationError',
      'InvalidTopicError', 'NotAuthorizedError', 'NotConnectedError', 'OfflineQueueFullError', 'PayloadTooLargeError',
      'PublishFailedError', 'RequestAbortedError', 'RequestClosedError', 'RequestTimeoutError', 'SerializationError',
      'StreamOverflowError', 'StreamTimeoutError', 'SubscribeFailedError', 'SubscribeTimeoutError', 'TarsError', 'ValidationFailedError',
    ]);
  });

  it.each(errorClasses.filter(([n]) => n !== 'TarsError'))('%s extends TarsError, with its name and a known code', (name, Cls) => {
    expect(Cls.prototype instanceof runtime.TarsError).toBe(true);
    const e = new (Cls as unknown as new (...a: unknown[]) => Error)('a', 'b', 'c', 'd');
    expect(runtime.isTarsError(e)).toBe(true);
    // AbortErrors answer to the name fetch() and Node use
    expect(e.name).toBe(name === 'AbortError' || name === 'RequestAbortedError' ? 'AbortError' : name);
    expect(typeof (e as { code?: unknown }).code).toBe('string');
  });

  it('isTarsError checks the code, not the class', () => {
    const foreign = Object.assign(new Error('x'), { code: 'CLOSED' });
    expect(runtime.isTarsError(foreign, 'CLOSED')).toBe(true);
    expect(runtime.isTarsError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(runtime.isTarsError(new runtime.RequestClosedError('c', 'id'), 'CLOSED')).toBe(true);
  });
});

describe('runtime - knows no contract', () => {
  it('no runtime code names a TARS topic or event type (comments may use them as examples)', () => {
    const dir = fileURLToPath(new URL('../../../runtime/', import.meta.url));
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(dir + f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(src, f).not.toMatch(/system\/(health|keepalive)|health\.status|llm\/|stt\/|tts\//);
    }
  });
});
