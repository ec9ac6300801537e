/**
 * models.py: one pydantic v2 class per object schema (named or inline), one alias per other named schema (enums as
 * Literal, unions, maps, scalars). Classes come first (their annotations are lazy: `from __future__ import
 * annotations`), then the aliases in dependency order (they are evaluated at import), then one model_rebuild() per
 * class so every forward reference is resolved at import time, not at the first validation.
 */
import type { ContractIR } from '../../ir.js';
import { GenerateError, type Diagnostic } from '../../diagnostics.js';
import { namedSchemas } from '../types.js';
import { pyFieldName, pyStr } from './pysyntax.js';
import { SchemaMapper, type AliasSpec, type ClassSpec, type FieldSpec } from './schema.js';

export interface PythonModels {
  readonly source: string;
  /** Schema key (components/schemas, or the loader's name for an inline payload) → Python name. */
  readonly names: ReadonlyMap<string, string>;
  /** Every class and alias name, sorted. */
  readonly exported: readonly string[];
  /** What the models cannot check as the TypeScript validators do, with the schema's pointer. */
  readonly warnings: readonly Diagnostic[];
}

export function buildModels(ir: ContractIR, header: string): PythonModels {
  const mapper = new SchemaMapper(namedSchemas(ir), schemaPointers(ir));
  mapper.defineAll();
  const defs = [...mapper.defs.values()];
  const allNames = new Set(defs.map((d) => d.name));
  const classes = defs.filter((d): d is ClassSpec => d.kind === 'class').sort(byName);
  const aliases = orderAliases(defs.filter((d): d is AliasSpec => d.kind === 'alias'));

  const body: string[] = [];
  for (const c of classes) body.push(renderClass(c, allNames));
  for (const a of aliases) body.push(renderAlias(a));
  // Checks may name classes and aliases defined after their class: set once every name exists.
  const checks = classes.filter((c) => c.checks.length).map((c) => `${c.name}.__wire_checks__ = (${c.checks.join(', ')},)`);
  if (checks.length) body.push(checks.join('\n'));
  const rebuild = classes.length ? `for _model in (${classes.map((c) => c.name).join(', ')},):\n    _model.model_rebuild()\n` : '';
  const exported = [...allNames].sort();
  const source = [
    header,
    `"""Pydantic v2 models of ${escapeDoc(ir.info.title)} ${escapeDoc(ir.info.version)}: one class per object schema, one alias per other`,
    'named schema. Field names are the wire names (an alias where Python needs another attribute name); validate wire',
    'JSON with Model.model_validate_json(raw) (lax, as the services parse) or strict=True (the JSON Schema types).',
    '"""',
    'from __future__ import annotations',
    '',
    'from typing import Annotated, Any, Literal, Optional, Union',
    '',
    'from pydantic import ConfigDict, Field',
    '',
    'from . import _runtime as rt',
    'from ._runtime import WireModel',
    '',
    `__all__ = [${exported.map(pyStr).join(', ')}]`,
    '',
    '',
    body.join('\n\n\n'),
    '',
    rebuild,
  ].join('\n');
  return { source: source.replace(/\n{4,}/g, '\n\n\n').replace(/[ \t]+$/gm, ''), names: mapper.keyNames, exported, warnings: mapper.warnings };
}

const token = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where each named schema is in the document: components, or the payload of the channel's first message. */
function schemaPointers(ir: ContractIR): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(ir.schemas)) out.set(key, `#/components/schemas/${token(key)}`);
  for (const c of ir.channels) {
    const first = c.messages[0];
    if (!out.has(c.dataTypeName)) out.set(c.dataTypeName, first ? `#/channels/${token(c.id)}/messages/${token(first.name)}/payload` : `#/channels/${token(c.id)}`);
    if (c.envelopeTypeName && !out.has(c.envelopeTypeName)) out.set(c.envelopeTypeName, `#/channels/${token(c.id)}`);
  }
  return out;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function escapeDoc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}

function docstring(text: string | undefined, indent: string): string[] {
  if (!text) return [];
  const lines = escapeDoc(text).split('\n');
  if (lines.length === 1) return [`${indent}"""${lines[0]}"""`];
  return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((l) => (l ? indent + l : '')), `${indent}"""`];
}

function renderClass(c: ClassSpec, moduleNames: ReadonlySet<string>): string {
  const lines = [`class ${c.name}(WireModel):`, ...docstring(c.description, '    ')];
  if (c.description) lines.push('');
  lines.push(`    model_config = ConfigDict(extra=${pyStr(c.extra)})`);
  const used = new Set<string>();
  const fieldLines: string[] = [];
  const omit: string[] = [];
  for (const f of c.fields) {
    let py = pyFieldName(f.wire);
    // A field may not take a module-level name its own class's annotations could mean, nor another field's.
    while (moduleNames.has(py) || used.has(py)) py = `${py}_`;
    used.add(py);
    fieldLines.push(renderField(py, f));
    if (!f.required && f.defaultSrc === undefined && !f.nullable) omit.push(f.wire);
  }
  if (omit.length) lines.push(`    __wire_omit__ = frozenset({${omit.map(pyStr).join(', ')}})`);
  if (c.extraType) lines.push(`    __pydantic_extra__: dict[str, ${c.extraType}] = Field(init=False)`);
  if (fieldLines.length) lines.push('', ...fieldLines);
  return lines.join('\n');
}

function renderField(py: string, f: FieldSpec): string {
  const args: string[] = [];
  if (!f.required) {
    if (f.defaultSrc === undefined) args.push('default=None');
    else if (f.factory) args.push(`default_factory=lambda: ${f.defaultSrc}`);
    else args.push(`default=${f.defaultSrc}`);
  }
  if (py !== f.wire) args.push(`alias=${pyStr(f.wire)}`);
  if (f.description) args.push(`description=${pyStr(f.description)}`);
  return args.length ? `    ${py}: ${f.type} = Field(${args.join(', ')})` : `    ${py}: ${f.type}`;
}

function renderAlias(a: AliasSpec): string {
  const doc = a.description ? `\n${docstring(a.description, '').join('\n')}` : '';
  return `${a.name} = ${a.expr}${doc}`;
}

/** Aliases are evaluated at import: each after the aliases it uses (classes are all defined before them). */
function orderAliases(aliases: AliasSpec[]): AliasSpec[] {
  const byAlias = new Map(aliases.map((a) => [a.name, a]));
  const out: AliasSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (a: AliasSpec, path: string[]) => {
    const s = state.get(a.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new GenerateError([{ message: `schemas ${[...path, a.name].join(' → ')} refer to each other without an object in between: Python cannot alias them`, pointer: '#/components/schemas' }]);
    }
    state.set(a.name, 'visiting');
    for (const d of [...a.deps].sort()) {
      const dep = byAlias.get(d);
      if (dep) visit(dep, [...path, a.name]);
    }
    state.set(a.name, 'done');
    out.push(a);
  };
  for (const a of [...aliases].sort(byName)) visit(a, []);
  return out;
}
