// The candidate's test page. One question at a time; every change goes into an outbox kept in localStorage before it is
// sent, and leaves it only when the server acknowledges (or refuses) its sequence number, so a reload, a crash or a lost
// connection loses nothing (outbox.js). The server's clock is the one that counts: the page shows it, corrected for the
// drift of the computer's own clock (clock.js). This module wires them to the page: the DOM, events and timers.

import { attemptApi, kindOf, Problem, isTransient, isSuperseded, whyNotSent } from './api.js';
import { offsetOf, reading, remainingMs, thresholdsReached } from './clock.js';
import { make } from './dom.js';
import { Outbox, Backoff, adopt, afterFailedBatch, afterFailedSingle, toChange } from './outbox.js';
import { buildQuestion, hasAnswer, responseOf, same, saveState, showResponse } from './questions.js';
import { buildReview, refreshReview, resetReview } from './review.js';
import { AttemptStatus, beforeTheTest } from './states.js';
import { plural } from './words.js';

const textDelay = 800;
const clockPollMs = 30000;

const testRoot = document.getElementById('test');
if (testRoot) {
  start(testRoot);
}

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

async function start(root) {
  const attemptId = root.dataset.attempt;
  const page = randomId();
  const outbox = new Outbox(localStorage, attemptId);
  const retries = new Backoff();
  const call = attemptApi({ attemptId, token: root.dataset.token, onClock: takeClock });

  const state = {
    paper: null,
    answers: new Map(), // number -> { response, sequence }
    flags: new Map(), // number -> { flagged, sequence }
    pendingText: new Map(), // number -> timer of a text answer not yet in the outbox
    current: 1,
    offset: 0,
    clock: null,
    stopped: false, // superseded, timed out or submitting: no more changes from this page
    superseded: false,
    voided: false,
    failing: false,
    inFlight: null,
    again: false,
    retryTimer: null,
    announced: new Set(),
    timeUp: false,
    slowSave: null,
    lastFailure: '',
    clockPoll: null,
    leaving: false,
  };

  const el = {};

  function itemAt(number) {
    return state.paper.items[number - 1];
  }

  // ------------------------------------------------------------------ saving

  function flush() {
    if (state.superseded) {
      return Promise.resolve();
    }
    if (state.inFlight) {
      state.again = true;
      return state.inFlight;
    }
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    state.inFlight = send().finally(() => {
      state.inFlight = null;
      if (state.again && !state.superseded) {
        state.again = false;
        if (outbox.size > 0 && !state.retryTimer) {
          flush();
        }
      }
    });
    return state.inFlight;
  }

  async function send() {
    const batch = outbox.nextBatch();
    if (batch.length === 0) {
      state.failing = false;
      showSaving();
      return;
    }

    clearTimeout(state.slowSave);
    state.slowSave = setTimeout(() => showSaving(true), 1000);
    showSaving();
    try {
      const result = await call('answers', { page, changes: batch.map(toChange) });
      const { acknowledged, reasons } = outbox.settle(batch, result);
      acknowledged.forEach(taken);
      if (reasons.length > 0) {
        showAlert(`Some answers were not saved: ${reasons.join(' ')}`);
      }
      state.failing = false;
      retries.reset();
      if (outbox.size > 0) {
        state.again = true;
      }
    } catch (error) {
      switch (afterFailedBatch(kindOf(error), batch.length)) {
        case 'stop':
          supersede(error.message);
          break;
        case 'retry':
          state.failing = true;
          retryLater(error);
          break;
        case 'hold':
          // The attempt is not in a state to take answers: keep them, and say why.
          state.failing = true;
          state.lastFailure = error.message;
          showAlert(error.message);
          break;
        case 'one-by-one':
          // One bad change must not hold back the rest: send them one at a time to find it.
          await sendOneByOne(batch);
          break;
        default:
          outbox.refuse(batch[0], error.message);
          showAlert(`Question ${batch[0].item}: ${error.message}`);
      }
    } finally {
      clearTimeout(state.slowSave);
      state.slowSave = null;
      showSaving();
      refreshAll();
    }
  }

  async function sendOneByOne(batch) {
    for (const entry of batch) {
      try {
        const result = await call('answers', { page, changes: [toChange(entry)] });
        if (outbox.settleAlone(entry, result)) {
          taken(entry);
        }
      } catch (error) {
        const next = afterFailedSingle(kindOf(error));
        if (next === 'stop') {
          supersede(error.message);
          return;
        }
        if (next === 'retry') {
          state.failing = true;
          retryLater(error);
          return;
        }
        outbox.refuse(entry, error.message);
        showAlert(`Question ${entry.item}: ${error.message}`);
      }
    }
  }

  // An acknowledged change, perhaps made on another tab of this browser, becomes what this page shows if it is newer.
  function taken(entry) {
    if (adopt(entry, state.answers, state.flags)) {
      showControls(entry.item);
    }
  }

  function retryLater(error) {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      flush();
    }, retries.next());
    state.lastFailure = whyNotSent(error);
  }

  // ------------------------------------------------------------------ answers from the controls

  function isAnswered(number) {
    const held = state.answers.get(number);
    return hasAnswer(held && held.response);
  }

  function isFlagged(number) {
    const flag = state.flags.get(number);
    return Boolean(flag && flag.flagged);
  }

  function changed(number) {
    if (state.stopped) {
      return;
    }
    const response = responseOf(itemAt(number));
    const held = state.answers.get(number);
    if (held && same(held.response, response)) {
      refresh(number);
      return;
    }
    const entry = outbox.add({ item: number, response });
    state.answers.set(number, { response, sequence: entry.sequence });
    refresh(number);
    flush();
  }

  function typed(number) {
    clearTimeout(state.pendingText.get(number));
    state.pendingText.set(number, setTimeout(() => commitText(number), textDelay));
    refresh(number);
  }

  function commitText(number) {
    if (!state.pendingText.has(number)) {
      return;
    }
    clearTimeout(state.pendingText.get(number));
    state.pendingText.delete(number);
    changed(number);
  }

  function commitAllText() {
    for (const number of [...state.pendingText.keys()]) {
      commitText(number);
    }
  }

  function toggleFlag() {
    if (state.stopped) {
      return;
    }
    const number = state.current;
    const flagged = !isFlagged(number);
    const entry = outbox.add({ item: number, flagged });
    state.flags.set(number, { flagged, sequence: entry.sequence });
    refresh(number);
    flush();
  }

  // ------------------------------------------------------------------ building the page

  function build(paper) {
    root.querySelector('#loading')?.remove();
    const heading = root.querySelector('h1');
    heading.textContent = paper.title;
    heading.classList.remove('visually-hidden');
    heading.classList.add('test-title');

    el.timer = make('span', { id: 'timer', role: 'timer', 'aria-live': 'off', 'aria-labelledby': 'timer-label' });
    el.timeNote = make('span', { className: 'hint', id: 'time-note' });
    el.status = make('p', { id: 'save-status', role: 'status', className: 'save-status' });
    el.announce = make('p', { id: 'time-announce', className: 'visually-hidden', 'aria-live': 'polite' });
    el.alert = make('div', { id: 'test-alert', role: 'alert', className: 'test-alert' });
    // A page opened during a pause says so at once (the clock came with the paper).
    el.pausedNote = make('div', { id: 'paused-note', className: 'notice warn', hidden: !(state.clock && state.clock.paused) },
      make('p', { text: 'The invigilator has paused your test: your time has stopped, and you cannot change your answers until it resumes. Your answers are kept.' }));
    el.messages = make('div', { id: 'messages', className: 'notice messages', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages from the invigilator', hidden: true });
    const bar = make('div', { className: 'test-bar' },
      make('p', { className: 'clock' }, make('span', { id: 'timer-label', text: 'Time left' }), ' ', el.timer, el.timeNote),
      el.status);

    el.nav = make('ol', { className: 'question-list' });
    el.navLinks = new Map();
    for (const item of paper.items) {
      const marker = make('span', { className: 'nav-state' });
      const link = make('a', { href: `#q${item.number}`, id: `nav-${item.number}` },
        make('span', { className: 'visually-hidden', text: 'Question ' }), String(item.number), marker);
      el.navLinks.set(item.number, { link, marker });
      el.nav.append(make('li', null, link));
    }
    el.reviewLink = make('a', { href: '#review', className: 'review-link', text: 'Review and submit' });
    const nav = make('nav', { className: 'navigator', 'aria-labelledby': 'navigator-heading' },
      make('h2', { id: 'navigator-heading', text: 'Questions' }),
      make('p', { className: 'hint', id: 'navigator-key', text: '✓ answered, ⚑ flagged for review' }),
      el.nav, el.reviewLink);

    el.questions = make('div', { className: 'questions' });
    const on = { changed, typed, committed: commitText, flag: toggleFlag };
    for (const item of paper.items) {
      el.questions.append(buildQuestion(item, paper.items.length, on));
    }
    Object.assign(el, buildReview({
      unanswered: () => {
        commitAllText();
        return state.paper.items.filter(item => !isAnswered(item.number)).length;
      },
      submit,
    }));
    el.questions.append(el.review);

    root.append(bar, el.alert, el.pausedNote, el.messages, el.announce, make('div', { className: 'test-layout' }, nav, el.questions));
    holdAnswers();
  }

  // ------------------------------------------------------------------ showing state

  function showControls(number) {
    showResponse(itemAt(number), (state.answers.get(number) || {}).response || {}, state.pendingText.has(number));
    refresh(number);
  }

  function saveStateOf(number, unsent) {
    return saveState({
      refusal: outbox.refusals.get(number),
      superseded: state.superseded,
      waiting: unsent.has(number),
      typing: state.pendingText.has(number),
      failing: state.failing,
      held: state.answers.has(number) || state.flags.has(number),
    });
  }

  function refresh(number, unsent = outbox.items()) {
    const saved = saveStateOf(number, unsent);
    const line = document.getElementById(`q${number}-save`);
    line.textContent = saved.text;
    line.dataset.state = saved.kind;
    const flag = document.getElementById(`q${number}-flag`);
    flag.setAttribute('aria-pressed', String(isFlagged(number)));
    flag.textContent = isFlagged(number) ? 'Flagged for review' : 'Flag for review';

    const { link, marker } = el.navLinks.get(number);
    const parts = [isAnswered(number) ? 'answered' : 'not answered'];
    if (isFlagged(number)) {
      parts.push('flagged');
    }
    if (saved.kind === 'warn' || saved.kind === 'bad') {
      parts.push('not saved');
    }
    marker.replaceChildren(
      make('span', { 'aria-hidden': 'true', text: `${isAnswered(number) ? '✓' : ''}${isFlagged(number) ? '⚑' : ''}${saved.kind === 'warn' || saved.kind === 'bad' ? '!' : ''}` }),
      make('span', { className: 'visually-hidden', text: `, ${parts.join(', ')}` }));
    link.classList.toggle('answered', isAnswered(number));
    link.classList.toggle('flagged', isFlagged(number));
    if (state.current === number) {
      link.setAttribute('aria-current', 'step');
    } else {
      link.removeAttribute('aria-current');
    }
  }

  function refreshAll() {
    if (!state.paper) {
      return;
    }
    const unsent = outbox.items();
    for (const item of state.paper.items) {
      refresh(item.number, unsent);
    }
    if (!el.review.hidden) {
      showReview();
    }
    showSaving();
  }

  function showReview() {
    refreshReview(el, state.paper.items.map(item => item.number), isAnswered, isFlagged);
  }

  function setStatus(text) {
    if (el.status && el.status.textContent !== text) {
      el.status.textContent = text;
    }
  }

  function showSaving(slow) {
    if (!el.status || state.superseded) {
      return;
    }
    const waiting = outbox.size + state.pendingText.size;
    if (waiting === 0) {
      setStatus('All answers saved.');
    } else if (state.failing) {
      setStatus(`${plural(waiting, 'change')} not saved yet — will retry. ${state.lastFailure || ''}`.trim());
    } else if (slow || !el.status.textContent) {
      // Saving is quick; the status line only says so when it is not, so that it does not chatter at every change.
      setStatus('Saving…');
    }
  }

  function showAlert(text) {
    el.alert.replaceChildren(make('p', { text }));
  }

  function show(target) {
    commitAllText();
    const review = target === 'review';
    const number = review ? null : Math.min(Math.max(Number(target) || 1, 1), state.paper.items.length);
    for (const section of el.questions.children) {
      section.hidden = true;
    }
    if (review) {
      showReview();
      el.review.hidden = false;
      resetReview(el);
      el.reviewLink.setAttribute('aria-current', 'step');
      state.current = null;
    } else {
      state.current = number;
      document.getElementById(`q${number}`).hidden = false;
      el.reviewLink.removeAttribute('aria-current');
    }
    refreshAll();
    return review ? document.getElementById('review-heading') : document.getElementById(`q${number}-heading`);
  }

  // #q3 is question 3, #review the review; any other fragment (the skip link's #main) leaves the view as it is.
  function route(focus) {
    const hash = location.hash.replace(/^#/, '');
    const ours = hash === 'review' || /^q\d+$/.test(hash);
    if (!ours && focus) {
      return;
    }
    const heading = hash === 'review' ? show('review') : show(ours ? hash.slice(1) : 1);
    if (focus) {
      heading.focus();
    }
  }

  function stop() {
    state.stopped = true;
    for (const control of root.querySelectorAll('input, select, textarea, button')) {
      control.disabled = true;
    }
  }

  function supersede(message) {
    if (state.superseded) {
      return;
    }
    state.superseded = true;
    clearTimeout(state.retryTimer);
    clearInterval(state.clockPoll);
    stop();
    // The outbox stays in localStorage: the page that took over sends it.
    setStatus('This page no longer saves.');
    el.alert.replaceChildren(
      make('p', { text: message && message.startsWith('This test has been opened') ? message
        : 'This test has been opened in another tab or on another computer. Carry on there; this page no longer saves.' }),
      make('p', null, 'To carry on here instead, close the other one and ', make('a', { href: location.pathname, text: 'reload this page' }), '.'));
    refreshAll();
  }

  // ------------------------------------------------------------------ the clock

  function takeClock(clock) {
    const wasPaused = state.clock && state.clock.paused;
    state.clock = clock;
    state.offset = offsetOf(clock.serverNow, Date.now());
    if (clock.status === AttemptStatus.Submitted) {
      toReceipt();
      return;
    }
    if (clock.status === AttemptStatus.Voided && !state.voided) {
      state.voided = true;
      clearInterval(state.clockPoll);
      stop();
      if (el.pausedNote) {
        el.pausedNote.hidden = true;
      }
      showAlert(`The invigilator has voided this attempt: ${clock.notice || 'no reason given'}. Nothing more can be saved. Put your hand up if you want to speak to them.`);
      setStatus('This attempt was voided.');
      return;
    }
    if (el.pausedNote && clock.paused !== wasPaused) {
      el.pausedNote.hidden = !clock.paused;
      el.announce.textContent = clock.paused ? 'The invigilator has paused your test. Your time has stopped.' : 'Your test has resumed. Your time is running again.';
      holdAnswers();
      if (!clock.paused && wasPaused && outbox.size > 0) {
        flush(); // changes made before the pause, kept while the engine took none
      }
    }
  }

  // While paused the engine takes no answers: the question controls are disabled (navigation stays), and the note says why.
  function holdAnswers() {
    if (!el.questions || state.stopped) {
      return;
    }
    const paused = Boolean(state.clock && state.clock.paused);
    for (const control of el.questions.querySelectorAll('input, select, textarea, button.flag')) {
      control.disabled = paused;
    }
  }

  function tick() {
    if (!state.clock || !el.timer) {
      return;
    }
    const now = reading(state.clock, { offset: state.offset, now: Date.now(), voided: state.voided });
    el.timer.textContent = now.text;
    if (now.over) {
      el.timer.classList.add('over');
    }
    if (now.low !== undefined) {
      el.timer.classList.toggle('low', now.low);
    }
    for (const { key, text } of now.announce) {
      if (!state.announced.has(key)) {
        state.announced.add(key);
        el.announce.textContent = text;
      }
    }
    if (now.timeUp && !state.timeUp) {
      timeIsUp();
    }
  }

  async function pollClock() {
    try {
      await call('clock');
      if (state.clock && beforeTheTest.includes(state.clock.status)) {
        location.assign(`/candidate/attempts/${attemptId}`);
      }
    } catch {
      // The next poll tries again; the timer keeps counting on the last offset.
    }
    tick();
  }

  // Hard limit: the server submits at the deadline. The page sends what it still holds, then waits for the submission;
  // if no submission comes it asks for one, which the server records as time-up.
  async function timeIsUp() {
    state.timeUp = true;
    commitAllText();
    stop();
    showAlert('Time is up. Your answers are being handed in…');
    try {
      await flush();
    } catch {
      // What could not be sent stays in the outbox; the server has what it was sent before the deadline.
    }
    const started = Date.now();
    for (;;) {
      try {
        await call('clock');
      } catch {
        // Keep asking.
      }
      if (Date.now() - started > 10000 && !state.superseded) {
        try {
          await call('submit', { page });
        } catch {
          // Keep asking.
        }
      }
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }

  function toReceipt() {
    if (!state.leaving) {
      state.leaving = true;
      location.assign(`/candidate/attempts/${attemptId}/receipt`);
    }
  }

  // ------------------------------------------------------------------ submitting

  async function submit() {
    el.submitProblem.replaceChildren();
    commitAllText();
    el.confirmYes.disabled = true;
    el.confirmNo.disabled = true;
    setStatus('Saving your last answers…');
    for (let tries = 0; tries < 3 && outbox.size > 0 && !state.superseded; tries++) {
      await flush();
    }
    if (state.superseded) {
      return;
    }
    if (outbox.size > 0) {
      el.submitProblem.replaceChildren(make('p', {
        text: 'Some answers have not been saved yet, so the test was not submitted. Check the connection (or tell the invigilator) and try again.',
      }));
      el.confirmYes.disabled = false;
      el.confirmNo.disabled = false;
      showSaving();
      return;
    }
    try {
      state.stopped = true;
      setStatus('Submitting…');
      await call('submit', { page });
      toReceipt();
    } catch (error) {
      state.stopped = false;
      if (isSuperseded(error)) {
        supersede(error.message);
        return;
      }
      el.submitProblem.replaceChildren(make('p', {
        text: error instanceof Problem ? error.message : 'Your answers could not be submitted: the server cannot be reached. Try again in a moment.',
      }));
      el.confirmYes.disabled = false;
      el.confirmNo.disabled = false;
      showSaving();
    }
  }

  // ------------------------------------------------------------------ starting up

  async function open() {
    const waits = new Backoff();
    for (;;) {
      try {
        return await call('open', { page });
      } catch (error) {
        if (error instanceof Problem && error.status === 409) {
          if (/submitted/i.test(error.message)) {
            toReceipt();
          } else {
            location.assign(`/candidate/attempts/${attemptId}`);
          }
          return null;
        }
        const loading = root.querySelector('#loading');
        if (loading) {
          loading.textContent = error instanceof Problem && !isTransient(error)
            ? error.message
            : 'Cannot reach the server yet. Trying again…';
        }
        if (error instanceof Problem && !isTransient(error)) {
          return null;
        }
        await new Promise(resolve => setTimeout(resolve, waits.next()));
      }
    }
  }

  // The live connection: the invigilator's pause, extra time, messages and void arrive at once (the clock poll is the
  // fallback); the page reports heartbeats and focus. Answers never go this way.
  function live() {
    if (!window.AssessmentEngineLive) {
      return;
    }
    window.AssessmentEngineLive.connect({
      attemptId,
      heartbeatSeconds: Number(root.dataset.heartbeat) || 10,
      onClock: clock => {
        if (!state.superseded) {
          takeClock(clock);
          tick();
        }
      },
      onMessage: message => {
        const at = new Date(Date.parse(message.sentAt)).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
        el.messages.hidden = false;
        el.messages.prepend(make('p', { className: 'message', text: `${at} — ${message.from}: ${message.text}` }));
      },
    });
  }

  const paper = await open();
  if (!paper) {
    return;
  }
  state.paper = paper;
  for (const [number, saved] of Object.entries(paper.answers || {})) {
    state.answers.set(Number(number), { response: saved.response, sequence: saved.sequence });
  }
  for (const number of paper.flagged || []) {
    state.flags.set(number, { flagged: true, sequence: 0 });
  }
  // Changes still in the outbox were not acknowledged: they are newer than what the server holds.
  outbox.replayOnto(state.answers, state.flags, paper.items.length);
  outbox.startAbove(paper.lastSequence);

  build(paper);
  for (const item of paper.items) {
    showControls(item.number);
  }
  if (paper.extraTimePercent > 0) {
    el.timeNote.textContent = ` (includes your ${paper.extraTimePercent} % extra time)`;
  }
  // Thresholds already behind us when the page opens are not announced.
  const remaining = remainingMs(state.clock, state.offset, Date.now());
  if (remaining !== null) {
    for (const threshold of thresholdsReached(remaining)) {
      state.announced.add(threshold);
    }
  }
  window.addEventListener('hashchange', () => route(true));
  route(false);
  tick();
  setInterval(tick, 1000);
  state.clockPoll = setInterval(pollClock, clockPollMs);
  flush();
  live();

  // Text still being typed goes into the outbox before the page goes away (a reload, a closed tab).
  window.addEventListener('pagehide', commitAllText);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      commitAllText();
    }
  });
  // Another tab of this browser left changes in the shared outbox (it was opened before this one): send them now.
  window.addEventListener('storage', event => {
    if (event.key === outbox.key && event.newValue && !state.stopped) {
      flush();
    }
  });
  window.addEventListener('online', () => {
    retries.reset();
    flush();
  });
}
