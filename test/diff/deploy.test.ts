/**
 * deployOrder(): per channel, which side to upgrade first (from the directions its changes break), with the
 * channel's address and its publishers / subscribers (x-publishers / x-subscribers, else the operations).
 */
import { describe, expect, it } from 'vitest';
import { deployOrder, diffContracts } from '../../generator/diff/compare.js';
import type { Mode } from '../../generator/diff/rules.js';
import { addChannel, deleteChannel, load, mqtt, patched, prop, S, type Doc } from './helpers.js';

/** A tts/say channel: router publishes, tts subscribes, payload a closed object. */
function withTtsSay(d: Doc): void {
  S(d).Say = { title: 'Say', type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string' } } };
  d.components.messages.TtsSay = { name: 'TtsSay', payload: { $ref: '#/components/schemas/Say' } };
  addChannel(d, 'ttsSay', 'tts/say', 'TtsSay', 1);
  d.channels.ttsSay['x-publishers'] = ['router'];
  d.channels.ttsSay['x-subscribers'] = ['tts'];
}

async function orderOf(before: (d: Doc) => void, after: (d: Doc) => void, mode: Mode = 'full') {
  const b = await load(patched(before), 'before');
  const a = await load(patched(before, after), 'after');
  return deployOrder(b, a, diffContracts(b, a, { mode }));
}

describe('deployOrder', () => {
  it('forward only: upgrade the subscribers first (the issue example, tts/say)', async () => {
    const o = await orderOf(withTtsSay, (d) => (S(d).Say.properties.voice = { type: 'string' }));
    expect(o).toEqual([
      {
        channel: 'ttsSay',
        address: 'tts/say',
        order: 'subscribers-first',
        breaks: ['forward'],
        publishers: ['router'],
        subscribers: ['tts'],
        publishAndSubscribe: [],
        rules: { backward: [], forward: ['FIELD_ADDED_TO_CLOSED'] },
        message:
          'Upgrade the subscribers of `tts/say` (tts) first, then its publishers (router) (old subscribers reject what new publishers send: FIELD_ADDED_TO_CLOSED).',
      },
    ]);
  });

  it('backward only: upgrade the publishers first', async () => {
    const o = await orderOf(() => {}, (d) => (prop(d, 'MemoryQuery', 'k').minimum = 2));
    expect(o.map((x) => [x.channel, x.order, x.message])).toEqual([
      [
        'memoryQuery',
        'publishers-first',
        'Upgrade the publishers of `memory/query` (router) first, then its subscribers (memory-worker) (new subscribers reject what old publishers send: RANGE_NO_NARROW).',
      ],
    ]);
  });

  it('both directions on one channel: no order is safe', async () => {
    const o = await orderOf(() => {}, (d) => {
      prop(d, 'MemoryQuery', 'k').minimum = 0; // forward
      prop(d, 'MemoryQuery', 'k').maximum = 20; // backward
    });
    expect(o).toHaveLength(1);
    expect(o[0]).toMatchObject({ channel: 'memoryQuery', order: 'none', breaks: ['backward', 'forward'] });
    expect(o[0]!.message).toBe(
      "No deploy order is safe for `memory/query`: old and new peers break each other in both directions (new subscribers reject what old publishers send: RANGE_NO_NARROW; old subscribers reject what new publishers send: RANGE_WIDENED); raise info.version's major and upgrade its publishers and subscribers together, or add a new channel and migrate to it.",
    );
  });

  it('a change to a shared schema gives an order for every channel it reaches; channels are independent', async () => {
    const o = await orderOf(() => {}, (d) => {
      S(d).Lang.enum.push('fr'); // memoryQuery and sttFinal: forward
      prop(d, 'Health', 'event').enum = ['ready', 'error']; // systemHealth: backward
    });
    expect(o.map((x) => [x.channel, x.order])).toEqual([
      ['memoryQuery', 'subscribers-first'],
      ['sttFinal', 'subscribers-first'],
      ['systemHealth', 'publishers-first'],
    ]);
    expect(o[1]!.message).toBe(
      'Upgrade the subscribers of `stt/final` (router) first, then its publishers (stt-worker) (old subscribers reject what new publishers send: ENUM_VALUE_ADDED).',
    );
  });

  it('without x-publishers / x-subscribers the operations name the sides', async () => {
    const noServices = (d: Doc) => {
      delete d.channels.movementCommand['x-publishers'];
      delete d.channels.movementCommand['x-subscribers'];
      d.operations.receiveMovementCommand = { action: 'receive', channel: { $ref: '#/channels/movementCommand' } };
    };
    const o = await orderOf(noServices, (d) => (prop(d, 'MoveCommand', 'speed').maximum = 2));
    expect(o[0]!.message).toBe(
      'Upgrade the subscribers of `movement/command` (operation receiveMovementCommand) first, then its publishers (operation publishMovementCommand) (old subscribers reject what new publishers send: RANGE_WIDENED).',
    );
  });

  it('a service that both publishes and subscribes leaves no safe order even for a one-direction break', async () => {
    const o = await orderOf(
      (d) => d.channels.systemHealth['x-subscribers'].push('stt-worker'),
      (d) => prop(d, 'Health', 'event').enum.push('restart'),
    );
    expect(o[0]).toMatchObject({ channel: 'systemHealth', order: 'none', publishAndSubscribe: ['stt-worker'] });
    expect(o[0]!.message).toMatch(
      /^No deploy order is safe for `system\/health\/\{client_id\}`: stt-worker both publishes and subscribes, so its subscribers cannot be upgraded first \(old subscribers reject what new publishers send: ENUM_VALUE_ADDED\)/,
    );
  });

  it('a deleted channel has no safe order; safe changes need none', async () => {
    const deleted = await orderOf(() => {}, (d) => deleteChannel(d, 'movementCommand'));
    expect(deleted.map((x) => [x.channel, x.address, x.order])).toEqual([['movementCommand', 'movement/command', 'none']]);
    const safe = await orderOf(() => {}, (d) => {
      addChannel(d, 'ttsSay', 'tts/say', 'MovementCommand');
      mqtt(d, 'publishMovementCommand').qos = 1;
      prop(d, 'Meta', 'source').default = 'stt';
    });
    expect(safe).toEqual([]);
  });

  it('does not depend on the mode the changes were judged in (the mode decides what fails, not how to roll out)', async () => {
    const widen = (d: Doc) => prop(d, 'Health', 'event').enum.push('restart');
    const modes: Mode[] = ['backward', 'forward', 'full'];
    const orders = await Promise.all(modes.map((m) => orderOf(() => {}, widen, m)));
    for (const o of orders) expect(o).toEqual(orders[2]);
    expect(orders[0]!.map((x) => x.order)).toEqual(['subscribers-first']);
  });
});
