import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, validateConfig, defaultConfig, parseMqttUrl } from '../../../runtime/index.js';

const base = { MQTT_URL: 'mqtt://user:hunter2@broker:1883' };

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    configFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config - configFromEnv defaults', () => {
  it('applies the Python client defaults', () => {
    const c = configFromEnv({ ...base, MQTT_CLIENT_ID: 'tars-stt' });
    expect(c).toMatchObject({
      clientId: 'tars-stt',
      sourceName: 'tars-stt',
      keepalive: 60,
      enableHealth: false,
      enableHeartbeat: false,
      heartbeatInterval: 5,
      dedupeTtl: 0,
      dedupeMaxEntries: 0,
      reconnectMinDelay: 0.5,
      reconnectMaxDelay: 5,
    });
    expect(c.url.host).toBe('broker');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('generates a client id when none is set', () => {
    const a = configFromEnv(base);
    const b = configFromEnv(base);
    expect(a.clientId).toMatch(/^tars-[A-Za-z0-9_-]+-[0-9a-f]{8}$/);
    expect(a.clientId).not.toBe(b.clientId);
    expect(a.sourceName).toBe(a.clientId);
  });

  it('reads every variable', () => {
    const c = configFromEnv({
      MQTT_URL: 'wss://h',
      MQTT_CLIENT_ID: 'cid',
      MQTT_SOURCE_NAME: 'src',
      MQTT_KEEPALIVE: '30',
      MQTT_ENABLE_HEALTH: 'yes',
      MQTT_ENABLE_HEARTBEAT: 'TRUE',
      MQTT_HEARTBEAT_INTERVAL: '2.5',
      MQTT_DEDUPE_TTL: '30',
      MQTT_DEDUPE_MAX_ENTRIES: '100',
      MQTT_RECONNECT_MIN_DELAY: '0.1',
      MQTT_RECONNECT_MAX_DELAY: '0.1',
    });
    expect(c).toMatchObject({
      clientId: 'cid', sourceName: 'src', keepalive: 30, enableHealth: true, enableHeartbeat: true,
      heartbeatInterval: 2.5, dedupeTtl: 30, dedupeMaxEntries: 100, reconnectMinDelay: 0.1, reconnectMaxDelay: 0.1,
    });
  });

  it.each([['1', true], ['0', false], ['true', true], ['False', false], ['yes', true], ['no', false], ['on', true], ['off', false]])(
    'boolean %s', (raw, want) => {
      expect(configFromEnv({ ...base, MQTT_ENABLE_HEALTH: raw }).enableHealth).toBe(want);
    });

  it('MQTT_PROTOCOL_VERSION: 4 by default; 4, 3.1.1, 311, 5, 5.0; anything else names the variable', () => {
    expect(configFromEnv(base).protocolVersion).toBe(4);
    for (const [raw, v] of [['4', 4], ['3.1.1', 4], ['311', 4], ['5', 5], ['5.0', 5]] as const) {
      expect(configFromEnv({ ...base, MQTT_PROTOCOL_VERSION: raw }).protocolVersion).toBe(v);
    }
    const e = configError({ ...base, MQTT_PROTOCOL_VERSION: '3' });
    expect(e.variable).toBe('MQTT_PROTOCOL_VERSION');
    expect(e.message).toMatch(/must be 4 or '3.1.1'/);
  });

  it('treats empty variables as unset', () => {
    const c = configFromEnv({ ...base, MQTT_KEEPALIVE: '', MQTT_ENABLE_HEALTH: ' ', MQTT_CLIENT_ID: 'x' });
    expect(c.keepalive).toBe(60);
    expect(c.enableHealth).toBe(false);
  });

  it('uses 2048 max entries when a TTL is set without one', () => {
    expect(configFromEnv({ ...base, MQTT_DEDUPE_TTL: '30' }).dedupeMaxEntries).toBe(2048);
  });
});

