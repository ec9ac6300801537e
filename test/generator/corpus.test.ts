/**
 * The generator on documents it was not written for: test/fixtures/corpus/ holds twenty AsyncAPI 3.0 documents in the
 * shapes real documents use (inline untitled payloads, many messages per channel, external file $refs, parameters
 * inside a topic level, reserved names, shared addresses, titles that differ from keys, string formats, Kafka /
 * WebSocket / AMQP / HTTP / NATS servers, request/reply over headers, combinators, traits, empty channels). Each one
 * generates (warnings, never a refusal), its output type-checks with tsc, and the payload cases of cases.yaml run
 * through the generated validators with the expected path and rule.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationResult } from '@tars-contracts/runtime/contract';
import { generate, generateFromFile, writeOutput, type GeneratedFile } from '../../generator/generate.js';
import type { ContractIR } from '../../generator/ir.js';
import { channelNames, messageValidatorNames } from '../../generator/names.js';
import { REPO } from './helpers.js';

const run = promisify(execFile);
const CORPUS = path.join(REPO, 'test/fixtures/corpus');
// Outside test/.out (the fixture type-check compiles that folder while this file writes its own); one per run, so two
// runs at once do not share it.
const OUT = path.join(REPO, `test/.out-corpus-${process.pid}`);
const DOCS = readdirSync(CORPUS).filter((f) => f.endsWith('.asyncapi.yaml')).sort();

interface Case {
  document: string;
  channel: string;
  message: string;
  valid?: unknown[];
  invalid?: { payload: unknown; path: string; rule: string }[];
}
const CASES = parse(readFileSync(path.join(CORPUS, 'cases.yaml'), 'utf8')) as Case[];

/** Warnings each document must give (one per cause), as patterns. */
const EXPECTED_WARNINGS: Record<string, RegExp[]> = {
  '02-chat-rooms-ws.asyncapi.yaml': [/^no MQTT server or binding \(wss\): no MQTT publish\/subscribe functions for "room"/],
  '03-team-chat-realtime.asyncapi.yaml': [/^channels "commands" and "events" share the address "\/"/, /^no MQTT server or binding \(wss\)/],
  '04-parcel-scans-kafka.asyncapi.yaml': [/^no MQTT server or binding \(kafka-secure, kafka\)/],
  '05-warehouse-amqp.asyncapi.yaml': [/^no MQTT server or binding \(amqps\)/, /^channel "deadLetters" declares no message: nothing is generated for it$/],
  '06-invoicing-shared-refs.asyncapi.yaml': [/^no MQTT server or binding \(kafka\)/, /^message headers are not generated or validated/],
  '09-schema-titles.asyncapi.yaml': [/^schema title "Patient" differs from its key "PetRecord": the type is named PetRecord/],
  '10-string-formats.asyncapi.yaml': [/^format "semver" is not one the validators know \(ajv-formats\)/],
  '11-mqtt-request-reply.asyncapi.yaml': [
    /^request\/reply "unlockRequests" → "unlockReplies": no request function, because the reply channel "unlockReplies" has no MQTT topic \(its address is set at run time\); "unlockRequests"'s correlationId is in a header/,
    /^no address: no MQTT publish\/subscribe functions for "unlockReplies"/,
  ],
  '12-webhooks-http.asyncapi.yaml': [/^no MQTT server or binding \(https\)/, /^channels "bookingHook" and "bookingHookResponse" share the address template/],
  '15-no-messages-no-bindings.asyncapi.yaml': [/^message "tick" has no payload: any JSON value is accepted$/, /^channel "gaugeWake" declares no message/],
  '20-multi-protocol-servers.asyncapi.yaml': [/^no MQTT server or binding \(wss\): no MQTT publish\/subscribe functions for "positionPublic"/, /^no MQTT server or binding \(kafka\)/],
};

const results = new Map<string, { ir: ContractIR; files: GeneratedFile[] }>();

beforeAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  for (const doc of DOCS) {
    const r = await generateFromFile(path.join(CORPUS, doc));
    results.set(doc, r);
    await writeOutput(path.join(OUT, doc.replace('.asyncapi.yaml', '')), r.files);
  }
  await writeFile(
    path.join(OUT, 'tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, noUnusedLocals: true }, include: ['**/*.ts'], exclude: [] }, null, 2),
  );
  await writeFile(path.join(OUT, 'package.json'), '{ "type": "module" }\n');
}, 180_000);
afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

describe('corpus - twenty documents written elsewhere', () => {
  it('covers at least fifteen documents, and every document has payload cases', () => {
    expect(DOCS.length).toBeGreaterThanOrEqual(15);
    for (const doc of DOCS) expect(CASES.some((c) => c.document === doc), doc).toBe(true);
  });

  it('every document generates: warnings name what is not MQTT, nothing is refused', () => {
    for (const doc of DOCS) {
      const { ir } = results.get(doc)!;
      const warnings = (ir.warnings ?? []).map((w) => w.message);
      for (const pattern of EXPECTED_WARNINGS[doc] ?? []) expect(warnings.some((w) => pattern.test(w)), `${doc}: ${pattern}\n${warnings.join('\n')}`).toBe(true);
      // one warning per cause: no message is repeated
      expect(new Set(warnings).size, doc).toBe(warnings.length);
      // every warning names where it comes from
      for (const w of ir.warnings ?? []) expect(w.pointer, `${doc}: ${w.message}`).toMatch(/^#/);
    }
  });

  it('the output of every document type-checks (tsc, strict)', async () => {
    const tsc = path.join(REPO, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['--noEmit', '-p', path.join(OUT, 'tsconfig.json')], { cwd: REPO }).then(
      () => ({ code: 0, out: '' }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  }, 180_000);

  it('generating twice gives the same bytes', async () => {
    for (const doc of ['03-team-chat-realtime.asyncapi.yaml', '06-invoicing-shared-refs.asyncapi.yaml', '08-reserved-names.asyncapi.yaml']) {
      const again = await generate(results.get(doc)!.ir);
      expect(again).toEqual(results.get(doc)!.files);
    }
  });

  it('external $refs: the source hash covers every file read', () => {
    const { ir } = results.get('06-invoicing-shared-refs.asyncapi.yaml')!;
    expect(ir.source.files).toEqual(expect.arrayContaining([expect.stringMatching(/shared\/messages\.yaml$/), expect.stringMatching(/shared\/schemas\.yaml$/), expect.stringMatching(/shared\/primitives\.yaml$/)]));
  });

  describe('payload cases through the generated validators', () => {
    for (const c of CASES) {
      it(`${c.document} ${c.channel}/${c.message}: ${c.valid?.length ?? 0} valid, ${c.invalid?.length ?? 0} invalid`, async () => {
        const ir = results.get(c.document)!.ir;
        const channel = ir.channels.find((x) => x.id === c.channel);
        expect(channel, `${c.document}: channel ${c.channel}`).toBeDefined();
        const message = channel!.messages.find((m) => m.name === c.message);
        expect(message, `${c.document}: message ${c.message}`).toBeDefined();
        const name = channel!.messages.length > 1 ? messageValidatorNames(channel!.name, message!.ident).data : channelNames(channel!.name).dataValidator;
        const mod = (await import(path.join(OUT, c.document.replace('.asyncapi.yaml', ''), 'validators.js'))) as Record<string, (v: unknown) => ValidationResult>;
        const validate = mod[name];
        expect(validate, `${c.document}: ${name}`).toBeTypeOf('function');
        for (const v of c.valid ?? []) expect(validate!(v), JSON.stringify(v)).toEqual({ ok: true });
        for (const bad of c.invalid ?? []) {
          const r = validate!(bad.payload);
          expect(r.ok, JSON.stringify(bad.payload)).toBe(false);
          const errors = r.ok ? [] : r.errors;
          expect(errors.map((e) => ({ path: e.path, rule: e.rule })), JSON.stringify(bad.payload)).toEqual([{ path: bad.path, rule: bad.rule }]);
          for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
        }
      });
    }
  });

  it('every message example of every document passes its generated validator', async () => {
    let checked = 0;
    for (const doc of DOCS) {
      const { ir } = results.get(doc)!;
      const mod = (await import(path.join(OUT, doc.replace('.asyncapi.yaml', ''), 'validators.js'))) as Record<string, (v: unknown) => ValidationResult>;
      for (const ch of ir.channels) {
        for (const m of ch.messages) {
          const name = ch.messages.length > 1 ? messageValidatorNames(ch.name, m.ident).data : channelNames(ch.name).dataValidator;
          for (const ex of m.examples) {
            expect(mod[name]!(ex), `${doc} ${ch.id}/${m.name}: ${JSON.stringify(ex)}`).toEqual({ ok: true });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('corpus - what the documents exercise in the generated code', () => {
  const read = (doc: string, file: string) => results.get(doc)!.files.find((f) => f.name === file)!.content;

  it('a channel with several messages: the payload type is their union, one publish function per message, one subscribe', () => {
    const api = read('18-beehive-devices-mqtt.asyncapi.yaml', 'api.ts');
    expect(api).toMatch(/export function publishDeviceCommandsTare\(client: BusClient, params: \{ deviceId: string \}, data: Tare,/);
    expect(api).toMatch(/export function publishDeviceCommandsSetInterval\(client: BusClient, params: \{ deviceId: string \}, data: SetInterval,/);
    expect(api).toMatch(/export function subscribeDeviceCommands\(client: BusClient, params: \{ deviceId: string \}, handler: MessageHandler<DeviceCommandsMessage, 'deviceId'>/);
    expect(read('18-beehive-devices-mqtt.asyncapi.yaml', 'types.ts')).toMatch(/export type DeviceCommandsMessage = Tare \| SetInterval;/);
  });

  it('reserved words as channel ids and schema keys get usable, stable names', () => {
    const { ir } = results.get('08-reserved-names.asyncapi.yaml')!;
    expect(ir.channels.map((c) => c.id)).toEqual(expect.arrayContaining(['default', 'class', 'delete']));
    const api = read('08-reserved-names.asyncapi.yaml', 'api.ts');
    expect(api).toMatch(/export function publishDefault\(/);
    expect(api).toMatch(/export function publishClass\(/);
  });

  it('non-MQTT documents get types, validators, descriptors and TOPICS.md, and no MQTT functions', () => {
    const names = results.get('04-parcel-scans-kafka.asyncapi.yaml')!.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['types.ts', 'validators.js', 'channels.ts', 'TOPICS.md']));
    expect(read('04-parcel-scans-kafka.asyncapi.yaml', 'api.ts')).not.toMatch(/export function publish/);
    expect(read('04-parcel-scans-kafka.asyncapi.yaml', 'channels.ts')).toMatch(/parcelScannedChannel/);
  });
});
