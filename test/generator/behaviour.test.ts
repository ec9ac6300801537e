/** validatePayload / validateEnvelope / resolveTopic of generated code, on the fixtures' golden outputs. */
import { describe, expect, it } from 'vitest';
import * as greenhouse from '../fixtures/golden/greenhouse/index.js';
import * as fleet from '../fixtures/golden/fleet/index.js';
import * as edge from '../fixtures/golden/edge/index.js';

describe('resolveTopic - topic resolution', () => {
  it('matches parameters level by level', () => {
    const r = greenhouse.resolveTopic('greenhouse/north/sensors/t-01');
    expect(r?.channel.id).toBe('sensorReading');
    expect(r?.params).toEqual({ zone: 'north', sensor_id: 't-01' });
    const f = fleet.resolveTopic('fleet/eu/robot-7/telemetry');
    expect(f?.channel).toBe(fleet.vehicleTelemetryChannel);
    expect(f?.params).toEqual({ region: 'eu', vehicle_id: 'robot-7' });
  });

  it('prefers a literal channel over a parameterized one', () => {
    expect(greenhouse.resolveTopic('greenhouse/main/status')?.channel.id).toBe('mainZoneStatus');
    expect(greenhouse.resolveTopic('greenhouse/north/status')?.channel.id).toBe('zoneStatus');
    expect(greenhouse.resolveTopic('greenhouse/north/status')?.params).toEqual({ zone: 'north' });
  });

  it('backtracks from a literal level that leads nowhere', () => {
    // 'irrigation' is a literal level of greenhouse/irrigation/request, but here it fills {zone}... and is
    // not in the zone enum, so nothing matches; 'south' is.
    expect(greenhouse.resolveTopic('greenhouse/irrigation/status')).toBeNull();
    expect(greenhouse.resolveTopic('greenhouse/south/status')?.channel.id).toBe('zoneStatus');
  });

  it('enforces parameter enums, levels count and wildcards', () => {
    expect(fleet.resolveTopic('fleet/mars/robot-7/telemetry')).toBeNull();
    expect(fleet.resolveTopic('fleet/eu/robot-7/telemetry/extra')).toBeNull();
    expect(fleet.resolveTopic('fleet/eu/+/telemetry')).toBeNull();
    expect(fleet.resolveTopic('fleet/#')).toBeNull();
    expect(fleet.resolveTopic('')).toBeNull();
  });
});

describe('validatePayload - payload models by topic', () => {
  it('accepts a valid bare payload and reports field errors', () => {
    expect(greenhouse.validatePayload('greenhouse/north/sensors/t-01', { sensor_id: 't', kind: 'humidity', value: 1, taken_at: 2 })).toEqual({ ok: true });
    const r = greenhouse.validatePayload('greenhouse/north/sensors/t-01', { kind: 'wind', value: 'x', taken_at: 1, bogus: true, location: { row: -1, column: 0 } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      { path: '/sensor_id', message: 'is required', rule: 'required' },
      { path: '/bogus', message: 'is not allowed (unknown key)', rule: 'additionalProperties' },
      { path: '/kind', message: 'must be one of "temperature", "humidity", "soil_moisture"', rule: 'enum' },
      { path: '/value', message: 'must be number', rule: 'type' },
      { path: '/location/row', message: 'must be >= 0', rule: 'minimum' },
    ]);
  });

  it('allows extra keys where the model says so, and null where nullable', () => {
    expect(greenhouse.validatePayload('greenhouse/north/status', { zone: 'n', mode: 'off', valves: [], vendor_x: 1, note: null })).toEqual({ ok: true });
    expect(greenhouse.validatePayload('greenhouse/irrigation/reply', { request_id: 'r', steps: [], error: null })).toEqual({ ok: true });
  });

  it('validates the envelope data on enveloped channels', () => {
    expect(fleet.validatePayload('fleet/us/robot-1/command', { kind: 'stop' })).toEqual({ ok: true });
  });

  it('reports the most specific oneOf branch, else the oneOf', () => {
    const move = fleet.validatePayload('fleet/us/robot-1/command', { kind: 'move', waypoints: [] });
    expect(move).toEqual({ ok: false, errors: [{ path: '/waypoints', message: 'must NOT have fewer than 1 items', rule: 'minItems' }] });
    const dock = fleet.validatePayload('fleet/us/robot-1/command', { kind: 'dock' });
    expect(dock).toEqual({ ok: false, errors: [{ path: '/dock_id', message: 'is required', rule: 'required' }] });
    const unknown = fleet.validatePayload('fleet/us/robot-1/command', { kind: 'fly' });
    expect(unknown).toEqual({ ok: false, errors: [{ path: '', message: 'must match exactly one of MoveCommand, StopCommand, DockCommand', rule: 'oneOf' }] });
  });

  it('reports an unknown topic', () => {
    expect(greenhouse.validatePayload('x/y', {})).toEqual({
      ok: false,
      errors: [{ path: '', rule: 'topic', message: 'unknown topic "x/y": no channel of Greenhouse Bus matches it' }],
    });
  });
});

