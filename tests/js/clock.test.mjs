// The test's clock: the server's time counts, the page counts down to the server's deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format, offsetOf, reading, remainingMs, thresholdsReached } from '../../src/AssessmentEngine.Web/wwwroot/js/test/clock.js';

const local = Date.parse('2026-12-01T09:00:00Z');
const clock = (deadline, extra = {}) => ({ serverNow: '2026-12-01T09:00:00Z', deadline, ...extra });

test('the offset is how far the server\'s clock is ahead of the computer\'s', () => {
  assert.equal(offsetOf('2026-12-01T09:00:30Z', local), 30000);
  assert.equal(offsetOf('2026-12-01T08:59:58Z', local), -2000);
});

test('time left counts to the server\'s deadline on the server\'s time', () => {
  const offset = offsetOf('2026-12-01T09:00:30Z', local); // the computer is 30 s behind
  assert.equal(remainingMs(clock('2026-12-01T09:10:00Z'), offset, local), 570000);
  assert.equal(remainingMs(clock(null), offset, local), null);
  assert.equal(remainingMs(null, 0, local), null);
});

test('time is shown as minutes and seconds, hours when there are any, never below nothing', () => {
  assert.equal(format(65000), '1:05');
  assert.equal(format(59001), '1:00'); // a part second counts
  assert.equal(format(3600000), '1:00:00');
  assert.equal(format(3599000), '59:59');
  assert.equal(format(7322000), '2:02:02');
  assert.equal(format(0), '0:00');
  assert.equal(format(-5000), '0:00');
});

test('the minutes left are announced at 10, 5 and 1, and those behind already are known', () => {
  assert.deepEqual(thresholdsReached(11 * 60000), []);
  assert.deepEqual(thresholdsReached(10 * 60000), [10]);
  assert.deepEqual(thresholdsReached(4 * 60000), [10, 5]);
  assert.deepEqual(thresholdsReached(30000), [10, 5, 1]);

  const shown = reading(clock('2026-12-01T09:04:00Z'), { offset: 0, now: local, voided: false });
  assert.equal(shown.text, '4:00');
  assert.equal(shown.low, true);
  assert.deepEqual(shown.announce, [{ key: 10, text: '10 minutes left.' }, { key: 5, text: '5 minutes left.' }]);
  assert.equal(shown.timeUp, false);
});

test('a hard limit that has run out is time up', () => {
  const shown = reading(clock('2026-12-01T08:59:59Z'), { offset: 0, now: local, voided: false });
  assert.equal(shown.text, '0:00');
  assert.equal(shown.timeUp, true);
  assert.deepEqual(shown.announce.map(a => a.text), ['10 minutes left.', '5 minutes left.', '1 minute left.']);
});

test('past a soft limit the timer counts the time over and says once that time is up', () => {
  const shown = reading(clock('2026-12-01T08:58:30Z', { timeLimit: 'soft' }), { offset: 0, now: local, voided: false });
  assert.equal(shown.text, 'Over time by 1:30');
  assert.equal(shown.over, true);
  assert.equal(shown.timeUp, false);
  assert.deepEqual(shown.announce, [{ key: 'over', text: 'Your time is up. You may finish; the extra time you take is recorded.' }]);
});

test('a paused clock shows the time left as the server counted it; a voided or limitless one shows none', () => {
  const paused = reading(clock('2026-12-01T08:00:00Z', { paused: true, remainingSeconds: 754 }), { offset: 0, now: local, voided: false });
  assert.deepEqual(paused, { text: 'Paused (12:34 left)', announce: [], timeUp: false });
  assert.equal(reading(clock('2026-12-01T08:00:00Z'), { offset: 0, now: local, voided: true }).timeUp, false);
  assert.equal(reading(clock('2026-12-01T08:00:00Z'), { offset: 0, now: local, voided: true }).text, '—');
  assert.equal(reading(clock(null), { offset: 0, now: local, voided: false }).text, '—');
});
