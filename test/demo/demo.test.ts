import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../generator/demo/index.js';

describe('demo', () => {
  it('runs the TARS pipeline on an embedded broker and exits 0', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const saved = process.env.MQTT_URL;
    delete process.env.MQTT_URL;
    let code: number;
    try {
      code = await runDemo({ out });
    } finally {
      if (saved !== undefined) process.env.MQTT_URL = saved;
    }
    expect(code, text).toBe(0);
    const hops: [string, string, RegExp][] = [
      ['tars-stt', 'stt/final', /publish "what time is it"/],
      ['tars-router', 'stt/final', /transcript "what time is it"/],
      ['tars-router', 'llm/request', /request rt-[0-9a-f]{8}/],
      ['tars-llm', 'llm/request', /request rt-[0-9a-f]{8}/],
      ['tars-router', 'llm/stream', /delta seq=1 "It is "/],
      ['tars-router', 'llm/stream', /delta seq=3/],
      ['tars-router', 'llm/stream', /done seq=4/],
      ['tars-router', 'llm/response', /reply "It is three o'clock\."/],
      ['tars-router', 'tts/say', /say "It is three o'clock\."/],
      ['tars-tts', 'tts/say', /speak "It is three o'clock\."/],
      ['tars-router', 'tts/status', /speaking_start/],
      ['tars-router', 'tts/status', /speaking_end/],
      ['monitor', 'system/health/tars-stt', /health ok=true/],
      ['monitor', 'system/keepalive/tars-llm', /heartbeat/],
      ['tars-router', 'stt/final', /REJECTED inbound .*\/data\/confidence .*\[maximum\]/],
      ['tars-router', 'tts/say', /REFUSED outbound, not sent: ValidationFailedError .*\/text/],
    ];
    const lines = text.split('\n');
    for (const [service, topic, what] of hops) {
      const found = lines.some((l) => {
        const cols = l.trim().split(/\s+/);
        return cols[0] === service && cols[1] === topic && what.test(l);
      });
      expect(found, `missing hop: ${service} ${topic} ${what}\n${text}`).toBe(true);
    }
    expect(text).toMatch(/PASS: \d+\/\d+ checks/);
  });
});
