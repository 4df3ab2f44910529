// The review before submitting: what is answered and flagged, and the two-step submit.

import { make } from './dom.js';
import { plural } from './words.js';

/** The review's first line. */
export function summaryText(answered, total) {
  return `You have answered ${answered} of ${total} questions.`;
}

/** What the candidate is asked to confirm. */
export function confirmText(unanswered) {
  return (unanswered > 0 ? `You have not answered ${plural(unanswered, 'question')}. ` : '')
    + 'Once you submit you cannot change your answers.';
}

/**
 * The review's section, hidden, and its parts. `on` says what the page does: unanswered() counts the questions not
 * answered once the text being typed is in (asked when the candidate starts to submit); submit() when they confirm.
 */
export function buildReview(on) {
  const parts = {
    review: make('section', { id: 'review', className: 'review', 'aria-labelledby': 'review-heading', hidden: true }),
    reviewSummary: make('p', { id: 'review-summary' }),
    unanswered: make('div', { id: 'review-unanswered' }),
    flagged: make('div', { id: 'review-flagged' }),
    submitStart: make('button', { type: 'button', id: 'submit-start', text: 'Submit your answers' }),
    confirmYes: make('button', { type: 'button', id: 'submit-confirm', className: 'danger', text: 'Yes, submit my answers' }),
    confirmNo: make('button', { type: 'button', id: 'submit-cancel', className: 'secondary', text: 'No, go back to my answers' }),
    confirmText: make('p', { id: 'confirm-text' }),
    submitProblem: make('div', { id: 'submit-problem', className: 'error', role: 'alert' }),
  };
  parts.confirm = make('div', { id: 'confirm', className: 'notice warn confirm', role: 'group', 'aria-labelledby': 'confirm-heading', hidden: true },
    make('h3', { id: 'confirm-heading', tabindex: '-1', text: 'Submit your answers now?' }),
    parts.confirmText,
    make('div', { className: 'actions' }, parts.confirmYes, parts.confirmNo));
  parts.submitStart.addEventListener('click', () => {
    parts.confirmText.textContent = confirmText(on.unanswered());
    parts.submitStart.hidden = true;
    parts.confirm.hidden = false;
    document.getElementById('confirm-heading').focus();
  });
  parts.confirmNo.addEventListener('click', () => {
    parts.confirm.hidden = true;
    parts.submitStart.hidden = false;
    parts.submitStart.focus();
  });
  parts.confirmYes.addEventListener('click', () => on.submit());
  parts.review.append(
    make('h2', { id: 'review-heading', tabindex: '-1', text: 'Review your answers' }),
    parts.reviewSummary,
    make('h3', { text: 'Not answered' }), parts.unanswered,
    make('h3', { text: 'Flagged for review' }), parts.flagged,
    make('h3', { text: 'Submit' }),
    make('p', { text: 'When you are happy with your answers, submit them. The invigilator and your assessor see what you submitted.' }),
    parts.submitProblem,
    make('div', { className: 'actions' }, parts.submitStart),
    parts.confirm);
  return parts;
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

/** Redraws the review for the questions `numbers`. */
export function refreshReview(parts, numbers, isAnswered, isFlagged) {
  parts.reviewSummary.textContent = summaryText(numbers.filter(isAnswered).length, numbers.length);
  parts.unanswered.replaceChildren(questionLinks(numbers.filter(n => !isAnswered(n)), 'None: you have answered every question.'));
  parts.flagged.replaceChildren(questionLinks(numbers.filter(isFlagged), 'None.'));
}

/** Back to the first step: the submit button, not the question. */
export function resetReview(parts) {
  parts.confirm.hidden = true;
  parts.submitStart.hidden = false;
}
