import type { Row } from './types.js';
import { fmt } from './stats.js';

function val(n: number | undefined, unit: string): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  if (unit === 'µs' || unit === 'ms') return `${n.toFixed(n < 10 ? 1 : 0)} ${unit}`;
  if (unit === 'ratio') return n.toFixed(2);
  return `${fmt(n)} ${unit}`;
}

export function renderTable(rows: Row[]): string {
  const head = ['bench', 'case', 'raw', 'sdk', 'sdk vs raw', 'target', 'ok', 'note'];
  const body = rows.map((r) => {
    if (r.skipped) return [r.bench, r.case, '—', '—', '—', r.target ?? '', 'skip', r.skipped];
    let cmp = '—';
    if (r.cmp !== undefined && !Number.isNaN(r.cmp)) {
      cmp = r.cmpKind === 'ratio' ? `${r.cmp.toFixed(2)}x` : `${r.cmp >= 0 ? '+' : ''}${r.cmp.toFixed(1)} ${r.unit}`;
    }
    const ok = r.pass === true ? 'yes' : r.pass === false ? 'NO' : '';
    return [r.bench, r.case, val(r.raw, r.unit), val(r.sdk, r.unit), cmp, r.target ?? '', ok, r.note ?? ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}
