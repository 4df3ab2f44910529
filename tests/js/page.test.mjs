// The page's pure parts: words, answers, save lines, the server's failures; and the modules linking as a browser would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Problem, isTransient, kindOf, whyNotSent } from '../../src/AssessmentEngine.Web/wwwroot/js/test/api.js';
import { hasAnswer, same, saveState } from '../../src/AssessmentEngine.Web/wwwroot/js/test/questions.js';
import { confirmText, summaryText } from '../../src/AssessmentEngine.Web/wwwroot/js/test/review.js';
import { bandChange, plural, wordCount, wordLimits } from '../../src/AssessmentEngine.Web/wwwroot/js/test/words.js';

test('a response answers its question only when it says something', () => {
  assert.equal(hasAnswer(undefined), false);
  assert.equal(hasAnswer({ choice: null }), false);
  assert.equal(hasAnswer({ choices: [] }), false);
  assert.equal(hasAnswer({ matches: {} }), false);
  assert.equal(hasAnswer({ text: '  \n ' }), false);
  assert.equal(hasAnswer({ choice: 'o2' }), true);
  assert.equal(hasAnswer({ choices: ['o1'] }), true);
  assert.equal(hasAnswer({ matches: { p1: 'a2' } }), true);
  assert.equal(hasAnswer({ text: 'Listen' }), true);
});

test('the same response again is no change', () => {
  assert.equal(same({ choices: ['a', 'b'] }, { choices: ['a', 'b'] }), true);
  assert.equal(same({ choices: ['a', 'b'] }, { choices: ['b', 'a'] }), false);
  assert.equal(same(undefined, null), true);
});

test('a question\'s save line puts a refusal first, then a lost page, waiting, typing, saved', () => {
  const line = facts => saveState({ superseded: false, waiting: false, typing: false, failing: false, held: false, ...facts });
  assert.deepEqual(line({ refusal: 'Too long.', waiting: true }), { text: 'Not saved: Too long.', kind: 'bad' });
  assert.deepEqual(line({ superseded: true, typing: true }), { text: 'Not saved on this page.', kind: 'bad' });
  assert.deepEqual(line({ superseded: true, held: true }), { text: 'Saved', kind: 'good' });
  assert.deepEqual(line({ waiting: true, failing: true }), { text: 'Not saved yet — will retry', kind: 'warn' });
  assert.deepEqual(line({ waiting: true }), { text: 'Saving…', kind: 'busy' });
  assert.deepEqual(line({ typing: true, held: true }), { text: 'Saving…', kind: 'busy' });
  assert.deepEqual(line({}), { text: 'Not answered yet', kind: 'none' });
});

test('network failures, server errors, a lost sign-in, throttling and a stale token are retried; other problems are not', () => {
  assert.equal(kindOf(new TypeError('Failed to fetch')), 'transient');
  assert.equal(kindOf(new DOMException('aborted', 'AbortError')), 'transient');
  for (const status of [500, 503, 401, 429]) {
    assert.equal(isTransient(new Problem(status, null)), true, String(status));
  }
  assert.equal(kindOf(new Problem(400, { title: 'Reload the page' })), 'transient');
  assert.equal(kindOf(new Problem(409, { title: 'Opened elsewhere', superseded: true })), 'superseded');
  assert.equal(kindOf(new Problem(409, { title: 'The test is paused.' })), 'conflict');
  assert.equal(kindOf(new Problem(400, { title: 'Bad answer' })), 'refused');
  assert.equal(kindOf(new Problem(404, null)), 'refused');
});

test('a problem says what the server said, or its status', () => {
  assert.equal(new Problem(400, { title: 'Bad answer', detail: 'Option 9 is not offered.' }).message, 'Option 9 is not offered.');
  assert.equal(new Problem(400, { title: 'Bad answer' }).message, 'Bad answer');
  assert.equal(new Problem(502, null).message, 'The server answered 502.');
  assert.match(whyNotSent(new Problem(401, null)), /signed out/);
  assert.equal(whyNotSent(new Problem(400, { title: 'Reload the page' })), 'Reload the page');
  assert.match(whyNotSent(new TypeError('Failed to fetch')), /Cannot reach the server/);
});

test('word counts stand under, within or over the limits, and crossing one is said once', () => {
  const item = { minWords: 3, maxWords: 5 };
  assert.deepEqual(wordCount(item, ' one  two '), { words: 2, band: 'under', text: '2 words — 1 more to reach 3' });
  assert.deepEqual(wordCount(item, 'a b c d'), { words: 4, band: 'within', text: '4 words' });
  assert.deepEqual(wordCount(item, 'a b c d e f g'), { words: 7, band: 'over', text: '7 words — 2 over the limit of 5' });
  assert.deepEqual(wordCount({}, ''), { words: 0, band: 'within', text: '0 words' });
  assert.equal(bandChange(item, undefined, 'under'), null);
  assert.equal(bandChange(item, 'under', 'under'), null);
  assert.equal(bandChange(item, 'under', 'within'), 'You have reached 3 words.');
  assert.equal(bandChange(item, 'over', 'within'), 'You are back within 5 words.');
  assert.equal(bandChange(item, 'within', 'over'), 'You have written more than 5 words.');
  assert.equal(bandChange(item, 'within', 'under'), 'You now have fewer than 3 words.');
});

test('limits, plurals and the review\'s words', () => {
  assert.equal(wordLimits({ minWords: 100, maxWords: 300 }), 'Write between 100 and 300 words.');
  assert.equal(wordLimits({ minWords: 100 }), 'Write at least 100 words.');
  assert.equal(wordLimits({ maxWords: 300 }), 'Write no more than 300 words.');
  assert.equal(wordLimits({}), null);
  assert.equal(plural(1, 'mark'), '1 mark');
  assert.equal(plural(0, 'mark'), '0 marks');
  assert.equal(summaryText(3, 10), 'You have answered 3 of 10 questions.');
  assert.equal(confirmText(0), 'Once you submit you cannot change your answers.');
  assert.equal(confirmText(1), 'You have not answered 1 question. Once you submit you cannot change your answers.');
});

test('the pages\' modules link: every import names an export that exists', async () => {
  // Outside a page each finds no root element and does nothing; a missing export fails the import itself.
  globalThis.document = { getElementById: () => null };
  globalThis.window = {};
  try {
    for (const module of ['test/main.js', 'dashboard.js', 'waiting.js']) {
      await import(`../../src/AssessmentEngine.Web/wwwroot/js/${module}`);
    }
  } finally {
    delete globalThis.document;
    delete globalThis.window;
  }
});
