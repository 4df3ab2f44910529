// Evidence uploads on a brief's page: each chosen file goes up with tus-js-client (wwwroot/lib/tus), in pieces the
// server keeps as they arrive. A dropped connection is retried by itself, resuming from the server's offset; an
// upload interrupted by leaving the page resumes when the same file is chosen again. When a file is in, the page
// reloads to list it in the draft; a refusal (wrong type, too large, window closed) is shown with the server's words.
import { offsetOf, reading } from './test/clock.js';

const uploader = document.getElementById('uploader');
const input = document.getElementById('evidence-files');
const list = document.getElementById('upload-list');
const tusClient = window.tus;

// Retried for about ten minutes in all, so that a connection down for a few minutes costs nothing.
const retryDelays = [0, 1000, 2000, 3000, 5000, 5000, 10000, 10000, 15000, 15000, ...Array(30).fill(20000)];
const pieceBytes = 4 * 1024 * 1024;
let pending = 0;

function item(name) {
  const li = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = name;
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute('aria-label', `Upload of ${name}`);
  const status = document.createElement('span');
  status.className = 'status';
  li.append(label, ' ', bar, ' ', status);
  list.append(li);
  return { bar, status, li };
}

// The problem+json detail the server gives with a refusal, else a plain description.
function reason(error) {
  const response = error && error.originalResponse;
  if (response) {
    try {
      const body = JSON.parse(response.getBody());
      if (body && body.detail) {
        return body.detail;
      }
    } catch {
      // not JSON: fall through
    }
    return `The server refused the upload (${response.getStatus()}).`;
  }
  return 'The upload could not reach the server. Check the connection and choose the file again to carry on from where it stopped.';
}

// Retry what a network or server hiccup caused; a refusal (4xx) stands, except an offset conflict, which resumes.
function shouldRetry(error) {
  const response = error && error.originalResponse;
  const status = response ? response.getStatus() : 0;
  return !response || status === 0 || status >= 500 || status === 423 || (status === 409 && response.getHeader('Upload-Offset') !== null);
}

function start(file) {
  const row = item(file.name);
  pending += 1;
  const upload = new tusClient.Upload(file, {
    endpoint: uploader.dataset.endpoint,
    chunkSize: pieceBytes,
    retryDelays,
    removeFingerprintOnSuccess: true,
    metadata: { filename: file.name, enrolment: uploader.dataset.enrolment, brief: uploader.dataset.brief },
    headers: { RequestVerificationToken: uploader.dataset.token },
    onShouldRetry: shouldRetry,
    onProgress(sent, total) {
      const percent = total ? Math.floor((sent / total) * 100) : 0;
      row.bar.value = percent;
      row.status.textContent = `${percent}% sent`;
    },
    onError(error) {
      pending -= 1;
      row.li.classList.add('failed');
      row.status.textContent = reason(error);
      row.status.setAttribute('role', 'alert');
    },
    onSuccess() {
      pending -= 1;
      row.bar.value = 100;
      row.status.textContent = 'Uploaded and checked.';
      if (pending === 0) {
        // A fresh GET of the page, never a reload: the page may be the answer to a form, which a reload would post again.
        window.location.assign(window.location.pathname);
      }
    },
  });
  // A file chosen again after the page was left resumes from what the server has.
  upload.findPreviousUploads().then((previous) => {
    if (previous.length > 0) {
      upload.resumeFromPreviousUpload(previous[0]);
      row.status.textContent = 'Carrying on from where it stopped…';
    }
    upload.start();
  });
}

if (uploader && input && list && tusClient) {
  input.addEventListener('change', () => {
    const limit = Number(uploader.dataset.limit);
    for (const file of input.files) {
      if (limit && file.size > limit) {
        const row = item(file.name);
        row.status.textContent = `${file.name} is larger than the ${Math.round(limit / 1048576)} MB a file may be.`;
        row.status.setAttribute('role', 'alert');
        continue;
      }
      start(file);
    }
    input.value = '';
  });
  window.addEventListener('beforeunload', (event) => {
    if (pending > 0) {
      event.preventDefault();
    }
  });
}

// A supervised assignment's clock: the time left on the server's clock, counted down each second and fetched again
// every 15 s (a pause or extra time shows within that), the last minutes announced, and the upload closed at time-up.
const assignment = document.getElementById('assignment-clock');
if (assignment) {
  const left = document.getElementById('assignment-left');
  const said = document.getElementById('assignment-said');
  const announced = new Set();
  let clock = null;
  let offset = 0;
  let closed = false;

  const show = () => {
    if (!clock || closed) {
      return;
    }
    const now = reading(clock, { offset, now: Date.now(), voided: false });
    left.textContent = clock.paused ? now.text : `${now.text} left`;
    for (const { key, text } of now.announce) {
      if (!announced.has(key)) {
        announced.add(key);
        said.textContent = text;
      }
    }
    if (now.timeUp) {
      closed = true;
      if (input) {
        input.disabled = true;
      }
      said.textContent = 'Time is up: uploads are closed. What you uploaded in time is kept.';
      window.setTimeout(() => window.location.assign(window.location.pathname), 3000);
    }
  };

  const fetchClock = async () => {
    try {
      const response = await fetch(`/api/attempts/${assignment.dataset.attempt}/clock`, { headers: { Accept: 'application/json' } });
      if (response.ok) {
        const fresh = await response.json();
        if (clock && fresh.paused !== clock.paused) {
          said.textContent = fresh.paused ? 'Your invigilator has paused the assignment.' : 'Your assignment has resumed.';
        } else if (clock && fresh.deadline && clock.deadline && Date.parse(fresh.deadline) > Date.parse(clock.deadline) && !fresh.paused) {
          said.textContent = 'You have been given more time.';
        }
        clock = fresh;
        offset = offsetOf(fresh.serverNow, Date.now());
        show();
      }
    } catch {
      // The connection is down: the count goes on from the last clock, and the next fetch corrects it.
    }
  };

  fetchClock();
  window.setInterval(show, 1000);
  window.setInterval(fetchClock, 15000);
}
