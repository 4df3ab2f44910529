// The waiting room and the instructions move on by themselves: the live connection tells the page as soon as the
// invigilator admits (or refuses) the candidate or starts the room, and it reloads into whatever comes next. Asking the
// server every half a minute is the safety net for a page whose live connection cannot be made.
import { AttemptStatus } from './test/states.js';

const every = 30000;
const said = {
  [AttemptStatus.Admitted]: 'You have been admitted. Opening the instructions…',
  [AttemptStatus.InProgress]: 'Your test has started. Opening it…',
  [AttemptStatus.Refused]: 'The invigilator has decided about your admission. Opening the page…',
  [AttemptStatus.Submitted]: 'This test has been submitted. Opening your receipt…',
};

const waiting = document.getElementById('waiting');
const status = document.getElementById('waiting-status');
let movingOn = false;

if (waiting && status) {
  const attemptId = waiting.dataset.attempt;
  if (window.AssessmentEngineLive) {
    window.AssessmentEngineLive.connect({
      attemptId,
      heartbeatSeconds: Number(waiting.dataset.heartbeat) || 10,
      onClock: moveOnIfDecided,
      onConnection: (text) => {
        if (!movingOn) {
          status.textContent = text === 'connected' ? '' : 'Cannot reach the server just now; still trying.';
        }
      },
    });
  }
  setTimeout(() => check(attemptId), every);
}

// The status this page shows (the waiting room's, or the instructions'): any other means the page is out of date.
const shown = (waiting && waiting.dataset.status) || AttemptStatus.Waiting;

function moveOnIfDecided(clock) {
  if (movingOn || !clock || clock.status === shown) {
    return movingOn;
  }
  movingOn = true;
  status.textContent = said[clock.status] || 'Your test has moved on. Opening the page…';
  setTimeout(() => location.reload(), 1000);
  return true;
}

async function check(attemptId) {
  try {
    const response = await fetch(`/api/attempts/${attemptId}/clock`, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
    if (response.ok) {
      if (moveOnIfDecided(await response.json())) {
        return;
      }
    } else if (response.status === 401) {
      status.textContent = 'You seem to have been signed out. Tell the invigilator.';
    }
  } catch {
    // The live connection may still bring the admission; the next check tries again.
  }
  if (!movingOn) {
    setTimeout(() => check(attemptId), every);
  }
}
