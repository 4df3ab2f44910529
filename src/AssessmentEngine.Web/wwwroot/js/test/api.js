// Talking to the engine about one attempt: JSON over HTTP, with the page's anti-forgery token on every POST.

/** A problem the server stated (an HTTP status other than 2xx), with its ProblemDetails. */
export class Problem extends Error {
  constructor(status, data) {
    super((data && (data.detail || data.title)) || `The server answered ${status}.`);
    this.status = status;
    this.data = data || {};
  }
}

/** The anti-forgery token is out of date (the server restarted with other keys): a reload fixes it, a retry may. */
export function isTokenProblem(error) {
  return error instanceof Problem && error.status === 400 && error.data.title === 'Reload the page';
}

/** A network failure, a timeout or a server error is worth retrying; a problem the server states is not. */
export function isTransient(error) {
  return !(error instanceof Problem) || error.status >= 500 || error.status === 401 || error.status === 429 || isTokenProblem(error);
}

/** The attempt has been opened on another page, which now saves instead of this one. */
export function isSuperseded(error) {
  return error instanceof Problem && error.status === 409 && error.data.superseded === true;
}

/**
 * How a failed call failed: 'superseded' (another page took over), 'transient' (try again later), 'conflict' (the
 * attempt takes no answers now, a 409) or 'refused' (the server will not take this request).
 */
export function kindOf(error) {
  if (isSuperseded(error)) {
    return 'superseded';
  }
  if (isTransient(error)) {
    return 'transient';
  }
  return error.status === 409 ? 'conflict' : 'refused';
}

/** What the page says about changes it could not send because of this failure. */
export function whyNotSent(error) {
  if (error instanceof Problem && error.status === 401) {
    return 'You seem to have been signed out. Tell the invigilator; your answers are kept on this computer.';
  }
  return isTokenProblem(error)
    ? error.message
    : 'Cannot reach the server. Your answers are kept on this computer and will be sent when the connection is back.';
}

/**
 * The attempt's API: `call(path)` GETs, `call(path, body)` POSTs; both resolve to the JSON answer or throw a Problem
 * (or the network's own error). Every answer carrying the clock is handed to `onClock` first.
 */
export function attemptApi({ attemptId, token, onClock, timeoutMs = 20000 }) {
  return async function call(path, body) {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), timeoutMs);
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
        onClock(data.clock);
      } else if (data && data.serverNow) {
        onClock(data);
      }
      return data;
    } finally {
      clearTimeout(timeout);
    }
  };
}
