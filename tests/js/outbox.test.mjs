// The answer outbox: what is sent, in what order, what leaves it and when, and what survives a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from './storage.mjs';
import {
  Outbox, Backoff, adopt, afterFailedBatch, afterFailedSingle, maxBatch, toChange,
} from '../../src/AssessmentEngine.Web/wwwroot/js/test/outbox.js';

const attempt = '6f1c2a';
const ok = (acknowledged, refused = []) => ({ acknowledged, refused });

function outbox(storage = new MemoryStorage()) {
  return new Outbox(storage, attempt);
}

test('changes get sequence numbers from 1 up and are stored under the keys a reload looks for', () => {
  const storage = new MemoryStorage();
  const box = outbox(storage);

  box.add({ item: 1, response: { choice: 'a' } });
  box.add({ item: 2, flagged: true });

  assert.deepEqual(JSON.parse(storage.getItem(`ae.outbox.${attempt}`)), [
    { sequence: 1, item: 1, response: { choice: 'a' } },
    { sequence: 2, item: 2, flagged: true },
  ]);
  assert.equal(storage.getItem(`ae.sequence.${attempt}`), '2');
});

test('the oldest changes are sent first, however they were stored', () => {
  const storage = new MemoryStorage({
    [`ae.outbox.${attempt}`]: JSON.stringify([
      { sequence: 7, item: 3, flagged: true },
      { sequence: 2, item: 1, response: { text: 'x' } },
      { sequence: 5, item: 2, response: { choice: 'b' } },
    ]),
  });

  assert.deepEqual(outbox(storage).nextBatch().map(entry => entry.sequence), [2, 5, 7]);
});

test('a batch holds at most 500 changes, the oldest', () => {
  const box = outbox();
  for (let i = 0; i < maxBatch + 20; i++) {
    box.add({ item: 1 + (i % 5), flagged: i % 2 === 0 });
  }

  const batch = box.nextBatch();

  assert.equal(maxBatch, 500);
  assert.equal(batch.length, 500);
  assert.equal(batch[0].sequence, 1);
  assert.equal(batch.at(-1).sequence, 500);
});

test('an answer is sent with its response and a flag with its flag, each with its sequence and question', () => {
  assert.deepEqual(toChange({ sequence: 3, item: 4, response: { choices: ['a', 'c'] } }), { sequence: 3, item: 4, response: { choices: ['a', 'c'] } });
  assert.deepEqual(toChange({ sequence: 4, item: 4, flagged: false }), { sequence: 4, item: 4, flagged: false });
});

test('only the acknowledged changes leave the outbox', () => {
  const box = outbox();
  const first = box.add({ item: 1, response: { choice: 'a' } });
  box.add({ item: 2, response: { choice: 'b' } });
  box.add({ item: 3, flagged: true });
  const batch = box.nextBatch();

  const { acknowledged } = box.settle(batch, ok([first.sequence, 3]));

  assert.deepEqual(acknowledged.map(entry => entry.sequence), [1, 3]);
  assert.deepEqual(box.entries().map(entry => entry.sequence), [2]);
});

test('a later change to the same question is not lost when the earlier one is acknowledged', () => {
  const box = outbox();
  box.add({ item: 1, response: { text: 'Custom' } });
  const batch = box.nextBatch();
  box.add({ item: 1, response: { text: 'Customer' } }); // typed while the first was on its way

  box.settle(batch, ok([1]));

  assert.deepEqual(box.entries(), [{ sequence: 2, item: 1, response: { text: 'Customer' } }]);
  assert.deepEqual([...box.items()], [1]);
});

test('changes another tab added while a batch was on its way stay in the shared outbox', () => {
  const storage = new MemoryStorage();
  const here = outbox(storage);
  const there = outbox(storage);
  here.add({ item: 1, response: { choice: 'a' } });
  const batch = here.nextBatch();
  there.add({ item: 2, response: { choice: 'b' } });

  here.settle(batch, ok([1]));

  assert.deepEqual(there.entries().map(entry => [entry.sequence, entry.item]), [[2, 2]]);
});

test('an empty outbox leaves nothing in storage', () => {
  const storage = new MemoryStorage();
  const box = outbox(storage);
  box.add({ item: 1, flagged: true });

  box.settle(box.nextBatch(), ok([1]));

  assert.equal(storage.getItem(`ae.outbox.${attempt}`), null);
  assert.equal(box.size, 0);
});

test('a refused change leaves the outbox and its question keeps the reason until it changes again', () => {
  const box = outbox();
  box.add({ item: 1, response: { choice: 'z' } });
  box.add({ item: 2, response: { choice: 'b' } });
  box.add({ item: 3, response: { choice: 'q' } });

  const { acknowledged, reasons } = box.settle(box.nextBatch(), ok([2], [
    { sequence: 1, reason: 'No such option.' },
    { sequence: 3, reason: 'No such option.' },
  ]));

  assert.deepEqual(acknowledged.map(entry => entry.item), [2]);
  assert.deepEqual(reasons, ['No such option.']);
  assert.equal(box.size, 0);
  assert.equal(box.refusals.get(1), 'No such option.');

  box.add({ item: 1, response: { choice: 'a' } });
  assert.equal(box.refusals.has(1), false);
  assert.equal(box.refusals.get(3), 'No such option.');
});

test('a change sent alone leaves the outbox whether it is saved or not', () => {
  const box = outbox();
  const saved = box.add({ item: 1, flagged: true });
  const refused = box.add({ item: 2, response: { text: 'x' } });
  const unanswered = box.add({ item: 3, response: { text: 'y' } });

  assert.equal(box.settleAlone(saved, ok([1])), true);
  assert.equal(box.settleAlone(refused, ok([], [{ sequence: 2, reason: 'Too long.' }])), false);
  assert.equal(box.settleAlone(unanswered, ok([])), false);

  assert.equal(box.size, 0);
  assert.equal(box.refusals.get(2), 'Too long.');
  assert.equal(box.refusals.get(3), 'Not saved.');
  assert.equal(box.refusals.has(1), false);
});

