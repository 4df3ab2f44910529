// The questions: building each type's controls, reading a response from them and showing a response in them. A
// response is { choice } (single, true/false), { choices } (multiple), { matches } (match) or { text } (short, extended).

import { make } from './dom.js';
import { plural, wordCount, wordLimits, bandChange } from './words.js';

/** True when a response says something: a choice, a match, or text that is not only spaces. */
export function hasAnswer(response) {
  if (!response) {
    return false;
  }
  return Boolean(response.choice)
    || (Array.isArray(response.choices) && response.choices.length > 0)
    || (response.matches && Object.keys(response.matches).length > 0)
    || (typeof response.text === 'string' && response.text.trim().length > 0);
}

/** Two responses are the same change (or no change). */
export function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * What a question's save line says, and its kind (bad, warn, busy, good, none), from: the engine's reason for refusing
 * its last change, whether another page took over, whether a change to it is waiting in the outbox or being typed,
 * whether sends are failing, and whether the engine holds an answer or flag for it.
 */
export function saveState({ refusal, superseded, waiting, typing, failing, held }) {
  if (refusal !== undefined) {
    return { text: `Not saved: ${refusal}`, kind: 'bad' };
  }
  if (superseded && (waiting || typing)) {
    return { text: 'Not saved on this page.', kind: 'bad' };
  }
  if (waiting) {
    return failing ? { text: 'Not saved yet — will retry', kind: 'warn' } : { text: 'Saving…', kind: 'busy' };
  }
  if (typing) {
    return { text: 'Saving…', kind: 'busy' };
  }
  if (held) {
    return { text: 'Saved', kind: 'good' };
  }
  return { text: 'Not answered yet', kind: 'none' };
}

/**
 * A question's section, hidden. `on` says what the page does: changed(n) when a choice or match changes, typed(n) at
 * each keystroke, committed(n) when a text box is left, flag() when the flag button is pressed.
 */
export function buildQuestion(item, count, on) {
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
        input.addEventListener('change', () => on.changed(n));
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
        select.addEventListener('change', () => on.changed(n));
        fieldset.append(make('div', { className: 'match' }, make('label', { for: id, html: prompt.html }), select));
      });
      section.append(fieldset);
      break;
    }
    case 'short': {
      const input = make('input', { type: 'text', id: `q${n}-text`, 'data-answer-text': true, maxlength: 500, autocomplete: 'off', spellcheck: 'true',
        'aria-describedby': `q${n}-stem` });
      input.addEventListener('input', () => on.typed(n));
      input.addEventListener('blur', () => on.committed(n));
      section.append(make('label', { for: `q${n}-text`, text: 'Your answer' }), input);
      break;
    }
    default: {
      const limits = wordLimits(item);
      const hint = limits ? make('p', { className: 'hint', id: `q${n}-limits`, text: limits }) : null;
      const counted = make('p', { className: 'word-count', id: `q${n}-count` });
      const live = make('p', { className: 'visually-hidden', id: `q${n}-count-live`, 'aria-live': 'polite' });
      const area = make('textarea', { id: `q${n}-text`, 'data-answer-text': true, rows: 14, maxlength: 50000, spellcheck: 'true',
        'aria-describedby': [limits ? `q${n}-limits` : null, `q${n}-count`].filter(Boolean).join(' ') });
      area.addEventListener('input', () => {
        countWords(item);
        on.typed(n);
      });
      area.addEventListener('blur', () => on.committed(n));
      section.append(make('label', { for: `q${n}-text`, text: 'Your answer' }), hint, area, counted, live);
      break;
    }
  }

  const flag = make('button', { type: 'button', className: 'secondary flag', 'aria-pressed': 'false', id: `q${n}-flag`, text: 'Flag for review' });
  flag.addEventListener('click', () => on.flag());
  const previous = n > 1 ? make('a', { href: `#q${n - 1}`, className: 'button secondary', text: 'Previous' }) : null;
  const next = n < count
    ? make('a', { href: `#q${n + 1}`, className: 'button', text: 'Next' })
    : make('a', { href: '#review', className: 'button', text: 'Review your answers' });
  section.append(
    make('p', { className: 'item-save', id: `q${n}-save` }),
    make('div', { className: 'actions question-actions' }, previous, flag, next));
  return section;
}

/** The response the question's controls hold now. */
export function responseOf(item) {
  const number = item.number;
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

/** Sets the question's controls to a response; text still being typed (`typing`) is left as the candidate has it. */
export function showResponse(item, response, typing) {
  const number = item.number;
  const section = document.getElementById(`q${number}`);
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
      if (!typing && input.value !== (response.text || '')) {
        input.value = response.text || '';
      }
      if (item.type === 'extended') {
        countWords(item, true);
      }
    }
  }
}

// The count is shown as it changes but only spoken when it crosses a limit, not at every keystroke.
function countWords(item, quiet) {
  const section = document.getElementById(`q${item.number}`);
  const count = wordCount(item, section.querySelector('[data-answer-text]').value);
  section.querySelector('.word-count').textContent = count.text;
  section.querySelector('.word-count').classList.toggle('over', count.band === 'over');
  const previous = section.dataset.band;
  section.dataset.band = count.band;
  const change = bandChange(item, previous, count.band);
  if (!quiet && change) {
    section.querySelector(`#q${item.number}-count-live`).textContent = change;
  }
}
