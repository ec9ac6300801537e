/**
 * validate: validations per second of an stt/final payload through the compiled validators — the generated
 * validatePayload('stt/final', data), the descriptor's validateData, and validateEnvelope on a full
 * Envelope. Target >= 1M/s. JSON.parse of the same Envelope is shown for scale (it dominates the SDK's
 * own per-message cost, see DESIGN.md).
 */
import type { Bench, BenchContext, Row } from '../support/types.js';
import { importOptional, loadChannels, sampleFinalTranscript, envelopeJson } from '../support/channels.js';
import { medianOps } from '../support/cpu.js';

export const validateBench: Bench = {
  name: 'validate',
  description: 'compiled validator ops/s on stt/final (validatePayload, validateData, validateEnvelope)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const iters = ctx.quick ? 300_000 : 2_000_000;
    const reps = ctx.pairs;
    const ch = await loadChannels();
    const data = sampleFinalTranscript();
    const json = envelopeJson(data);
    const env = JSON.parse(json);
    const rows: Row[] = [];
    const row = (c: string, r: { median: number; samples: number[] }, target = true): Row => ({
      bench: 'validate', case: c, unit: 'ops/s', raw: r.median, ...(target ? { target: '>= 1M/s', pass: r.median >= 1e6 } : { target: 'info' }),
      note: `descriptors: ${ch.source}`, samples: { opsPerSec: r.samples },
    });

    // sanity: the sample must be valid, otherwise we'd be timing the error path
    const v = ch.sttFinal.validateData(data);
    if (!v.ok) throw new Error(`sample stt/final payload is invalid: ${JSON.stringify(v.errors)}`);

    const gen = await importOptional<Record<string, any>>('generated/index.js').catch(() => null);
    const vp = gen?.validatePayload as ((topic: string, d: unknown) => { ok: boolean }) | undefined;
    if (typeof vp === 'function') {
      const chk = vp('stt/final', data);
      if (!chk.ok) throw new Error(`validatePayload('stt/final') rejects the sample: ${JSON.stringify(chk)}`);
      rows.push(row("validatePayload('stt/final', data)", medianOps(() => vp('stt/final', data).ok, iters, reps)));
    } else {
      rows.push({ bench: 'validate', case: "validatePayload('stt/final', data)", unit: 'ops/s', skipped: 'generated/index.ts has no validatePayload yet', target: '>= 1M/s' });
    }
    const vd = ch.sttFinal.validateData;
    rows.push(row('sttFinalChannel.validateData(data)', medianOps(() => vd(data).ok, iters, reps)));
    const ve = ch.sttFinal.validateEnvelope;
    if (ve) {
      const chk = ve(env);
      if (!chk.ok) throw new Error(`validateEnvelope rejects the sample envelope: ${JSON.stringify(chk.errors)}`);
      rows.push(row('sttFinalChannel.validateEnvelope(envelope)', medianOps(() => ve(env).ok, iters, reps)));
    }
    // invalid input: the error path (building FieldErrors) is what a flood of bad messages costs
    const bad = { ...data, confidence: 7 };
    rows.push(row('validateData(invalid: confidence 7)', medianOps(() => !vd(bad).ok, Math.ceil(iters / 4), reps), false));
    rows.push(row('reference: JSON.parse(envelope) (' + json.length + ' B)', medianOps(() => JSON.parse(json), Math.ceil(iters / 4), reps), false));
    return rows;
  },
};
