// The waiting room moves on by itself: it asks the server every few seconds whether the invigilator has admitted (or
// refused) the candidate, and reloads into whatever comes next.
import { AttemptStatus } from './test/states.js';

const every = 3000;
const said = {
  [AttemptStatus.Admitted]: 'You have been admitted. Opening the instructions…',
  [AttemptStatus.InProgress]: 'Your test has started. Opening it…',
  [AttemptStatus.Refused]: 'The invigilator has decided about your admission. Opening the page…',
  [AttemptStatus.Submitted]: 'This test has been submitted. Opening your receipt…',
};

const waiting = document.getElementById('waiting');
const status = document.getElementById('waiting-status');
if (waiting && status) {
  setTimeout(() => check(waiting.dataset.attempt, status), every);
}

async function check(attemptId, status) {
  try {
    const response = await fetch(`/api/attempts/${attemptId}/clock`, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
    if (response.ok) {
      const clock = await response.json();
      if (clock.status !== AttemptStatus.Waiting) {
        status.textContent = said[clock.status] || 'Your test has moved on. Opening the page…';
        setTimeout(() => location.reload(), 1000);
        return;
      }
      status.textContent = '';
    } else if (response.status === 401) {
      status.textContent = 'You seem to have been signed out. Tell the invigilator.';
    }
  } catch {
    status.textContent = 'Cannot reach the server just now; still trying.';
  }
  setTimeout(() => check(attemptId, status), every);
}