describe('config - configFromEnv errors', () => {
  it.each([
    [{}, 'MQTT_URL', 'required'],
    [{ MQTT_URL: '' }, 'MQTT_URL', 'required'],
    [{ MQTT_URL: 'http://x' }, 'MQTT_URL', 'scheme'],
    [{ ...base, MQTT_CLIENT_ID: 'a/b' }, 'MQTT_CLIENT_ID', "'/'"],
    [{ ...base, MQTT_CLIENT_ID: 'a+' }, 'MQTT_CLIENT_ID', "'+'"],
    [{ ...base, MQTT_KEEPALIVE: '0' }, 'MQTT_KEEPALIVE', '1..3600'],
    [{ ...base, MQTT_KEEPALIVE: '3601' }, 'MQTT_KEEPALIVE', '1..3600'],
    [{ ...base, MQTT_KEEPALIVE: '1.5' }, 'MQTT_KEEPALIVE', 'integer'],
    [{ ...base, MQTT_KEEPALIVE: 'abc' }, 'MQTT_KEEPALIVE', 'integer'],
    [{ ...base, MQTT_ENABLE_HEALTH: 'maybe' }, 'MQTT_ENABLE_HEALTH', 'boolean'],
    [{ ...base, MQTT_ENABLE_HEARTBEAT: '2' }, 'MQTT_ENABLE_HEARTBEAT', 'boolean'],
    [{ ...base, MQTT_HEARTBEAT_INTERVAL: '0' }, 'MQTT_HEARTBEAT_INTERVAL', '> 0'],
    [{ ...base, MQTT_HEARTBEAT_INTERVAL: '-1' }, 'MQTT_HEARTBEAT_INTERVAL', '> 0'],
    [{ ...base, MQTT_HEARTBEAT_INTERVAL: 'fast' }, 'MQTT_HEARTBEAT_INTERVAL', 'number'],
    [{ ...base, MQTT_DEDUPE_TTL: '-1' }, 'MQTT_DEDUPE_TTL', '>= 0'],
    [{ ...base, MQTT_DEDUPE_TTL: 'Infinity' }, 'MQTT_DEDUPE_TTL', 'number'],
    [{ ...base, MQTT_DEDUPE_MAX_ENTRIES: '-5' }, 'MQTT_DEDUPE_MAX_ENTRIES', '>= 0'],
    [{ ...base, MQTT_DEDUPE_MAX_ENTRIES: '2.5' }, 'MQTT_DEDUPE_MAX_ENTRIES', 'integer'],
    [{ ...base, MQTT_DEDUPE_TTL: '10', MQTT_DEDUPE_MAX_ENTRIES: '0' }, 'MQTT_DEDUPE_MAX_ENTRIES', 'MQTT_DEDUPE_TTL > 0'],
    [{ ...base, MQTT_RECONNECT_MIN_DELAY: '0' }, 'MQTT_RECONNECT_MIN_DELAY', '> 0'],
    [{ ...base, MQTT_RECONNECT_MAX_DELAY: 'x' }, 'MQTT_RECONNECT_MAX_DELAY', 'number'],
    [{ ...base, MQTT_RECONNECT_MIN_DELAY: '3', MQTT_RECONNECT_MAX_DELAY: '2' }, 'MQTT_RECONNECT_MAX_DELAY', '>= MQTT_RECONNECT_MIN_DELAY'],
  ])('%j → %s', (env, variable, rule) => {
    const e = configError(env);
    expect(e.variable).toBe(variable);
    expect(e.message).toContain(variable);
    expect(e.message).toContain(rule);
    expect(e.message).not.toContain('hunter2');
  });
});

describe('config - validateConfig and redaction', () => {
  it('names options, not env variables, for programmatic configs', () => {
    const c = defaultConfig(parseMqttUrl('mqtt://h'), 'cid');
    expect(() => validateConfig({ ...c, keepalive: 0 })).toThrow(/^keepalive: /);
    expect(() => validateConfig({ ...c, reconnectMinDelay: 2, reconnectMaxDelay: 1 })).toThrow(/^reconnectMaxDelay: /);
    expect(() => validateConfig({ ...c, clientId: '' })).toThrow(/^clientId: /);
  });

  it('never shows the password', () => {
    const c = configFromEnv({ ...base, MQTT_CLIENT_ID: 'x' });
    expect(inspect(c, { depth: 10 })).not.toContain('hunter2');
    expect(JSON.stringify(c)).not.toContain('hunter2');
    expect(String(c.url)).not.toContain('hunter2');
    expect(c.url.password?.reveal()).toBe('hunter2');
  });
});
