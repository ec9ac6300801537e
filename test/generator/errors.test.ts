/** Invalid documents give readable diagnostics (`<message> at <JSON pointer> (line N)`) and write nothing. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractLoadError, formatDiagnostic, loadContractFromString, type Diagnostic } from '../../generator/load.js';
import { main } from '../../generator/cli/main.js';
import { captureOutput, readFixture } from './helpers.js';

const greenhouse = readFixture('greenhouse');
const fleet = readFixture('fleet');

function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

async function diagnosticsOf(text: string): Promise<Diagnostic[]> {
  try {
    await loadContractFromString(text, 'doc.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ContractLoadError);
    return [...(e as ContractLoadError).diagnostics];
  }
  throw new Error('expected the document to be rejected');
}

describe('errors - documents the generator rejects', () => {
  it('broken YAML', async () => {
    const ds = await diagnosticsOf('asyncapi: 3.0.0\ninfo: [unclosed\nchannels: {}\n');
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toMatch(/^invalid YAML: /);
    expect(ds[0]!.pointer).toBe('#');
    expect(ds[0]!.line).toBeGreaterThan(1);
  });

  it('a broken $ref', async () => {
    const ds = await diagnosticsOf(edit(greenhouse, "kind: { $ref: '#/components/schemas/SensorKind' }", "kind: { $ref: '#/components/schemas/SensorKindz' }"));
    const d = ds.find((x) => x.pointer === '#/components/schemas/SensorReading/properties/kind/$ref');
    expect(d?.message).toBe('broken $ref "#/components/schemas/SensorKindz": the document has nothing there');
    expect(d?.line).toBe(greenhouse.split('\n').findIndex((l) => l.includes("kind: { $ref: '#/components/schemas/SensorKind' }")) + 1);
  });

  it('an invalid QoS', async () => {
    const ds = await diagnosticsOf(edit(fleet, 'bindings: { mqtt: { qos: 2, retain: false', 'bindings: { mqtt: { qos: 5, retain: false'));
    expect(ds).toContainEqual(
      expect.objectContaining({ message: 'invalid QoS 5: must be 0, 1 or 2', pointer: '#/operations/sendVehicleCommand/bindings/mqtt/qos' }),
    );
    expect(ds).toHaveLength(1);
  });

  it('an operation on an unknown channel', async () => {
    const ds = await diagnosticsOf(edit(fleet, "channel: { $ref: '#/channels/fleetAlert' }", "channel: { $ref: '#/channels/fleetAlerts' }"));
    expect(ds).toEqual([
      expect.objectContaining({
        message: 'operation "sendFleetAlert" references unknown channel "#/channels/fleetAlerts"',
        pointer: '#/operations/sendFleetAlert/channel/$ref',
      }),
    ]);
    expect(formatDiagnostic(ds[0]!)).toMatch(/^operation "sendFleetAlert" references unknown channel "#\/channels\/fleetAlerts" at #\/operations\/sendFleetAlert\/channel\/\$ref \(line \d+\)$/);
  });

  it.each([
    [
      'an envelope whose type does not accept the canonical type',
      () => edit(fleet, 'type: { type: string, const: fleet.telemetry }', 'type: { type: string, const: fleet.telemetry.v2 }'),
      'envelope "type" of "VehicleTelemetryEnvelope" does not accept the canonical type "fleet.telemetry" (accepts "fleet.telemetry.v2")',
      '#/components/schemas/VehicleTelemetryEnvelope/properties/type',
    ],
    [
      'an envelope without data',
      () => edit(fleet, "        data: { $ref: '#/components/schemas/Alert' }\n", ''),
      'envelope payload "FleetAlertEnvelope" has no "data" property (the payload model)',
      '#/components/schemas/FleetAlertEnvelope/properties',
    ],
  ])('%s', async (_, doc, message, pointer) => {
    const ds = await diagnosticsOf(doc());
    expect(ds).toContainEqual(expect.objectContaining({ message, pointer }));
  });

  describe('shapes generated with a warning, not refused', () => {
    async function warningsOf(text: string) {
      const ir = await loadContractFromString(text, 'doc.yaml');
      return { ir, warnings: ir.warnings ?? [] };
    }
    it('a channel without message: warned, left out', async () => {
      const { ir, warnings } = await warningsOf(edit(greenhouse, "    messages:\n      Alarm:\n        $ref: '#/components/messages/Alarm'\n", ''));
      expect(warnings).toContainEqual(expect.objectContaining({ message: 'channel "alarm" declares no message: nothing is generated for it', pointer: '#/channels/alarm' }));
      expect(ir.channels.map((c) => c.id)).not.toContain('alarm');
    });
    it('two channel ids giving the same function names: the later id (sorted) gets a numeric suffix', async () => {
      const { ir, warnings } = await warningsOf(
        edit(greenhouse, '  alarm:\n', "  sensor-reading:\n    address: greenhouse/x\n    messages:\n      Alarm:\n        $ref: '#/components/messages/Alarm'\n  alarm:\n"),
      );
      expect(warnings).toContainEqual(
        expect.objectContaining({ message: 'channels "sensor-reading" and "sensorReading" give the same function names (sensorReading): "sensorReading" is named sensorReading2', pointer: '#/channels/sensorReading' }),
      );
      expect(Object.fromEntries(ir.channels.map((c) => [c.id, c.name]))).toMatchObject({ 'sensor-reading': 'sensorReading', sensorReading: 'sensorReading2' });
    });
    it('a parameter not in the address: the AsyncAPI parser refuses the document (so the generator does too)', async () => {
      const ds = await diagnosticsOf(edit(greenhouse, '      sensor_id:\n        description: Hardware id of the sensor.', '      sensor:\n        description: Hardware id of the sensor.'));
      expect(ds.map((d) => d.pointer)).toEqual(expect.arrayContaining(['#/channels/sensorReading/parameters', '#/channels/sensorReading/parameters/sensor']));
    });
    it('two channels with the same address: warned, both generated', async () => {
      const { ir, warnings } = await warningsOf(edit(greenhouse, 'address: greenhouse/alarm', 'address: greenhouse/main/status'));
      expect(warnings).toContainEqual(
        expect.objectContaining({
          message: 'channels "alarm" and "mainZoneStatus" share the address "greenhouse/main/status": resolveTopic() gives the first, validatePayload() accepts a message valid for either',
        }),
      );
      expect(ir.channels.map((c) => c.id)).toEqual(expect.arrayContaining(["alarm", "mainZoneStatus"]));
    });
    it('an inline payload without a title gets a name derived from its message (Payload when the name is taken)', async () => {
      const { ir } = await warningsOf(edit(greenhouse, "      payload:\n        $ref: '#/components/schemas/Alarm'", '      payload:\n        type: object\n        properties: { a: { type: string } }'));
      const alarm = ir.channels.find((c) => c.id === 'alarm')!;
      expect(alarm.dataTypeName).toBe('AlarmPayload');
      expect(alarm.dataSchema).toEqual({ $ref: '#/components/schemas/AlarmPayload' });
      expect(ir.schemas.AlarmPayload).toMatchObject({ title: 'AlarmPayload', type: 'object' });
    });
  });

  describe('x-stream (stream channels)', () => {
    const X = '#/components/messages/RouteProgress/x-stream';
    it.each([
      [
        'an unknown request channel',
        () => edit(fleet, 'request: routeRequest', 'request: routeRequests'),
        'x-stream request "routeRequests" is not a channel of this document',
        `${X}/request`,
      ],
      [
        'a pointer that names no property of the model',
        () => edit(fleet, 'pointer: /state/final', 'pointer: /state/done'),
        'x-stream last.pointer "/state/done" does not name a property of RouteProgress',
        `${X}/last/pointer`,
      ],
      [
        'a pointer that is not a JSON pointer',
        () => edit(fleet, 'pointer: /state/final', 'pointer: state.final'),
        'x-stream last.pointer "state.final" must be a JSON pointer into the payload model, like \'/done\'',
        `${X}/last/pointer`,
      ],
      [
        'an equals value of the wrong type',
        () => edit(fleet, 'equals: true', 'equals: "yes"'),
        'x-stream last.equals "yes" does not fit the type of /state/final (boolean)',
        `${X}/last/equals`,
      ],
      [
        'an equals value that is not a JSON primitive',
        () => edit(fleet, 'equals: true', 'equals: [true]'),
        'x-stream last.equals must be a string, number, boolean or null (got [true])',
        `${X}/last/equals`,
      ],
      [
        'a stream without correlationId',
        () => edit(fleet, "      correlationId:\n        location: '$message.payload#/id'\n      x-stream:", '      x-stream:'),
        'stream channel "routeProgress" declares no correlationId: its messages cannot be matched to a request',
        X,
      ],
      [
        'a stream correlated elsewhere than its request',
        () => edit(fleet, "location: '$message.payload#/id'\n      x-stream:", "location: '$message.payload#/percent'\n      x-stream:"),
        'stream "routeProgress" and its request "routeRequest" declare different correlationId locations ("$message.payload#/percent" vs "$message.payload#/data/id")',
        X,
      ],
    ])('%s', async (_, doc, message, pointer) => {
      const ds = await diagnosticsOf(doc());
      expect(ds).toContainEqual(expect.objectContaining({ message, pointer, line: expect.any(Number) }));
    });

    it('is read into the IR', async () => {
      const ir = await loadContractFromString(fleet, 'fleet.yaml');
      expect(ir.channels.find((c) => c.id === 'routeProgress')!.stream).toEqual({ request: 'routeRequest', lastPointer: '/state/final', lastEquals: true });
      expect(ir.channels.find((c) => c.id === 'routeRequest')!.stream).toBeNull();
    });
  });

  describe('x-lifecycle (health and heartbeat channels)', () => {
    const X = '#/channels/vehicleHeartbeat/x-lifecycle';
    it.each([
      ['an unknown role', () => edit(fleet, 'role: heartbeat', 'role: pulse'), "x-lifecycle role must be 'health' or 'heartbeat' (got \"pulse\")", `${X}/role`],
      ['a field the runtime does not write', () => edit(fleet, 'fields: { ok: /ok }', 'fields: { ok: /ok, mood: /mood }'), 'x-lifecycle field "mood" is not one the runtime writes (ok, event, timestamp, id)', `${X}/fields/mood`],
      ['a field that is not a JSON pointer', () => edit(fleet, 'fields: { ok: /ok }', 'fields: { ok: ok }'), "x-lifecycle field \"ok\" must be a JSON pointer into the payload model, like '/ok'", `${X}/fields/ok`],
      ['a field naming no property of the model', () => edit(fleet, 'fields: { ok: /ok }', 'fields: { ok: /ok, timestamp: /ts }'), 'x-lifecycle field timestamp "/ts" does not name a property of Heartbeat', `${X}/fields/timestamp`],
      ['a client id parameter the address lacks', () => edit(fleet, 'clientIdParameter: vehicle_id', 'clientIdParameter: client_id'), 'x-lifecycle clientIdParameter "client_id" is not a parameter of fleet/heartbeat/{vehicle_id}', `${X}/clientIdParameter`],
      ['an unknown timestamp format', () => edit(fleet, 'fields: { ok: /ok }', 'fields: { ok: /ok }\n      timestampFormat: rfc822'), 'x-lifecycle timestampFormat must be unix-seconds, unix-ms or iso-8601 (got "rfc822")', `${X}/timestampFormat`],
    ])('%s', async (_, doc, message, pointer) => {
      const ds = await diagnosticsOf(doc());
      expect(ds).toContainEqual(expect.objectContaining({ message, pointer }));
    });

    it('is read into the IR', async () => {
      const ir = await loadContractFromString(fleet, 'fleet.yaml');
      expect(ir.channels.find((c) => c.id === 'vehicleHeartbeat')!.lifecycle).toEqual({ role: 'heartbeat', clientIdParameter: 'vehicle_id', fields: { ok: '/ok' } });
      expect(ir.channels.find((c) => c.id === 'fleetAlert')!.lifecycle).toBeNull();
    });
  });

  it('two request channels giving the same request function name: the later one is renamed, with a warning', async () => {
    let doc = edit(fleet, '  fleetAlert:\n', '  route:\n');
    // the renamed channel carries route requests too (a request function needs a correlationId on both sides)
    doc = edit(doc, "      FleetAlert:\n        $ref: '#/components/messages/FleetAlert'\n", "      RouteRequest:\n        $ref: '#/components/messages/RouteRequest'\n");
    doc = edit(
      doc,
      "    channel: { $ref: '#/channels/fleetAlert' }\n    bindings: { mqtt: { qos: 1, retain: false, bindingVersion: 0.2.0 } }\n",
      "    channel: { $ref: '#/channels/route' }\n    bindings: { mqtt: { qos: 1, retain: false, bindingVersion: 0.2.0 } }\n    reply:\n      channel: { $ref: '#/channels/routeResponse' }\n",
    );
    const ir = await loadContractFromString(doc, 'doc.yaml');
    expect(ir.warnings).toContainEqual(
      expect.objectContaining({ message: 'channels "route" and "routeRequest" give the same function names (requestRoute): "routeRequest" is named routeRequest2', pointer: '#/channels/routeRequest' }),
    );
    const names = Object.fromEntries(ir.channels.map((c) => [c.id, c.name]));
    expect(names).toMatchObject({ route: 'route', routeRequest: 'routeRequest2' });
  });

  it('reports what the AsyncAPI parser finds (schema of the document itself)', async () => {
    const ds = await diagnosticsOf(edit(greenhouse, '  title: Greenhouse Bus\n', ''));
    expect(ds).toContainEqual(expect.objectContaining({ pointer: '#/info', message: expect.stringMatching(/title/) }));
  });

  it('the CLI prints every diagnostic and exits 1 without writing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tc-errors-'));
    try {
      let bad = edit(fleet, 'bindings: { mqtt: { qos: 2, retain: false', 'bindings: { mqtt: { qos: 7, retain: false');
      bad = edit(bad, "channel: { $ref: '#/channels/fleetAlert' }", "channel: { $ref: '#/channels/nope' }");
      await writeFile(path.join(dir, 'doc.yaml'), bad);
      const { result, stderr } = await captureOutput(() => main(['generate', '--input', path.join(dir, 'doc.yaml'), '--out', path.join(dir, 'out')]));
      expect(result).toBe(1);
      expect(stderr).toMatch(/invalid QoS 7: must be 0, 1 or 2 at #\/operations\/sendVehicleCommand\/bindings\/mqtt\/qos \(line \d+\)/);
      expect(stderr).toMatch(/operation "sendFleetAlert" references unknown channel "#\/channels\/nope" at #\/operations\/sendFleetAlert\/channel\/\$ref \(line \d+\)/);
      expect(await readdir(dir)).toEqual(['doc.yaml']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
