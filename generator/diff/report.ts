/** Output of the breaking-change check: human text, JSON, or GitHub workflow annotations. */
import type { Change, ChannelDeployOrder, DiffSummary } from './compare.js';
import type { LineFinder } from './lines.js';
import { describeBreaks, describeMode, MODE_EXTENSION, MODES, RULES, verdictIn, type Mode, type Verdict } from './rules.js';

export type Format = 'text' | 'json' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'github'];

/** Where the mode came from: --mode, the document's info.x-compatibility, or the default (full). */
export type ModeSource = 'option' | 'document' | 'default';

export interface ReportInput {
  readonly changes: readonly Change[];
  readonly summary: DiffSummary;
  /** What was compared, e.g. 'HEAD~1:asyncapi/tars.asyncapi.yaml'. */
  readonly beforeLabel: string;
  /** The current document's path as given (relative to the working directory / repository root). */
  readonly file: string;
  readonly lineOf?: LineFinder;
  /** The safe upgrade order of each channel whose changes break a direction (compare.deployOrder). */
  readonly deployOrder?: readonly ChannelDeployOrder[];
  readonly modeSource?: ModeSource;
  /** Something to say about the mode (e.g. the document changed its info.x-compatibility). */
  readonly modeNote?: string;
}

function nextMajor(version: string): string {
  const m = /^v?(\d+)/.exec(version);
  return m ? `${Number(m[1]) + 1}.0.0` : 'a higher major version';
}

function verdictLine(s: DiffSummary): string {
  const mode = ` [mode: ${s.mode}]`;
  if (s.breaking === 0) return `OK: no breaking changes (${s.safe} safe).${mode}`;
  if (s.majorBumped)
    return `OK: ${s.breaking} breaking change(s), allowed because info.version's major was raised (${s.versionBefore} -> ${s.versionAfter}).${mode}`;
  return `FAIL: ${s.breaking} breaking change(s) without a major version bump (info.version ${s.versionBefore} -> ${s.versionAfter}). Raise info.version to ${nextMajor(s.versionBefore)} if the break is intended, or make the change compatible.${mode}`;
}

const SOURCE: Record<ModeSource, string> = {
  option: '--mode',
  document: `info.${MODE_EXTENSION}`,
  default: `default; set it with --mode or info.${MODE_EXTENSION}`,
};

function modeLine(r: ReportInput): string {
  return `Mode: ${describeMode(r.summary.mode)}${r.modeSource ? ` (${SOURCE[r.modeSource]})` : ''}`;
}

const show = (v: unknown): string => (v === null || v === undefined ? '(none)' : JSON.stringify(v));

export function renderText(r: ReportInput): string {
  const out: string[] = [];
  out.push(`Contract diff: ${r.beforeLabel} (${r.summary.versionBefore}) -> ${r.file} (${r.summary.versionAfter})`);
  out.push(modeLine(r));
  if (r.modeNote) out.push(`note: ${r.modeNote}`);
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
      if (c.breaks.length > 0) out.push(`      breaks: ${describeBreaks(c.breaks)}`);
      if (c.verdict === 'breaking') out.push(`      why: ${RULES[c.rule].description}`);
      if (c.note) out.push(`      note: ${c.note}`);
    }
  }
  if (r.deployOrder && r.deployOrder.length > 0) {
    out.push('', 'Deploy order:');
    for (const d of r.deployOrder) out.push(`  ${d.channel}: ${d.message}`);
  }
  out.push('', verdictLine(r.summary));
  return out.join('\n') + '\n';
}

function verdicts(c: Change): Record<Mode, Verdict> {
  return Object.fromEntries(MODES.map((m) => [m, verdictIn(m, c.rule, c.breaks)])) as Record<Mode, Verdict>;
}

export function renderJson(r: ReportInput): string {
  return (
    JSON.stringify(
      {
        ok: r.summary.ok,
        mode: r.summary.mode,
        ...(r.modeSource ? { modeSource: r.modeSource } : {}),
        ...(r.modeNote ? { modeNote: r.modeNote } : {}),
        summary: r.summary,
        before: r.beforeLabel,
        file: r.file,
        changes: r.changes.map((c) => ({
          ...c,
          verdicts: verdicts(c),
          line: r.lineOf?.(c.pointer) ?? null,
          description: RULES[c.rule].description,
        })),
        deployOrder: (r.deployOrder ?? []).map((d) => ({ ...d, line: r.lineOf?.(`/channels/${escapeSeg(d.channel)}`) ?? null })),
      },
      null,
      2,
    ) + '\n'
  );
}

const escapeSeg = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const escData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escProp = (s: string): string => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error` for a breaking change that fails the check, `::warning` for a breaking change allowed by a
 *  major bump and for a safe change that has a note or breaks a direction the mode does not check,
 *  `::notice` for other safe changes; then the deploy order of each channel (`::warning` when no order is
 *  safe, else `::notice`) and the verdict line. */
export function renderGithub(r: ReportInput): string {
  const out: string[] = [];
  const annotate = (level: string, pointer: string, title: string, text: string) => {
    const line = r.lineOf?.(pointer);
    const props = [`file=${escProp(r.file)}`, ...(line !== undefined ? [`line=${line}`] : []), `title=${escProp(title)}`];
    out.push(`::${level} ${props.join(',')}::${escData(text)}`);
  };
  if (r.modeNote) annotate('warning', '/info', 'MODE', r.modeNote);
  for (const c of r.changes) {
    const level =
      c.verdict === 'breaking'
        ? r.summary.majorBumped
          ? 'warning'
          : 'error'
        : c.note || c.breaks.length > 0
          ? 'warning'
          : 'notice';
    const breaks = c.breaks.length > 0 ? ` Breaks ${describeBreaks(c.breaks)}.` : '';
    const text = `${c.message} [${c.pointer}]${breaks}${c.verdict === 'breaking' ? ' ' + RULES[c.rule].description : ''}${c.note ? ' Note: ' + c.note : ''}`;
    annotate(level, c.pointer, c.rule, text);
  }
  for (const d of r.deployOrder ?? [])
    annotate(d.order === 'none' ? 'warning' : 'notice', `/channels/${escapeSeg(d.channel)}`, `DEPLOY_ORDER ${d.channel}`, d.message);
  out.push(verdictLine(r.summary));
  return out.join('\n') + '\n';
}

export function render(format: Format, r: ReportInput): string {
  return format === 'json' ? renderJson(r) : format === 'github' ? renderGithub(r) : renderText(r);
}
