// The answer outbox, pure: every change the candidate makes gets the next sequence number and waits in storage (the
// page's localStorage) until the engine acknowledges or refuses that number, so a reload, a crash or a lost connection
// loses nothing. It is read from storage afresh every time: another tab of the same browser shares it. Nothing here
// touches the page or the network; the storage is passed in (anything with getItem, setItem and removeItem).
//
// Stored as it always was, so that a page reloaded across a deploy finds what the last one left:
//   ae.outbox.<attempt>    a JSON array of { sequence, item, response } or { sequence, item, flagged }
//   ae.sequence.<attempt>  the highest sequence number given out, as a decimal string

/** At most this many changes go in one request. */
export const maxBatch = 500;

export const outboxKey = attemptId => `ae.outbox.${attemptId}`;
export const sequenceKey = attemptId => `ae.sequence.${attemptId}`;

export class Outbox {
  constructor(storage, attemptId) {
    this.storage = storage;
    this.key = outboxKey(attemptId);
    this.sequenceKey = sequenceKey(attemptId);
    // The highest sequence the engine already holds: numbers given out stay above it.
    this.floor = 0;
    /** Question number → why the engine did not save its last change (until the next change to it). */
    this.refusals = new Map();
  }

  /** The changes waiting, as stored (an unreadable outbox reads as empty). */
  entries() {
    try {
      const entries = JSON.parse(this.storage.getItem(this.key) || '[]');
      return Array.isArray(entries) ? entries : [];
    } catch {
      return [];
    }
  }

  write(entries) {
    if (entries.length === 0) {
      this.storage.removeItem(this.key);
    } else {
      this.storage.setItem(this.key, JSON.stringify(entries));
    }
  }

  get size() {
    return this.entries().length;
  }

  /** The questions with a change waiting. */
  items() {
    return new Set(this.entries().map(entry => entry.item));
  }

  /** The engine holds changes up to `lastSequence`: numbers given out from now on are higher. */
  startAbove(lastSequence) {
    this.floor = lastSequence;
    const held = Number(this.storage.getItem(this.sequenceKey)) || 0;
    if (held < lastSequence) {
      this.storage.setItem(this.sequenceKey, String(lastSequence));
    }
  }

  /** Above every number given out before (kept in storage), every number waiting, and what the engine holds. */
  nextSequence() {
    const held = Number(this.storage.getItem(this.sequenceKey)) || 0;
    const waiting = this.entries().reduce((max, entry) => Math.max(max, entry.sequence), 0);
    const next = Math.max(held, waiting, this.floor) + 1;
    this.storage.setItem(this.sequenceKey, String(next));
    return next;
  }

  /** Puts a change ({ item, response } or { item, flagged }) in the outbox with the next sequence number. */
  add(change) {
    const entry = { sequence: this.nextSequence(), ...change };
    const entries = this.entries();
    entries.push(entry);
    this.write(entries);
    this.refusals.delete(entry.item);
    return entry;
  }

  /** What to send next: the oldest changes first, at most `max`. */
  nextBatch(max = maxBatch) {
    return this.entries().sort((a, b) => a.sequence - b.sequence).slice(0, max);
  }

  /** Removes the changes whose sequence `done` picks, from the outbox as stored now (another tab may have added to it). */
  forget(done) {
    this.write(this.entries().filter(entry => !done(entry.sequence)));
  }

  /**
   * Takes the engine's answer to a batch ({ acknowledged: [sequence], refused: [{ sequence, reason }] }): acknowledged
   * and refused changes leave the outbox, nothing else does (a later change to the same question stays). Returns the
   * acknowledged changes and the reasons given for the refused ones.
   */
  settle(batch, result) {
    const acknowledged = new Set(result.acknowledged);
    const refused = new Map(result.refused.map(r => [r.sequence, r.reason]));
    const saved = [];
    for (const entry of batch) {
      if (acknowledged.has(entry.sequence)) {
        saved.push(entry);
      } else if (refused.has(entry.sequence)) {
        this.refusals.set(entry.item, refused.get(entry.sequence));
      }
    }
    this.forget(sequence => acknowledged.has(sequence) || refused.has(sequence));
    return { acknowledged: saved, reasons: [...new Set(refused.values())] };
  }