describe('validateEnvelope - whole wire messages by topic', () => {
  const env = { id: 'a', type: 'fleet.telemetry', ts: 1, source: 'r', data: { vehicle_id: 'robot-7', position: { lat: 1, lon: 2 }, status: 'idle' } };

  it('accepts a valid envelope and checks type, keys and data', () => {
    expect(fleet.validateEnvelope('fleet/eu/robot-7/telemetry', env)).toEqual({ ok: true });
    const r = fleet.validateEnvelope('fleet/eu/robot-7/telemetry', { ...env, type: 'fleet.other', extra: 1, data: { ...env.data, position: { lat: 91, lon: 0 } } });
    expect(!r.ok && r.errors).toEqual([
      { path: '/extra', message: 'is not allowed (unknown key)', rule: 'additionalProperties' },
      { path: '/type', message: 'must be "fleet.telemetry"', rule: 'const' },
      { path: '/data/position/lat', message: 'must be <= 90', rule: 'maximum' },
    ]);
  });

  it('accepts every type of an enum-typed envelope', () => {
    const cmd = { type: 'fleet.cmd', data: { kind: 'stop' } };
    expect(fleet.validateEnvelope('fleet/eu/robot-7/command', cmd)).toEqual({ ok: true });
    expect(fleet.vehicleCommandChannel.framing).toEqual({ kind: 'envelope', eventType: 'fleet.command', acceptedTypes: ['fleet.command', 'fleet.cmd'], acceptBare: false, publishBare: false });
  });

  it('on an accept-bare channel still validates envelopes only', () => {
    const alert = { message: 'low battery', severity: 'low' };
    expect(fleet.validateEnvelope('fleet/alerts', alert).ok).toBe(false);
    expect(fleet.validatePayload('fleet/alerts', alert)).toEqual({ ok: true });
  });

  it('on a bare channel validates the message as the bare payload', () => {
    expect(fleet.validateEnvelope('fleet/heartbeat/robot-7', { ok: true })).toEqual({ ok: true });
    expect(fleet.validateEnvelope('fleet/heartbeat/robot-7', { type: 'x', data: {} }).ok).toBe(false);
  });
});

describe('channels - descriptors', () => {
  it('carry address, parameters, qos, retain, framing, correlation and reply', () => {
    const d = fleet.channels.routeRequest;
    expect(d).toMatchObject({ id: 'routeRequest', address: 'fleet/route/request', parameters: [], qos: 1, retain: false, correlation: { location: '$message.payload#/data/id' }, reply: 'routeResponse' });
    expect(fleet.channels.routeResponse.framing).toMatchObject({ acceptBare: true, publishBare: true });
    expect(greenhouse.zoneStatusChannel).toMatchObject({ parameters: ['zone'], qos: 1, retain: true, validateEnvelope: null });
    expect(greenhouse.channels.alarm.qos).toBe(2); // from its only (receive) operation
    expect(greenhouse.channels.sensorReading.parameters).toEqual(['zone', 'sensor_id']);
  });
});

describe('edge - odd names and shapes', () => {
  it('resolves parameters with dashes and validates inline titled payloads', () => {
    expect(edge.resolveTopic('users/u-1/signup')?.params).toEqual({ 'user-id': 'u-1' });
    expect(edge.validatePayload('users/u-1/signup', { name: 'x'.repeat(11), tags: ['a', 'c'], meta: { a: 'x' } })).toEqual({
      ok: false,
      errors: [
        { path: '/name', message: 'must NOT have more than 10 characters', rule: 'maxLength' },
        { path: '/tags/1', message: 'must be one of "a", "b"', rule: 'enum' },
        { path: '/meta/a', message: 'must be number', rule: 'type' },
      ],
    });
    // `format` is checked (ajv-formats, shipped by the runtime)
    expect(edge.validatePayload('ping', 'now')).toEqual({ ok: false, errors: [{ path: '', rule: 'format', message: 'must be a valid date-time' }] });
    expect(edge.validatePayload('ping', '2026-12-06T21:00:00Z')).toEqual({ ok: true });
    expect(edge.validatePayload('pong', 1)).toEqual({
      ok: false,
      errors: [{ path: '', rule: 'topic', message: 'unknown topic "pong": no channel of Edge `cases` */ ${title} matches it' }],
    });
  });
});
