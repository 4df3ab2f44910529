// The test's clock, pure: the server's time is the one that counts, so the page keeps the offset between the server's
// clock and the computer's and counts down to the server's deadline with it. Times are milliseconds since the epoch.

import { plural } from './words.js';

/** Minutes left at which the page says how long is left, once each. */
export const thresholds = Object.freeze([10, 5, 1]);

/** Server time − local time, from a clock the server sent at `localNow`. */
export function offsetOf(serverNow, localNow) {
  return Date.parse(serverNow) - localNow;
}

/** Milliseconds left to the clock's deadline (negative past it), or null when the attempt has none. */
export function remainingMs(clock, offset, localNow) {
  if (!clock || !clock.deadline) {
    return null;
  }
  return Date.parse(clock.deadline) - (localNow + offset);
}

/** "4:05", "1:00:00"; a part second counts as a second, and nothing below 0:00. */
export function format(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** The thresholds already reached with this much time left. */
export function thresholdsReached(remaining) {
  return thresholds.filter(threshold => remaining / 60000 <= threshold);
}

/**
 * What the timer shows now: its text; `over` (soft limit passed) or `low` (5 minutes or less) for its look; what to
 * announce, each once (key and words, in order); and `timeUp` when a hard limit has run out.
 */
export function reading(clock, { offset, now, voided }) {
  if (voided) {
    // A voided attempt has no time left to count, and must not reach "time is up" (which would replace the reason).
    return { text: '—', announce: [], timeUp: false };
  }
  if (clock.paused) {
    return { text: `Paused (${format((clock.remainingSeconds || 0) * 1000)} left)`, announce: [], timeUp: false };
  }
  const remaining = remainingMs(clock, offset, now);
  if (remaining === null) {
    return { text: '—', announce: [], timeUp: false };
  }
  if (remaining <= 0 && clock.timeLimit === 'soft') {
    return {
      text: `Over time by ${format(-remaining)}`,
      over: true,
      announce: [{ key: 'over', text: 'Your time is up. You may finish; the extra time you take is recorded.' }],
      timeUp: false,
    };
  }
  return {
    text: format(remaining),
    low: remaining / 60000 <= 5,
    announce: thresholdsReached(remaining).map(threshold => ({ key: threshold, text: `${plural(threshold, 'minute')} left.` })),
    timeUp: remaining <= 0,
  };
}
