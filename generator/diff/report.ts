/** Output of the breaking-change check: human text, JSON, or GitHub workflow annotations. */
import type { Change, DiffSummary } from './compare.js';
import type { LineFinder } from './lines.js';
import { RULES } from './rules.js';

export type Format = 'text' | 'json' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'github'];

export interface ReportInput {
  readonly changes: readonly Change[];
  readonly summary: DiffSummary;
  /** What was compared, e.g. 'HEAD~1:asyncapi/tars.asyncapi.yaml'. */
  readonly beforeLabel: string;
  /** The current document's path as given (relative to the working directory / repository root). */
  readonly file: string;
  readonly lineOf?: LineFinder;
}

function nextMajor(version: string): string {
  const m = /^v?(\d+)/.exec(version);
  return m ? `${Number(m[1]) + 1}.0.0` : 'a higher major version';
}

function verdictLine(s: DiffSummary): string {
  if (s.breaking === 0) return `OK: no breaking changes (${s.safe} safe).`;
  if (s.majorBumped)
    return `OK: ${s.breaking} breaking change(s), allowed because info.version's major was raised (${s.versionBefore} -> ${s.versionAfter}).`;
  return `FAIL: ${s.breaking} breaking change(s) without a major version bump (info.version ${s.versionBefore} -> ${s.versionAfter}). Raise info.version to ${nextMajor(s.versionBefore)} if the break is intended, or make the change compatible.`;
}

const show = (v: unknown): string => (v === null || v === undefined ? '(none)' : JSON.stringify(v));

export function renderText(r: ReportInput): string {
  const out: string[] = [];
  out.push(`Contract diff: ${r.beforeLabel} (${r.summary.versionBefore}) -> ${r.file} (${r.summary.versionAfter})`);
  if (r.changes.length === 0) out.push('', 'No changes to channels, bindings or payload schemas.');
  const groups: [string, readonly Change[]][] = [
    ['Breaking changes', r.changes.filter((c) => c.verdict === 'breaking')],
    ['Safe changes', r.changes.filter((c) => c.verdict === 'safe')],
  ];
  for (const [title, list] of groups) {
    if (list.length === 0) continue;
    out.push('', `${title} (${list.length}):`);
    for (const c of list) {
      const line = r.lineOf?.(c.pointer);
      out.push(`  ${c.rule}  ${c.pointer}${line !== undefined ? `  (${r.file}:${line})` : ''}`);
      out.push(`      ${c.message}`);
      out.push(`      before: ${show(c.before)}  after: ${show(c.after)}  channels: ${c.channels.join(', ')}`);
      if (c.verdict === 'breaking') out.push(`      why: ${RULES[c.rule].description}`);
      if (c.note) out.push(`      note: ${c.note}`);
    }
  }
  out.push('', verdictLine(r.summary));
  return out.join('\n') + '\n';
}

export function renderJson(r: ReportInput): string {
  return (
    JSON.stringify(
      {
        ok: r.summary.ok,
        summary: r.summary,
        before: r.beforeLabel,
        file: r.file,
        changes: r.changes.map((c) => ({
          ...c,
          line: r.lineOf?.(c.pointer) ?? null,
          description: RULES[c.rule].description,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

const escData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string): string => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error` for a breaking change that fails the check, `::warning` for a breaking change allowed by a
 *  major bump and for a safe change with a note, `::notice` for other safe changes. */
export function renderGithub(r: ReportInput): string {
  const out: string[] = [];
  for (const c of r.changes) {
    const level =
      c.verdict === 'breaking' ? (r.summary.majorBumped ? 'warning' : 'error') : c.note ? 'warning' : 'notice';
    const line = r.lineOf?.(c.pointer);
    const props = [`file=${escProp(r.file)}`, ...(line !== undefined ? [`line=${line}`] : []), `title=${escProp(c.rule)}`];
    const text = `${c.message} [${c.pointer}]${c.verdict === 'breaking' ? ' ' + RULES[c.rule].description : ''}${c.note ? ' Note: ' + c.note : ''}`;
    out.push(`::${level} ${props.join(',')}::${escData(text)}`);
  }
  out.push(verdictLine(r.summary));
  return out.join('\n') + '\n';
}

export function render(format: Format, r: ReportInput): string {
  return format === 'json' ? renderJson(r) : format === 'github' ? renderGithub(r) : renderText(r);
}
