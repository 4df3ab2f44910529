// The candidate states: one definition, the same names the engine sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  AttemptStatus, CandidateState, beforeTheTest, candidateStateLabels, candidateStateOrder, filteredStates, labelOf,
  sitting, withANote, withoutAConnection,
} from '../../src/AssessmentEngine.Web/wwwroot/js/test/states.js';

const source = path => readFileSync(new URL(`../../src/AssessmentEngine.Web/${path}`, import.meta.url), 'utf8');

test('the attempt statuses are the engine\'s AttemptStatus names', () => {
  const names = /enum AttemptStatus \{([^}]*)\}/.exec(source('Features/Attempts/Attempt.cs'))[1].split(',').map(name => name.trim());
  assert.deepEqual(Object.values(AttemptStatus).sort(), names.sort());
  assert.deepEqual(Object.keys(AttemptStatus).sort(), names.sort());
});

test('the grid\'s states are the names SittingDashboard.StateOf gives', () => {
  const stateOf = /StateOf\(Attempt\? attempt\) => attempt switch\s*\{([\s\S]*?)\};/.exec(source('Features/Invigilation/SittingDashboard.cs'))[1];
  const names = [...stateOf.matchAll(/=> "([a-z-]+)"/g)].map(match => match[1]);
  assert.deepEqual(Object.values(CandidateState).sort(), names.sort());
});

test('every state has words, and is sorted once', () => {
  for (const state of Object.values(CandidateState)) {
    assert.equal(typeof candidateStateLabels[state], 'string', state);
  }
  assert.deepEqual([...candidateStateOrder].sort(), Object.values(CandidateState).sort());
  assert.equal(labelOf(CandidateState.Waiting), 'Waiting for admission');
  assert.equal(labelOf('something-new'), 'something-new');
});

test('the groups of states name only states there are', () => {
  const known = new Set(Object.values(CandidateState));
  for (const group of [filteredStates, withoutAConnection, sitting, withANote]) {
    assert.ok(group.every(state => known.has(state)), group.join());
  }
  assert.ok(beforeTheTest.every(status => Object.values(AttemptStatus).includes(status)));
  assert.ok(!beforeTheTest.includes(AttemptStatus.InProgress));
});

test('the test page and the invigilator\'s dashboard take the names from states.js, not their own', () => {
  for (const page of ['wwwroot/js/dashboard.js', 'wwwroot/js/waiting.js', 'wwwroot/js/test/main.js']) {
    const code = source(page);
    assert.match(code, /from ["']\.\.?\/(test\/)?states\.js["']/, page);
    assert.doesNotMatch(code, /["'](not-arrived|in-progress|InProgress|Waiting|Submitted|Voided)["']/, page);
  }
});
