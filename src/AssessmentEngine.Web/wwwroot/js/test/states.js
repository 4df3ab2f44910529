// The names of where a candidate stands, defined once for the candidate's pages and the invigilator's grid. The engine
// sends them (AttemptStatus in Attempt.cs; SittingDashboard.StateOf for the grid); a name changed there changes here.

/** An attempt's status as the engine names it in the clock it sends the candidate's pages. */
export const AttemptStatus = Object.freeze({
  Waiting: 'Waiting',
  Admitted: 'Admitted',
  Refused: 'Refused',
  InProgress: 'InProgress',
  Submitted: 'Submitted',
  Voided: 'Voided',
});

/** The statuses of an attempt whose test has not begun: the test page sends the candidate back to the attempt's page. */
export const beforeTheTest = Object.freeze([AttemptStatus.Waiting, AttemptStatus.Admitted, AttemptStatus.Refused]);

/** A candidate's state on the invigilator's grid: an attempt's status, with "paused" apart and "not arrived" for none. */
export const CandidateState = Object.freeze({
  NotArrived: 'not-arrived',
  Waiting: 'waiting',
  Admitted: 'admitted',
  InProgress: 'in-progress',
  Paused: 'paused',
  Submitted: 'submitted',
  Voided: 'voided',
  Refused: 'refused',
});

/** What the grid calls each state. */
export const candidateStateLabels = Object.freeze({
  [CandidateState.NotArrived]: 'Not arrived',
  [CandidateState.Waiting]: 'Waiting for admission',
  [CandidateState.Admitted]: 'Admitted, reading instructions',
  [CandidateState.InProgress]: 'In progress',
  [CandidateState.Paused]: 'Paused',
  [CandidateState.Submitted]: 'Submitted',
  [CandidateState.Voided]: 'Voided',
  [CandidateState.Refused]: 'Refused admission',
});

/** The order the grid sorts states in: who needs the invigilator first. */
export const candidateStateOrder = Object.freeze([
  CandidateState.Waiting, CandidateState.Paused, CandidateState.InProgress, CandidateState.Admitted,
  CandidateState.NotArrived, CandidateState.Submitted, CandidateState.Voided, CandidateState.Refused,
]);

/** The states the grid's filter offers, in the filter's order. */
export const filteredStates = Object.freeze([
  CandidateState.NotArrived, CandidateState.Waiting, CandidateState.InProgress, CandidateState.Paused, CandidateState.Submitted,
]);

/** States without a page open that should be connected: no connection shown, none missed. */
export const withoutAConnection = Object.freeze([
  CandidateState.NotArrived, CandidateState.Submitted, CandidateState.Voided, CandidateState.Refused,
]);

/** States in which a lost connection is an alert: the candidate is sitting the test. */
export const sitting = Object.freeze([CandidateState.InProgress, CandidateState.Paused]);

/** States whose note (the reason, or how the attempt was submitted) the grid shows beside the state. */
export const withANote = Object.freeze([CandidateState.Voided, CandidateState.Refused, CandidateState.Submitted]);

/** The grid's words for a state (the state itself for a name this page does not know). */
export function labelOf(state) {
  return candidateStateLabels[state] ?? state;
}
