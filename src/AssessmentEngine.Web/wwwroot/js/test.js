// The candidate's test page. One question at a time; every change goes into an outbox kept in localStorage before it is
// sent, and leaves it only when the server acknowledges (or refuses) its sequence number, so a reload, a crash or a lost
// connection loses nothing. The server's clock is the one that counts: the page shows it, corrected for the drift of
// the computer's own clock.
(() => {
  'use strict';

  const root = document.getElementById('test');
  if (!root) {
    return;
  }

  const attemptId = root.dataset.attempt;
  const token = root.dataset.token;
  const outboxKey = `ae.outbox.${attemptId}`;
  const sequenceKey = `ae.sequence.${attemptId}`;
  const page = randomId();
  const textDelay = 800;
  const clockPollMs = 30000;
  const maxBatch = 500;
  const thresholds = [10, 5, 1];

  const state = {
    paper: null,
    answers: new Map(), // number -> { response, sequence }
    flags: new Map(), // number -> { flagged, sequence }
    refusals: new Map(), // number -> reason
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
    retryDelay: 1000,
    announced: new Set(),
    timeUp: false,
    slowSave: null,
    lastFailure: '',
    clockPoll: null,
  };

  const el = {};

  // ------------------------------------------------------------------ small helpers

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  function make(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name === 'className') {
        node.className = value;
      } else if (name === 'html') {
        node.innerHTML = value; // sanitised by the server
      } else if (name === 'text') {
        node.textContent = value;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined) {
        node.append(child);
      }
    }
    return node;
  }

  function plural(count, word) {
    return `${count} ${word}${count === 1 ? '' : 's'}`;
  }

  function wordsIn(text) {
    return (text || '').trim().split(/\s+/).filter(Boolean).length;
  }

  function same(a, b) {
    return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  }

  function itemAt(number) {
    return state.paper.items[number - 1];
  }

  // ------------------------------------------------------------------ the outbox, in localStorage

  function readOutbox() {
    try {
      const entries = JSON.parse(localStorage.getItem(outboxKey) || '[]');
      return Array.isArray(entries) ? entries : [];
    } catch {
      return [];
    }
  }

  function writeOutbox(entries) {
    if (entries.length === 0) {
      localStorage.removeItem(outboxKey);
    } else {
      localStorage.setItem(outboxKey, JSON.stringify(entries));
    }
  }

  function nextSequence() {
    const held = Number(localStorage.getItem(sequenceKey)) || 0;
    const outboxMax = readOutbox().reduce((max, entry) => Math.max(max, entry.sequence), 0);
    const next = Math.max(held, outboxMax, state.paper ? state.paper.lastSequence : 0) + 1;
    localStorage.setItem(sequenceKey, String(next));
    return next;
  }

  function enqueue(change) {
    const entry = { sequence: nextSequence(), ...change };
    const entries = readOutbox();
    entries.push(entry);
    writeOutbox(entries);
    state.refusals.delete(entry.item);
    return entry;
  }

  function unsentItems() {
    return new Set(readOutbox().map(entry => entry.item));
  }

  // ------------------------------------------------------------------ talking to the server

  class Problem extends Error {
    constructor(status, data) {
      super((data && (data.detail || data.title)) || `The server answered ${status}.`);
      this.status = status;
      this.data = data || {};
    }
  }

  async function call(path, body) {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), 20000);
    try {
      const response = await fetch(`/api/attempts/${attemptId}/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined
          ? { Accept: 'application/json' }
          : { Accept: 'application/json', 'Content-Type': 'application/json', RequestVerificationToken: token },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'error',
        signal: controller.signal,
      });
      let data = null;
      try {
        data = await response.json();
      } catch {
        data = null;
      }
      if (!response.ok) {
        throw new Problem(response.status, data);
      }
      if (data && data.clock) {
        takeClock(data.clock);
      } else if (data && data.serverNow) {
        takeClock(data);
      }
      return data;
    } finally {
      clearTimeout(timeout);
    }
  }

  // A network failure, a timeout or a server error is worth retrying; a problem the server states is not.
  function isTransient(error) {
    return !(error instanceof Problem) || error.status >= 500 || error.status === 401 || error.status === 429 || isTokenProblem(error);
  }

  function isTokenProblem(error) {
    return error instanceof Problem && error.status === 400 && error.data.title === 'Reload the page';
  }

  function isSuperseded(error) {
    return error instanceof Problem && error.status === 409 && error.data.superseded === true;
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
        if (readOutbox().length > 0 && !state.retryTimer) {
          flush();
        }
      }
    });
    return state.inFlight;
  }

  async function send() {
    const batch = readOutbox().sort((a, b) => a.sequence - b.sequence).slice(0, maxBatch);
    if (batch.length === 0) {
      state.failing = false;
      showSaving();
      return;
    }

    clearTimeout(state.slowSave);
    state.slowSave = setTimeout(() => showSaving(true), 1000);
    showSaving();
    try {
      const result = await call('answers', {
        page,
        changes: batch.map(entry => entry.flagged === undefined
          ? { sequence: entry.sequence, item: entry.item, response: entry.response }
          : { sequence: entry.sequence, item: entry.item, flagged: entry.flagged }),
      });
      const acknowledged = new Set(result.acknowledged);
      const refused = new Map(result.refused.map(r => [r.sequence, r.reason]));
      for (const entry of batch) {
        if (acknowledged.has(entry.sequence)) {
          adopt(entry);
        } else if (refused.has(entry.sequence)) {
          state.refusals.set(entry.item, refused.get(entry.sequence));
        }
      }
      forget(seq => acknowledged.has(seq) || refused.has(seq));
      if (refused.size > 0) {
        showAlert(`Some answers were not saved: ${[...new Set(refused.values())].join(' ')}`);
      }
      state.failing = false;
      state.retryDelay = 1000;
      if (readOutbox().length > 0) {
        state.again = true;
      }
    } catch (error) {
      if (isSuperseded(error)) {
        supersede(error.message);
      } else if (isTransient(error)) {
        state.failing = true;
        retryLater(error);
      } else if (error.status === 409) {
        // The attempt is not in a state to take answers: keep them, and say why.
        state.failing = true;
        state.lastFailure = error.message;
        showAlert(error.message);
      } else if (batch.length > 1) {
        // One bad change must not hold back the rest: send them one at a time to find it.
        await sendOneByOne(batch);
      } else {
        state.refusals.set(batch[0].item, error.message);
        forget(seq => seq === batch[0].sequence);
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
        const result = await call('answers', {
          page,
          changes: [entry.flagged === undefined
            ? { sequence: entry.sequence, item: entry.item, response: entry.response }
            : { sequence: entry.sequence, item: entry.item, flagged: entry.flagged }],
        });
        if (result.acknowledged.includes(entry.sequence)) {
          adopt(entry);
        } else {
          const refusal = result.refused.find(r => r.sequence === entry.sequence);
          state.refusals.set(entry.item, refusal ? refusal.reason : 'Not saved.');
        }
        forget(seq => seq === entry.sequence);
      } catch (error) {
        if (isSuperseded(error)) {
          supersede(error.message);
          return;
        }
        if (isTransient(error) || error.status === 409) {
          state.failing = true;
          retryLater(error);
          return;
        }
        state.refusals.set(entry.item, error.message);
        forget(seq => seq === entry.sequence);
        showAlert(`Question ${entry.item}: ${error.message}`);
      }
    }
  }

  // Removes entries from the outbox as it is now in localStorage (another tab may have added to it meanwhile).
  function forget(done) {
    writeOutbox(readOutbox().filter(entry => !done(entry.sequence)));
  }

  // An acknowledged change, perhaps made on another tab of this browser, becomes what this page shows if it is newer.
  function adopt(entry) {
    if (entry.flagged !== undefined) {
      const held = state.flags.get(entry.item);
      if (!held || held.sequence < entry.sequence) {
        state.flags.set(entry.item, { flagged: entry.flagged, sequence: entry.sequence });
        showControls(entry.item);
      }
    } else {
      const held = state.answers.get(entry.item);
      if (!held || held.sequence < entry.sequence) {
        state.answers.set(entry.item, { response: entry.response, sequence: entry.sequence });
        showControls(entry.item);
      }
    }
  }

  function retryLater(error) {
    const delay = state.retryDelay;
    state.retryDelay = Math.min(state.retryDelay * 2, 15000);
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      flush();
    }, delay);
    state.lastFailure = error instanceof Problem && error.status === 401
      ? 'You seem to have been signed out. Tell the invigilator; your answers are kept on this computer.'
      : isTokenProblem(error) ? error.message : 'Cannot reach the server. Your answers are kept on this computer and will be sent when the connection is back.';
  }

  // ------------------------------------------------------------------ answers from the controls

  function responseOf(number) {
    const item = itemAt(number);
    const section = document.getElementById(`q${number}`);
    switch (item.type) {
      case 'single':
      case 'truefalse': {
        const chosen = section.querySelector(`input[name="q${number}-choice"]:checked`);
        return { choice: chosen ? chosen.value : null };
      }
      case 'multiple':
        return { choices: Array.from(section.querySelectorAll(`input[name="q${number}-choice"]:checked`), input => input.value) };
      case 'match': {
        const matches = {};
        for (const select of section.querySelectorAll('select[data-prompt]')) {
          if (select.value) {
            matches[select.dataset.prompt] = select.value;
          }
        }
        return { matches };
      }
      default:
        return { text: section.querySelector('[data-answer-text]').value };
    }
  }

  function isAnswered(number) {
    const held = state.answers.get(number);
    const response = held && held.response;
    if (!response) {
      return false;
    }
    return Boolean(response.choice)
      || (Array.isArray(response.choices) && response.choices.length > 0)
      || (response.matches && Object.keys(response.matches).length > 0)
      || (typeof response.text === 'string' && response.text.trim().length > 0);
  }

  function isFlagged(number) {
    const flag = state.flags.get(number);
    return Boolean(flag && flag.flagged);
  }

  function changed(number) {
    if (state.stopped) {
      return;
    }
    const response = responseOf(number);
    const held = state.answers.get(number);
    if (held && same(held.response, response)) {
      refresh(number);
      return;
    }
    const entry = enqueue({ item: number, response });
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
    const entry = enqueue({ item: number, flagged });
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
    for (const item of paper.items) {
      el.questions.append(buildQuestion(item, paper.items.length));
    }
    el.review = buildReview();
    el.questions.append(el.review);

    root.append(bar, el.alert, el.pausedNote, el.messages, el.announce, make('div', { className: 'test-layout' }, nav, el.questions));
    holdAnswers();
  }

  function buildQuestion(item, count) {
    const n = item.number;
    const section = make('section', { id: `q${n}`, className: 'question', 'data-type': item.type, 'aria-labelledby': `q${n}-heading`, hidden: true });
    section.append(
      make('h2', { id: `q${n}-heading`, tabindex: '-1' }, `Question ${n} of ${count}`),
      make('p', { className: 'marks', text: plural(item.marks, 'mark') }),
      make('div', { className: 'stem', id: `q${n}-stem`, html: item.stemHtml }));

    switch (item.type) {
      case 'single':
      case 'truefalse':
      case 'multiple': {
        const multiple = item.type === 'multiple';
        const fieldset = make('fieldset', { className: multiple ? 'checkboxes' : 'radios', 'aria-describedby': `q${n}-stem` },
          make('legend', { text: multiple ? 'Your answer (choose all that apply)' : 'Your answer (choose one)' }));
        item.options.forEach((option, index) => {
          const id = `q${n}-option-${index + 1}`;
          const input = make('input', { type: multiple ? 'checkbox' : 'radio', name: `q${n}-choice`, id, value: option.id });
          input.addEventListener('change', () => changed(n));
          fieldset.append(make('div', { className: 'choice' }, input, make('label', { for: id, html: option.html })));
        });
        section.append(fieldset);
        break;
      }
      case 'match': {
        const fieldset = make('fieldset', { className: 'matches', 'aria-describedby': `q${n}-stem` },
          make('legend', { text: 'Your answer (choose a match for each)' }));
        item.prompts.forEach((prompt, index) => {
          const id = `q${n}-match-${index + 1}`;
          const select = make('select', { id, 'data-prompt': prompt.id }, make('option', { value: '', text: 'Choose…' }));
          for (const answer of item.answers) {
            select.append(make('option', { value: answer.id, html: answer.html }));
          }
          select.addEventListener('change', () => changed(n));
          fieldset.append(make('div', { className: 'match' }, make('label', { for: id, html: prompt.html }), select));
        });
        section.append(fieldset);
        break;
      }
      case 'short': {
        const input = make('input', { type: 'text', id: `q${n}-text`, 'data-answer-text': true, maxlength: 500, autocomplete: 'off', spellcheck: 'true',
          'aria-describedby': `q${n}-stem` });
        input.addEventListener('input', () => typed(n));
        input.addEventListener('blur', () => commitText(n));
        section.append(make('label', { for: `q${n}-text`, text: 'Your answer' }), input);
        break;
      }
      default: {
        const limits = wordLimits(item);
        const hint = limits ? make('p', { className: 'hint', id: `q${n}-limits`, text: limits }) : null;
        const count = make('p', { className: 'word-count', id: `q${n}-count` });
        const live = make('p', { className: 'visually-hidden', id: `q${n}-count-live`, 'aria-live': 'polite' });
        const area = make('textarea', { id: `q${n}-text`, 'data-answer-text': true, rows: 14, maxlength: 50000, spellcheck: 'true',
          'aria-describedby': [limits ? `q${n}-limits` : null, `q${n}-count`].filter(Boolean).join(' ') });
        area.addEventListener('input', () => {
          countWords(n);
          typed(n);
        });
        area.addEventListener('blur', () => commitText(n));
        section.append(make('label', { for: `q${n}-text`, text: 'Your answer' }), hint, area, count, live);
        break;
      }
    }

    const flag = make('button', { type: 'button', className: 'secondary flag', 'aria-pressed': 'false', id: `q${n}-flag`, text: 'Flag for review' });
    flag.addEventListener('click', toggleFlag);
    const previous = n > 1 ? make('a', { href: `#q${n - 1}`, className: 'button secondary', text: 'Previous' }) : null;
    const next = n < count
      ? make('a', { href: `#q${n + 1}`, className: 'button', text: 'Next' })
      : make('a', { href: '#review', className: 'button', text: 'Review your answers' });
    section.append(
      make('p', { className: 'item-save', id: `q${n}-save` }),
      make('div', { className: 'actions question-actions' }, previous, flag, next));
    return section;
  }

  function wordLimits(item) {
    if (item.minWords && item.maxWords) {
      return `Write between ${item.minWords} and ${item.maxWords} words.`;
    }
    if (item.minWords) {
      return `Write at least ${item.minWords} words.`;
    }
    if (item.maxWords) {
      return `Write no more than ${item.maxWords} words.`;
    }
    return null;
  }

  // The count is shown as it changes but only spoken when it crosses a limit, not at every keystroke.
  function countWords(number, quiet) {
    const item = itemAt(number);
    const section = document.getElementById(`q${number}`);
    const words = wordsIn(section.querySelector('[data-answer-text]').value);
    const band = item.maxWords && words > item.maxWords ? 'over' : item.minWords && words < item.minWords ? 'under' : 'within';
    section.querySelector('.word-count').textContent = plural(words, 'word')
      + (band === 'under' ? ` — ${item.minWords - words} more to reach ${item.minWords}` : '')
      + (band === 'over' ? ` — ${words - item.maxWords} over the limit of ${item.maxWords}` : '');
    section.querySelector('.word-count').classList.toggle('over', band === 'over');
    const previous = section.dataset.band;
    section.dataset.band = band;
    if (!quiet && previous && previous !== band) {
      section.querySelector(`#q${number}-count-live`).textContent =
        band === 'over' ? `You have written more than ${item.maxWords} words.`
          : band === 'within' && previous === 'under' ? `You have reached ${item.minWords} words.`
            : band === 'within' ? `You are back within ${item.maxWords} words.`
              : `You now have fewer than ${item.minWords} words.`;
    }
  }

  function buildReview() {
    const section = make('section', { id: 'review', className: 'review', 'aria-labelledby': 'review-heading', hidden: true });
    el.reviewSummary = make('p', { id: 'review-summary' });
    el.unanswered = make('div', { id: 'review-unanswered' });
    el.flagged = make('div', { id: 'review-flagged' });
    el.submitStart = make('button', { type: 'button', id: 'submit-start', text: 'Submit your answers' });
    el.confirmYes = make('button', { type: 'button', id: 'submit-confirm', className: 'danger', text: 'Yes, submit my answers' });
    el.confirmNo = make('button', { type: 'button', id: 'submit-cancel', className: 'secondary', text: 'No, go back to my answers' });
    el.confirmText = make('p', { id: 'confirm-text' });
    el.confirm = make('div', { id: 'confirm', className: 'notice warn confirm', role: 'group', 'aria-labelledby': 'confirm-heading', hidden: true },
      make('h3', { id: 'confirm-heading', tabindex: '-1', text: 'Submit your answers now?' }),
      el.confirmText,
      make('div', { className: 'actions' }, el.confirmYes, el.confirmNo));
    el.submitProblem = make('div', { id: 'submit-problem', className: 'error', role: 'alert' });
    el.submitStart.addEventListener('click', () => {
      commitAllText();
      const unanswered = state.paper.items.filter(item => !isAnswered(item.number)).length;
      el.confirmText.textContent = (unanswered > 0 ? `You have not answered ${plural(unanswered, 'question')}. ` : '')
        + 'Once you submit you cannot change your answers.';
      el.submitStart.hidden = true;
      el.confirm.hidden = false;
      document.getElementById('confirm-heading').focus();
    });
    el.confirmNo.addEventListener('click', () => {
      el.confirm.hidden = true;
      el.submitStart.hidden = false;
      el.submitStart.focus();
    });
    el.confirmYes.addEventListener('click', submit);
    section.append(
      make('h2', { id: 'review-heading', tabindex: '-1', text: 'Review your answers' }),
      el.reviewSummary,
      make('h3', { text: 'Not answered' }), el.unanswered,
      make('h3', { text: 'Flagged for review' }), el.flagged,
      make('h3', { text: 'Submit' }),
      make('p', { text: 'When you are happy with your answers, submit them. The invigilator and your assessor see what you submitted.' }),
      el.submitProblem,
      make('div', { className: 'actions' }, el.submitStart),
      el.confirm);
    return section;
  }

  function questionLinks(numbers, none) {
    if (numbers.length === 0) {
      return make('p', { text: none });
    }
    const list = make('ul', { className: 'review-list' });
    for (const number of numbers) {
      list.append(make('li', null, make('a', { href: `#q${number}`, text: `Question ${number}` })));
    }
    return list;
  }

  function refreshReview() {
    const numbers = state.paper.items.map(item => item.number);
    const answered = numbers.filter(isAnswered).length;
    el.reviewSummary.textContent = `You have answered ${answered} of ${numbers.length} questions.`;
    el.unanswered.replaceChildren(questionLinks(numbers.filter(n => !isAnswered(n)), 'None: you have answered every question.'));
    el.flagged.replaceChildren(questionLinks(numbers.filter(isFlagged), 'None.'));
  }

  // ------------------------------------------------------------------ showing state

  function showControls(number) {
    const item = itemAt(number);
    const section = document.getElementById(`q${number}`);
    const response = (state.answers.get(number) || {}).response || {};
    switch (item.type) {
      case 'single':
      case 'truefalse':
        for (const input of section.querySelectorAll(`input[name="q${number}-choice"]`)) {
          input.checked = input.value === response.choice;
        }
        break;
      case 'multiple':
        for (const input of section.querySelectorAll(`input[name="q${number}-choice"]`)) {
          input.checked = (response.choices || []).includes(input.value);
        }
        break;
      case 'match':
        for (const select of section.querySelectorAll('select[data-prompt]')) {
          select.value = (response.matches || {})[select.dataset.prompt] || '';
        }
        break;
      default: {
        const input = section.querySelector('[data-answer-text]');
        if (!state.pendingText.has(number) && input.value !== (response.text || '')) {
          input.value = response.text || '';
        }
        if (item.type === 'extended') {
          countWords(number, true);
        }
      }
    }
    refresh(number);
  }

  function saveStateOf(number, unsent) {
    if (state.refusals.has(number)) {
      return { text: `Not saved: ${state.refusals.get(number)}`, kind: 'bad' };
    }
    if (state.superseded && (unsent.has(number) || state.pendingText.has(number))) {
      return { text: 'Not saved on this page.', kind: 'bad' };
    }
    if (unsent.has(number)) {
      return state.failing ? { text: 'Not saved yet — will retry', kind: 'warn' } : { text: 'Saving…', kind: 'busy' };
    }
    if (state.pendingText.has(number)) {
      return { text: 'Saving…', kind: 'busy' };
    }
    if (state.answers.has(number) || state.flags.has(number)) {
      return { text: 'Saved', kind: 'good' };
    }
    return { text: 'Not answered yet', kind: 'none' };
  }

  function refresh(number, unsent = unsentItems()) {
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
    const unsent = unsentItems();
    for (const item of state.paper.items) {
      refresh(item.number, unsent);
    }
    if (!el.review.hidden) {
      refreshReview();
    }
    showSaving();
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
    const waiting = readOutbox().length + state.pendingText.size;
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
      refreshReview();
      el.review.hidden = false;
      el.confirm.hidden = true;
      el.submitStart.hidden = false;
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
    state.offset = Date.parse(clock.serverNow) - Date.now();
    if (clock.status === 'Submitted') {
      toReceipt();
      return;
    }
    if (clock.status === 'Voided' && !state.voided) {
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
      if (!clock.paused && wasPaused && readOutbox().length > 0) {
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

  function remainingMs() {
    if (!state.clock || !state.clock.deadline) {
      return null;
    }
    return Date.parse(state.clock.deadline) - (Date.now() + state.offset);
  }

  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = String(total % 60).padStart(2, '0');
    return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
  }

  function tick() {
    if (!state.clock || !el.timer) {
      return;
    }
    if (state.voided) {
      // A voided attempt has no time left to count, and must not reach "time is up" (which would replace the reason).
      el.timer.textContent = '—';
      return;
    }
    if (state.clock.paused) {
      el.timer.textContent = `Paused (${format((state.clock.remainingSeconds || 0) * 1000)} left)`;
      return;
    }
    const remaining = remainingMs();
    if (remaining === null) {
      el.timer.textContent = '—';
      return;
    }
    const soft = state.clock.timeLimit === 'soft';
    if (remaining <= 0 && soft) {
      el.timer.textContent = `Over time by ${format(-remaining)}`;
      el.timer.classList.add('over');
      announceOnce('over', 'Your time is up. You may finish; the extra time you take is recorded.');
      return;
    }
    el.timer.textContent = format(remaining);
    const minutes = remaining / 60000;
    el.timer.classList.toggle('low', minutes <= 5);
    for (const threshold of thresholds) {
      if (minutes <= threshold) {
        announceOnce(threshold, `${plural(threshold, 'minute')} left.`);
      }
    }
    if (remaining <= 0 && !state.timeUp) {
      timeIsUp();
    }
  }

  function announceOnce(key, text) {
    if (!state.announced.has(key)) {
      state.announced.add(key);
      el.announce.textContent = text;
    }
  }

  async function pollClock() {
    try {
      await call('clock');
      if (state.clock && ['Waiting', 'Admitted', 'Refused'].includes(state.clock.status)) {
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

  let leaving = false;

  function toReceipt() {
    if (!leaving) {
      leaving = true;
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
    for (let tries = 0; tries < 3 && readOutbox().length > 0 && !state.superseded; tries++) {
      await flush();
    }
    if (state.superseded) {
      return;
    }
    if (readOutbox().length > 0) {
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
    let delay = 1000;
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
        await new Promise(resolve => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 15000);
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

  async function start() {
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
    for (const entry of readOutbox().sort((a, b) => a.sequence - b.sequence)) {
      if (entry.item < 1 || entry.item > paper.items.length) {
        continue;
      }
      if (entry.flagged !== undefined) {
        state.flags.set(entry.item, { flagged: entry.flagged, sequence: entry.sequence });
      } else {
        const held = state.answers.get(entry.item);
        if (!held || held.sequence < entry.sequence) {
          state.answers.set(entry.item, { response: entry.response, sequence: entry.sequence });
        }
      }
    }
    const held = Number(localStorage.getItem(sequenceKey)) || 0;
    if (held < paper.lastSequence) {
      localStorage.setItem(sequenceKey, String(paper.lastSequence));
    }

    build(paper);
    for (const item of paper.items) {
      showControls(item.number);
    }
    if (paper.extraTimePercent > 0) {
      el.timeNote.textContent = ` (includes your ${paper.extraTimePercent} % extra time)`;
    }
    // Thresholds already behind us when the page opens are not announced.
    const remaining = remainingMs();
    if (remaining !== null) {
      for (const threshold of thresholds) {
        if (remaining / 60000 <= threshold) {
          state.announced.add(threshold);
        }
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
      if (event.key === outboxKey && event.newValue && !state.stopped) {
        flush();
      }
    });
    window.addEventListener('online', () => {
      state.retryDelay = 1000;
      flush();
    });
  }

  start();
})();
