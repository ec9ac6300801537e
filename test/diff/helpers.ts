/** Helpers of the breaking-change tests: the base document, patching a parsed copy, loading both sides. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { ContractIR } from '../../generator/ir.js';
import { loadContractFromString } from '../../generator/load.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

export const BASE_PATH = fileURLToPath(new URL('./fixtures/base.asyncapi.yaml', import.meta.url));
export const BASE_TEXT = readFileSync(BASE_PATH, 'utf8');

export function baseDoc(): Doc {
  return parse(BASE_TEXT) as Doc;
}

export function patched(...patches: ((d: Doc) => void)[]): Doc {
  const d = baseDoc();
  for (const p of patches) p(d);
  return d;
}

export const toYaml = (d: Doc): string => stringify(d, { lineWidth: 0 });

export function load(d: Doc, label = 'patched'): Promise<ContractIR> {
  return loadContractFromString(toYaml(d), label);
}

/** components/schemas */
export const S = (d: Doc): Doc => d.components.schemas;
/** A property of a named schema. */
export const prop = (d: Doc, schema: string, name: string): Doc => d.components.schemas[schema].properties[name];

export function deleteChannel(d: Doc, id: string): void {
  delete d.channels[id];
  for (const [k, op] of Object.entries(d.operations as Record<string, Doc>))
    if (op.channel.$ref === `#/channels/${id}`) delete d.operations[k];
}

export function addChannel(d: Doc, id: string, address: string, message: string, qos = 0): void {
  d.channels[id] = { address, messages: { [message]: { $ref: `#/components/messages/${message}` } } };
  d.operations[`publish${id[0]!.toUpperCase()}${id.slice(1)}`] = {
    action: 'send',
    channel: { $ref: `#/channels/${id}` },
    bindings: { mqtt: { qos, retain: false, bindingVersion: '0.2.0' } },
  };
}

/** Renames a named schema everywhere (key, title, every $ref): the shape does not change. */
export function renameSchema(d: Doc, from: string, to: string): void {
  const schemas = S(d);
  const entries = Object.entries(schemas as Record<string, Doc>).map(([k, v]) =>
    k === from ? [to, { ...v, title: to }] : [k, v],
  );
  d.components.schemas = Object.fromEntries(entries);
  const walk = (v: Doc): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && x === `#/components/schemas/${from}`) v[k] = `#/components/schemas/${to}`;
        else walk(x);
      }
  };
  walk(d);
}

export const op = (d: Doc, id: string): Doc => d.operations[id];
export const mqtt = (d: Doc, opId: string): Doc => d.operations[opId].bindings.mqtt;