  /** Takes the engine's answer to one change sent alone: it leaves the outbox either way. True when it was saved. */
  settleAlone(entry, result) {
    const saved = result.acknowledged.includes(entry.sequence);
    if (!saved) {
      const refusal = result.refused.find(r => r.sequence === entry.sequence);
      this.refusals.set(entry.item, refusal ? refusal.reason : 'Not saved.');
    }
    this.forget(sequence => sequence === entry.sequence);
    return saved;
  }

  /** The engine will not take this change (it said why): it leaves the outbox, and its question says so. */
  refuse(entry, reason) {
    this.refusals.set(entry.item, reason);
    this.forget(sequence => sequence === entry.sequence);
  }

  /**
   * Lays the changes still waiting over what the engine sent (question number → { response, sequence } and
   * → { flagged, sequence }): they were not acknowledged, so they are newer. Questions the paper lacks are skipped.
   */
  replayOnto(answers, flags, questions) {
    for (const entry of this.entries().sort((a, b) => a.sequence - b.sequence)) {
      if (entry.item < 1 || entry.item > questions) {
        continue;
      }
      if (entry.flagged !== undefined) {
        flags.set(entry.item, { flagged: entry.flagged, sequence: entry.sequence });
      } else {
        const held = answers.get(entry.item);
        if (!held || held.sequence < entry.sequence) {
          answers.set(entry.item, { response: entry.response, sequence: entry.sequence });
        }
      }
    }
  }
}

/** A change as the engine takes it: an answer's response, or a flag. */
export function toChange(entry) {
  return entry.flagged === undefined
    ? { sequence: entry.sequence, item: entry.item, response: entry.response }
    : { sequence: entry.sequence, item: entry.item, flagged: entry.flagged };
}

/**
 * An acknowledged change (perhaps made on another tab of this browser) becomes what the page holds for its question if
 * it is newer than what the page holds. True when it did.
 */
export function adopt(entry, answers, flags) {
  const held = (entry.flagged !== undefined ? flags : answers).get(entry.item);
  if (held && held.sequence >= entry.sequence) {
    return false;
  }
  if (entry.flagged !== undefined) {
    flags.set(entry.item, { flagged: entry.flagged, sequence: entry.sequence });
  } else {
    answers.set(entry.item, { response: entry.response, sequence: entry.sequence });
  }
  return true;
}

/** The waits between tries while sends fail: 1 s, doubling, at most 15 s; back to 1 s once one succeeds. */
export class Backoff {
  constructor(first = 1000, most = 15000) {
    this.first = first;
    this.most = most;
    this.delay = first;
  }

  /** The wait before the next try; the one after is longer. */
  next() {
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.most);
    return delay;
  }

  reset() {
    this.delay = this.first;
  }
}

/**
 * What to do when a batch could not be sent, by how it failed (api.js kindOf): 'stop' (another page took over),
 * 'retry' later, 'hold' (keep the changes and say why: the attempt takes none now), 'one-by-one' (send them singly to
 * find the one the engine refuses), or 'refuse' (the one change sent is refused).
 */
export function afterFailedBatch(kind, size) {
  switch (kind) {
    case 'superseded':
      return 'stop';
    case 'transient':
      return 'retry';
    case 'conflict':
      return 'hold';
    default:
      return size > 1 ? 'one-by-one' : 'refuse';
  }
}

/** What to do when a change sent alone failed: 'stop', 'retry' later (the rest wait too) or 'refuse' it and go on. */
export function afterFailedSingle(kind) {
  switch (kind) {
    case 'superseded':
      return 'stop';
    case 'transient':
    case 'conflict':
      return 'retry';
    default:
      return 'refuse';
  }
}
