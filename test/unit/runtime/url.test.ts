import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseMqttUrl, redactUrl } from '../../../runtime/index.js';

describe('url - parseMqttUrl', () => {
  it.each([
    ['mqtt://broker', { protocol: 'mqtt', host: 'broker', port: 1883 }],
    ['mqtts://broker', { protocol: 'mqtts', host: 'broker', port: 8883 }],
    ['ws://broker', { protocol: 'ws', host: 'broker', port: 80, path: '/mqtt' }],
    ['wss://broker', { protocol: 'wss', host: 'broker', port: 443, path: '/mqtt' }],
    ['ws://broker:9001/custom', { protocol: 'ws', host: 'broker', port: 9001, path: '/custom' }],
    ['mqtt://[::1]:1884', { protocol: 'mqtt', host: '::1', port: 1884 }],
    ['MQTT://Broker:1999', { protocol: 'mqtt', host: 'broker', port: 1999 }],
    ['  mqtt://10.0.0.2:1 ', { protocol: 'mqtt', host: '10.0.0.2', port: 1 }],
  ])('%s', (given, want) => {
    const u = parseMqttUrl(given);
    expect({ protocol: u.protocol, host: u.host, port: u.port, ...(u.path ? { path: u.path } : {}) }).toEqual(want);
    expect(u.username).toBeUndefined();
    expect(u.password).toBeUndefined();
  });

  it('decodes percent-encoded user and password', () => {
    const u = parseMqttUrl('mqtt://us%40er:p%3Ass%2Fw%40rd@host:1883');
    expect(u.username).toBe('us@er');
    expect(u.password?.reveal()).toBe('p:ss/w@rd');
  });

  it('keeps a user without a password', () => {
    const u = parseMqttUrl('mqtt://alice@host');
    expect(u.username).toBe('alice');
    expect(u.password).toBeUndefined();
    expect(String(u)).toBe('mqtt://alice@host:1883');
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    ['broker:1883', 'must be a URL'],
    ['http://broker', 'scheme must be one of'],
    ['tcp://broker', 'scheme must be one of'],
    ['mqtt://', 'host'],
    ['mqtt://host:0', 'port must be an integer 1..65535'],
    ['mqtt://host:99999', 'valid URL'],
    ['mqtt://us%ZZer:pw@host', 'percent-encoded'],
  ])('rejects %j', (given, rule) => {
    const err = (() => {
      try {
        parseMqttUrl(given);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('MQTT_URL');
    expect((err as ConfigError).message).toContain(rule);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('names a custom variable', () => {
    expect(() => parseMqttUrl('nope://x', 'url')).toThrow(/^url: /);
  });
});

describe('url - redaction', () => {
  const secret = 's3cr3t-Pa55';
  const u = parseMqttUrl(`mqtt://bob:${secret}@host:1883`);

  it('never prints the password', () => {
    expect(String(u)).toBe('mqtt://bob:***@host:1883');
    expect(`${u}`).not.toContain(secret);
    expect(inspect(u, { depth: 10, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(u)).not.toContain(secret);
    expect(JSON.stringify({ u })).not.toContain(secret);
    expect(inspect(u.password)).toBe('Secret(***)');
    expect(String(u.password)).toBe('***');
    expect(u.password?.reveal()).toBe(secret);
  });

  it('error messages of malformed URLs do not contain the password', () => {
    try {
      parseMqttUrl(`mqtt://bob:${secret}@host:0`);
      expect.unreachable();
    } catch (e) {
      expect(String(e)).not.toContain(secret);
      expect(inspect(e)).not.toContain(secret);
    }
  });

  it('redactUrl hides any password', () => {
    expect(redactUrl('mqtt://u:p@h:1')).toBe('mqtt://u:***@h:1');
    expect(redactUrl('wss://:tok:en@h/mqtt')).toBe('wss://:***@h/mqtt');
    expect(redactUrl('mqtt://h:1883')).toBe('mqtt://h:1883');
    expect(redactUrl('failed mqtt://a:b@x and ws://c:d@y')).toBe('failed mqtt://a:***@x and ws://c:***@y');
  });
});