test('a change the server refuses outright leaves the outbox with the reason, the rest stay', () => {
  const box = outbox();
  const bad = box.add({ item: 4, response: { matches: { p: 'x' } } });
  box.add({ item: 5, flagged: true });

  box.refuse(bad, 'The answer does not fit the question.');

  assert.deepEqual(box.entries().map(entry => entry.item), [5]);
  assert.equal(box.refusals.get(4), 'The answer does not fit the question.');
});

test('after a reload a new outbox on the same storage holds every change and numbers on above the highest used', () => {
  const storage = new MemoryStorage();
  const before = outbox(storage);
  before.add({ item: 1, response: { choice: 'a' } });
  before.add({ item: 2, response: { text: 'Listen first' } });
  before.add({ item: 1, flagged: true });
  before.settle(before.nextBatch(), ok([1]));

  const after = outbox(storage);
  after.startAbove(1); // the engine holds what was acknowledged
  const next = after.add({ item: 3, response: { choices: ['b'] } });

  assert.deepEqual(after.entries().map(entry => [entry.sequence, entry.item]), [[2, 2], [3, 1], [4, 3]]);
  assert.equal(next.sequence, 4);
});

test('numbering goes on above the changes waiting even when the stored counter is lost', () => {
  const storage = new MemoryStorage();
  const before = outbox(storage);
  for (let i = 0; i < 3; i++) {
    before.add({ item: 1, flagged: i % 2 === 0 });
  }
  storage.removeItem(`ae.sequence.${attempt}`);

  assert.equal(outbox(storage).add({ item: 2, flagged: true }).sequence, 4);
});

test('numbering starts above what the engine holds, and never goes back below the stored counter', () => {
  const fresh = outbox();
  fresh.startAbove(40);
  assert.equal(fresh.add({ item: 1, flagged: true }).sequence, 41);

  const storage = new MemoryStorage({ [`ae.sequence.${attempt}`]: '90' });
  const ahead = outbox(storage);
  ahead.startAbove(40);
  assert.equal(storage.getItem(`ae.sequence.${attempt}`), '90');
  assert.equal(ahead.add({ item: 1, flagged: true }).sequence, 91);
});

test('an unreadable outbox reads as empty instead of stopping the page', () => {
  assert.deepEqual(outbox(new MemoryStorage({ [`ae.outbox.${attempt}`]: '{not json' })).entries(), []);
  assert.deepEqual(outbox(new MemoryStorage({ [`ae.outbox.${attempt}`]: '{"sequence":1}' })).entries(), []);
});

test('on opening, waiting changes are laid over what the engine sent: newer answers, every flag, known questions only', () => {
  const storage = new MemoryStorage();
  const box = outbox(storage);
  box.add({ item: 1, response: { choice: 'b' } }); // 1
  box.add({ item: 2, response: { choice: 'c' } }); // 2: older than the engine's answer to 2
  box.add({ item: 3, flagged: true }); // 3
  box.add({ item: 3, flagged: false }); // 4: the last flag wins
  box.add({ item: 9, response: { text: 'gone' } }); // 5: not on this paper
  const answers = new Map([[1, { response: { choice: 'a' }, sequence: 0 }], [2, { response: { choice: 'd' }, sequence: 8 }]]);
  const flags = new Map([[3, { flagged: true, sequence: 0 }]]);

  box.replayOnto(answers, flags, 4);

  assert.deepEqual(answers.get(1), { response: { choice: 'b' }, sequence: 1 });
  assert.deepEqual(answers.get(2), { response: { choice: 'd' }, sequence: 8 });
  assert.deepEqual(flags.get(3), { flagged: false, sequence: 4 });
  assert.equal(answers.has(9), false);
});

test('an acknowledged change is adopted only when it is newer than what the page holds', () => {
  const answers = new Map([[1, { response: { text: 'newer' }, sequence: 6 }]]);
  const flags = new Map();

  assert.equal(adopt({ sequence: 5, item: 1, response: { text: 'older' } }, answers, flags), false);
  assert.equal(adopt({ sequence: 7, item: 1, response: { text: 'other tab' } }, answers, flags), true);
  assert.equal(adopt({ sequence: 3, item: 1, flagged: true }, answers, flags), true);

  assert.deepEqual(answers.get(1), { response: { text: 'other tab' }, sequence: 7 });
  assert.deepEqual(flags.get(1), { flagged: true, sequence: 3 });
});

test('failed sends are retried after 1 s, doubling to at most 15 s, and from 1 s again once one succeeds', () => {
  const backoff = new Backoff();

  assert.deepEqual(Array.from({ length: 7 }, () => backoff.next()), [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  backoff.reset();
  assert.equal(backoff.next(), 1000);
});

test('a failed batch is retried, held, split or refused by how it failed', () => {
  assert.equal(afterFailedBatch('superseded', 3), 'stop');
  assert.equal(afterFailedBatch('transient', 3), 'retry');
  assert.equal(afterFailedBatch('conflict', 3), 'hold');
  assert.equal(afterFailedBatch('refused', 3), 'one-by-one');
  assert.equal(afterFailedBatch('refused', 1), 'refuse');
});

test('a change sent alone that fails is retried later with the rest unless the server refused it', () => {
  assert.equal(afterFailedSingle('superseded'), 'stop');
  assert.equal(afterFailedSingle('transient'), 'retry');
  assert.equal(afterFailedSingle('conflict'), 'retry');
  assert.equal(afterFailedSingle('refused'), 'refuse');
});
