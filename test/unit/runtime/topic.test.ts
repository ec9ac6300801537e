import { describe, expect, it } from 'vitest';
import { buildTopic, InvalidTopicError, parseTopic, topicMatches } from '../../../runtime/index.js';

describe('topic - topicMatches', () => {
  it.each([
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
    ['a/b', 'a/b/c', false],
    ['a/+', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/+', 'a', false],
    ['a/+', 'a/', true],
    ['+/+', '/', true],
    ['+/b/+', 'x/b/y', true],
    ['+/b/+', 'x/c/y', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'ab', false],
    ['a/#', 'b/a', false],
    ['#', 'a/b/c', true],
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['system/health/+', 'system/health/tars-stt', true],
    ['system/health/+', 'system/health', false],
    ['a/+/c/#', 'a/b/c', true],
    ['a/+/c/#', 'a/b/d/e', false],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['$SYS/+/uptime', '$SYS/broker/uptime', true],
  ])('%s vs %s → %s', (filter, topic, want) => {
    expect(topicMatches(filter, topic)).toBe(want);
  });

  it('rejects malformed filters', () => {
    expect(() => topicMatches('a/#/b', 'a')).toThrow(InvalidTopicError);
    expect(() => topicMatches('a/b+', 'a')).toThrow(InvalidTopicError);
  });
});

describe('topic - buildTopic', () => {
  const health = 'system/health/{client_id}';

  it('fills parameters', () => {
    expect(buildTopic(health, { client_id: 'tars-stt' })).toBe('system/health/tars-stt');
    expect(buildTopic('a/{x}/b/{y}', { x: '1', y: '2' })).toBe('a/1/b/2');
    expect(buildTopic('stt/final', undefined)).toBe('stt/final');
  });

  it.each([[''], ['a/b'], ['+'], ['#'], ['x+'], ['x#y'], ['nul\u0000']])('refuses %j on publish', (value) => {
    expect(() => buildTopic(health, { client_id: value })).toThrow(InvalidTopicError);
  });

  it('refuses a missing value on publish', () => {
    expect(() => buildTopic(health, {})).toThrow(/a value is required/);
  });

  it('uses + for missing or wildcard values on subscribe', () => {
    expect(buildTopic(health, undefined, 'subscribe')).toBe('system/health/+');
    expect(buildTopic(health, { client_id: '+' }, 'subscribe')).toBe('system/health/+');
    expect(buildTopic(health, { client_id: 'x' }, 'subscribe')).toBe('system/health/x');
    expect(buildTopic(health, { client_id: '#' }, 'subscribe')).toBe('system/health/#');
    expect(() => buildTopic('a/{x}/b', { x: '#' }, 'subscribe')).toThrow(InvalidTopicError);
    expect(() => buildTopic(health, { client_id: 'a/b' }, 'subscribe')).toThrow(InvalidTopicError);
    expect(() => buildTopic(health, { client_id: '' }, 'subscribe')).toThrow(InvalidTopicError);
  });

  it('fills parameters that share a level with text; a filter holds + there unless every such value is given', () => {
    expect(buildTopic('plant/{site}-line/{id}/t', { site: 'north', id: '7' })).toBe('plant/north-line/7/t');
    expect(buildTopic('dev/dev-{a}-{b}', { a: '1', b: '2' })).toBe('dev/dev-1-2');
    expect(buildTopic('plant/{site}-line/{id}/t', { id: '7' }, 'subscribe')).toBe('plant/+/7/t');
    expect(buildTopic('plant/{site}-line/{id}/t', { site: 'north' }, 'subscribe')).toBe('plant/north-line/+/t');
    expect(() => buildTopic('plant/{site}-line', { site: 'a/b' })).toThrow(InvalidTopicError);
    expect(() => buildTopic('plant/{site}-line', { site: '#' }, 'subscribe')).toThrow(InvalidTopicError);
  });

  it('rejects unbalanced braces', () => {
    expect(() => buildTopic('a/x-{y', { y: '1' })).toThrow(InvalidTopicError);
  });
});

describe('topic - parseTopic', () => {
  it('extracts parameters that share a level with text, and refuses topics that break the pattern', () => {
    expect(parseTopic('plant/{site}-line/{id}/t', 'plant/north-line/7/t')).toEqual({ site: 'north', id: '7' });
    expect(parseTopic('plant/{site}-line/{id}/t', 'plant/north-lane/7/t')).toBeNull();
    expect(parseTopic('acme.{env}.orders.{v}.created', 'acme.prod.orders.2.created')).toEqual({ env: 'prod', v: '2' });
    expect(parseTopic('acme.{env}.orders.{v}.created', 'acme.prod.orders.2.deleted')).toBeNull();
  });

  it('extracts parameters', () => {
    expect(parseTopic('system/health/{client_id}', 'system/health/tars-stt')).toEqual({ client_id: 'tars-stt' });
    expect(parseTopic('a/{x}/b/{y}', 'a/1/b/2')).toEqual({ x: '1', y: '2' });
    expect(parseTopic('stt/final', 'stt/final')).toEqual({});
  });

  it.each([['system/health'], ['system/health/a/b'], ['system/other/a'], ['system/healthy/a']])('returns null for %s', (t) => {
    expect(parseTopic('system/health/{client_id}', t)).toBeNull();
  });
});

describe('topic - values a receiver would read back differently', () => {
  it('publish refuses a value holding the text that separates two parameters of one level, and touching parameters it cannot split', () => {
    expect(buildTopic('dev-{a}-{b}/x', { a: 'p', b: 'q-r' })).toBe('dev-p-q-r/x'); // reads back as a=p, b=q-r
    expect(parseTopic('dev-{a}-{b}/x', 'dev-p-q-r/x')).toEqual({ a: 'p', b: 'q-r' });
    expect(() => buildTopic('dev-{a}-{b}/x', { a: 'p-q', b: 'r' })).toThrow(/would read back as a="p"/);
    expect(() => buildTopic('d/{a}{b}', { a: 'ab', b: 'cd' })).toThrow(/would read back as a="a"/);
    expect(buildTopic('d/{a}{b}', { a: 'a', b: 'bcd' })).toBe('d/abcd');
    // a filter is not refused: '+' stands for the whole level
    expect(buildTopic('d/{a}{b}', { a: '+' }, 'subscribe')).toBe('d/+');
  });

  it('a parameter named __proto__ is an own value, not the prototype; an empty level does not fit', () => {
    const p = parseTopic('x/{__proto__}/y', 'x/v/y')!;
    expect(Object.keys(p)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toBe('v');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(parseTopic('x/{id}/y', 'x//y')).toBeNull();
    expect(parseTopic('x/{id}', 'x/')).toBeNull();
  });
});
