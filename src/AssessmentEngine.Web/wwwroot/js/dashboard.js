// The invigilator's live dashboard: the full state from the hub, then every change as it happens.
// A reconnecting dashboard asks for the full state again (the backplane does not replay what it missed).
// A module: the candidate states' names and words come from the one place the candidate's page also takes them.
import {
  CandidateState, candidateStateOrder as stateOrder, filteredStates, labelOf, sitting, withANote, withoutAConnection
} from "./test/states.js";

const dashboard = document.getElementById("dashboard");
if (dashboard && window.signalR) { watchSitting(dashboard, window.signalR); }

function watchSitting(root, signalR) {
  const sittingId = root.dataset.sitting;
  const centreId = root.dataset.centre;
  let withdrawn = false;
  const $ = (id) => document.getElementById(id);
  const rowsBody = $("rows");
  const liveStatus = $("live-status");
  const selected = new Set();
  // What the invigilator has put in a waiting row, kept across redraws (a row is redrawn whenever it changes).
  const identityChecked = new Set();
  const refuseReasons = new Map();
  let state = null;          // the Dashboard from Watch, rows kept up to date
  let where = new Map();     // candidate id → index in state.rows: a room of thousands changes many times a second
  const shown = new Map();   // candidate id → its <tr>, for the rows the filter shows
  const passEvery = 250;     // ms between full renders at most (see schedule)
  let pass = null;           // the timer of the next pass
  let gridStale = false;     // the next pass rebuilds the grid, not just the counts
  let lastPass = 0;
  let offset = 0;            // server time − local time, in ms
  const log = [];

  function now() { return Date.now() + offset; }

  function text(tag, content, className) {
    const el = document.createElement(tag);
    if (content !== undefined && content !== null) { el.textContent = content; }
    if (className) { el.className = className; }
    return el;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return ""; }
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h > 0 ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
  }

  function remaining(row) {
    if (row.remainingSeconds === null || row.remainingSeconds === undefined) { return null; }
    if (row.state === CandidateState.Paused || !row.deadline) { return row.remainingSeconds; }
    return (Date.parse(row.deadline) - now()) / 1000;
  }

  function silentFor(row) { return row.lastSeenAt ? (now() - Date.parse(row.lastSeenAt)) / 1000 : null; }

  function connection(row) {
    if (withoutAConnection.includes(row.state)) { return { words: "", alert: false }; }
    const silent = silentFor(row);
    const limit = state.rules.disconnectedAfterSeconds;
    if (row.connected && (silent === null || silent < limit)) { return { words: "Connected", alert: false }; }
    if (row.connected) { return { words: "Not heard from for " + duration(silent), alert: true }; }
    return { words: silent === null ? "Not connected" : "Disconnected for " + duration(silent), alert: sitting.includes(row.state) };
  }

  function alertsOf(row) {
    const alerts = [];
    if (row.state === CandidateState.Waiting) { alerts.push("Waiting to be admitted"); }
    if (connection(row).alert) { alerts.push("Lost connection"); }
    if (row.state === CandidateState.Paused && row.pausedAt && (now() - Date.parse(row.pausedAt)) / 60000 >= state.rules.pauseReminderMinutes) {
      alerts.push("Paused for over " + state.rules.pauseReminderMinutes + " min");
    }
    if (state.rules.focusLoss === "flagged" && !row.focused && row.state === CandidateState.InProgress) { alerts.push("Left the test page"); }
    return alerts;
  }

  function timeWords(row) {
    const left = remaining(row);
    if (left === null) { return ""; }
    const extras = [row.extraTimePercent > 0 ? row.extraTimePercent + " % extra" : "", row.extendedMinutes > 0 ? "+" + row.extendedMinutes + " min" : ""].filter(Boolean);
    return duration(left) + (row.state === CandidateState.Paused ? " (paused)" : "") + (extras.length > 0 ? " — " + extras.join(", ") : "");
  }

  function sorted(rows) {
    const by = $("sort").value;
    const number = (a, b) => a.candidateNumber.localeCompare(b.candidateNumber);
    const copy = rows.slice();
    if (by === "number") { return copy.sort(number); }
    if (by === "state") { return copy.sort((a, b) => stateOrder.indexOf(a.state) - stateOrder.indexOf(b.state) || number(a, b)); }
    if (by === "time") { return copy.sort((a, b) => (remaining(a) ?? Infinity) - (remaining(b) ?? Infinity) || number(a, b)); }
    return copy.sort((a, b) => (alertsOf(b).length > 0) - (alertsOf(a).length > 0) || stateOrder.indexOf(a.state) - stateOrder.indexOf(b.state) || number(a, b));
  }

  function visible(row) {
    const f = $("filter").value;
    if (f === "all") { return true; }
    if (f === "alerts") { return alertsOf(row).length > 0; }
    return row.state === f;
  }

  function admissionCell(row) {
    const cell = document.createElement("td");
    if (row.state !== CandidateState.Waiting) { return cell; }
    const box = document.createElement("input");
    box.type = "checkbox"; box.id = "id-" + row.candidateId; box.checked = identityChecked.has(row.candidateId);
    box.addEventListener("change", () => { if (box.checked) { identityChecked.add(row.candidateId); } else { identityChecked.delete(row.candidateId); } });
    const label = text("label", " Identity checked");
    label.prepend(box);
    const admit = text("button", "Admit " + row.candidateNumber);
    admit.type = "button"; admit.id = "admit-" + row.candidateId;
    admit.addEventListener("click", () => {
      if (!box.checked) { showError("Tick 'Identity checked' for " + row.candidateNumber + " first: check their identity, then admit them."); box.focus(); return; }
      act("Admit", [sittingId, row.candidateId, true], row.candidateNumber + " admitted");
    });
    const why = document.createElement("input");
    why.type = "text"; why.maxLength = 200; why.id = "refuse-" + row.candidateId;
    why.setAttribute("aria-label", "Reason for refusing " + row.candidateNumber);
    why.placeholder = "Reason";
    why.value = refuseReasons.get(row.candidateId) || "";
    why.addEventListener("input", () => refuseReasons.set(row.candidateId, why.value));
    const refuse = text("button", "Refuse", "secondary");
    refuse.type = "button";
    refuse.addEventListener("click", () => act("Refuse", [sittingId, row.candidateId, why.value], row.candidateNumber + " refused admission"));
    const wrap = text("div", null, "inline");
    wrap.append(label, admit, why, refuse);
    cell.append(wrap);
    return cell;
  }

  // The one way to draw a row: the full render and a row's redraw in place both use it.
  function rowElement(row) {
    const tr = document.createElement("tr");
    tr.dataset.candidate = row.candidateId;
    const alerts = alertsOf(row);
    if (alerts.length > 0) { tr.className = "alert"; }
    const pick = document.createElement("td");
    const box = document.createElement("input");
    box.type = "checkbox"; box.id = "pick-" + row.candidateId; box.checked = selected.has(row.candidateId);
    box.setAttribute("aria-label", "Select " + row.name + " " + row.candidateNumber);
    box.addEventListener("change", () => { if (box.checked) { selected.add(row.candidateId); } else { selected.delete(row.candidateId); } describeSelection(); });
    pick.append(box);
    const who = text("th", row.name + " ");
    who.scope = "row";
    who.append(text("span", row.candidateNumber, "code"));
    alerts.forEach((a) => who.append(text("span", a, "alerts")));
    const focus = row.focusLost > 0 ? "Left the page " + row.focusLost + "×, last " + new Date(Date.parse(row.lastFocusLostAt)).toLocaleTimeString("en-GB") + (row.focused ? "" : " (away now)") : "";
    tr.append(pick, who,
      text("td", labelOf(row.state) + (row.note && withANote.includes(row.state) ? " (" + row.note + ")" : ""), "state " + row.state),
      text("td", row.questions > 0 ? row.answered + " of " + row.questions + " answered, " + row.flagged + " flagged" : ""),
      text("td", timeWords(row), "time-left"), text("td", connection(row).words, "connection"), text("td", focus),
      text("td", row.adjustments === "none" ? "" : row.adjustments), admissionCell(row), signInCell(row));
    return tr;
  }

  // A fresh one-time sign-in code for a candidate who lost or mistyped theirs: asked for in a dialog, shown once.
  function signInCell(row) {
    const cell = document.createElement("td");
    if (state.ended) { return cell; }
    const button = text("button", "New sign-in code", "secondary");
    button.type = "button"; button.id = "new-code-" + row.candidateId;
    // A label, not a visually hidden span: an absolutely placed span escapes the grid's scrolling box at 200 % zoom.
    button.setAttribute("aria-label", "New sign-in code for " + row.candidateNumber);
    button.addEventListener("click", () => newCode.ask(row));
    cell.append(button);
    return cell;
  }

  // Redraws inside `within`, then gives focus (and the caret, in a reason being typed) back to the control that had it.
  function keepingFocus(within, redraw) {
    const active = document.activeElement;
    const focusAt = active && active.id && within.contains(active) ? active.id : null;
    const caret = focusAt && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
    redraw();
    const again = focusAt && document.getElementById(focusAt);
    if (again && again !== document.activeElement) {
      again.focus();
      if (caret) { again.setSelectionRange(caret[0], caret[1]); }
    }
  }

  // Rebuilds the grid; a change that leaves a row where it was redraws only that row (see redrawInPlace), and between
  // changes only the ticking cells are touched (see tick).
  function render() {
    if (!state) { return; }
    passDone();
    $("access-code").textContent = state.accessCode || "";
    $("sitting-state").textContent = state.ended ? "This sitting has ended." : "";
    const rows = sorted(state.rows).filter(visible);
    keepingFocus(rowsBody, () => {
      shown.clear();
      rowsBody.replaceChildren(...rows.map((row) => {
        const tr = rowElement(row);
        shown.set(row.candidateId, tr);
        return tr;
      }));
    });
    drawCounts();
  }

  function drawCounts() {
    const counts = {};
    state.rows.forEach((r) => { counts[r.state] = (counts[r.state] || 0) + 1; });
    $("counts").textContent = Object.keys(counts).sort((a, b) => stateOrder.indexOf(a) - stateOrder.indexOf(b)).map((k) => counts[k] + " " + labelOf(k).toLowerCase()).join(" · ");
  }

  // At most one full render (or, after rows redrawn in place, one recount) per passEvery ms, however fast changes come.
  function schedule(grid) {
    gridStale = gridStale || grid;
    if (pass !== null) { return; }
    pass = setTimeout(() => {
      if (gridStale) { render(); } else { passDone(); drawCounts(); }
    }, Math.max(0, lastPass + passEvery - Date.now()));
  }

  function passDone() {
    if (pass !== null) { clearTimeout(pass); pass = null; }
    gridStale = false;
    lastPass = Date.now();
  }

  function rowOf(candidateId) {
    const i = where.get(candidateId);
    return i === undefined ? undefined : state.rows[i];
  }

  // Redraws just this row if the change leaves it where it is: shown or hidden as before, alerting or not as drawn, and
  // (sorted by state or alerts) in the same state. Sorted by time left, every change may move it. With a full render
  // already due, there is nothing to gain.
  function redrawInPlace(before, row) {
    const by = $("sort").value;
    const tr = shown.get(row.candidateId);
    if (gridStale || !before || by === "time" || visible(row) !== (tr !== undefined)) { return false; }
    if (!tr) { return true; }
    if ((alertsOf(row).length > 0) !== tr.classList.contains("alert") || (by !== "number" && before.state !== row.state)) { return false; }
    keepingFocus(tr, () => {
      const fresh = rowElement(row);
      tr.replaceWith(fresh);
      shown.set(row.candidateId, fresh);
    });
    return true;
  }

  function tick() {
    if (!state) { return; }
    let alertsChanged = false;
    for (const [candidateId, tr] of shown) {
      const row = rowOf(candidateId);
      if (!row) { continue; }
      const time = tr.querySelector(".time-left"), conn = tr.querySelector(".connection");
      const t = timeWords(row), c = connection(row).words;
      if (time && time.textContent !== t) { time.textContent = t; }
      if (conn && conn.textContent !== c) { conn.textContent = c; }
      if ((alertsOf(row).length > 0) !== tr.classList.contains("alert")) { alertsChanged = true; }
    }
    if (alertsChanged) { schedule(true); }
  }

  function describeSelection() {
    $("selection").textContent = selected.size === 0 ? "the whole room" : selected.size + " selected candidate" + (selected.size === 1 ? "" : "s");
  }

  function addLog(entry) {
    log.unshift(new Date(now()).toLocaleTimeString("en-GB") + " " + entry);
    $("log").replaceChildren(...log.slice(0, 200).map((line) => text("li", line)));
  }

  function showError(message) {
    const box = $("action-error");
    box.replaceChildren(text("p", message));
    box.hidden = false;
  }

  function done(message) {
    $("action-error").hidden = true;
    $("action-result").textContent = message;
  }

  function reason(error) {
    const message = (error && error.message) || String(error);
    const marker = "HubException: ";
    return message.includes(marker) ? message.substring(message.indexOf(marker) + marker.length) : message;
  }

  const hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/invigilation")
    .configureLogging(signalR.LogLevel.None)
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => Math.min(1000 * Math.pow(2, context.previousRetryCount), 10000) })
    .build();

  async function act(method, args, message) {
    try {
      const result = await hub.invoke(method, ...args);
      done(typeof result === "number" ? message + " (" + result + ")" : message);
      return true;
    } catch (error) {
      showError(reason(error));
      return false;
    }
  }

  function chosen() { return selected.size === 0 ? null : Array.from(selected); }

  // The rows that changed, batched by the server (one message a second per sitting): each redraws its own row where it
  // can, and the grid at most every passEvery ms.
  hub.on("CandidatesChanged", (rows) => {
    if (!state) { return; }
    let grid = false;
    for (const row of rows) {
      const i = where.get(row.candidateId);
      const before = i === undefined ? undefined : state.rows[i];
      if (i === undefined) { where.set(row.candidateId, state.rows.length); state.rows.push(row); } else { state.rows[i] = row; }
      grid = !redrawInPlace(before, row) || grid;
    }
    schedule(grid);
  });
  // Heartbeats, batched by the server (one message a second per sitting): only the rows' data changes here,
  // and the next tick (at most a second away) redraws the connection cells, and the grid only if an alert changed.
  hub.on("CandidatesSeen", (notices) => {
    if (!state) { return; }
    for (const notice of notices) {
      const row = rowOf(notice.candidateId);
      if (row) { row.lastSeenAt = notice.at; row.connected = true; }
    }
  });
  hub.on("SittingChanged", (dashboard) => { take(dashboard); render(); });
  hub.on("Logged", (entry) => addLog(entry));
  // The invigilator lost their role at this sitting's centre: say why, take the controls away and stop listening.
  hub.on("AccessWithdrawn", (centre, reason) => {
    if (centre !== centreId) { return; }
    withdrawn = true;
    $("actions").hidden = true;
    for (const control of root.querySelectorAll("button, input, select, textarea")) { control.disabled = true; }
    setLive(reason, true);
    showError(reason);
    hub.stop();
  });

  function take(dashboard) {
    offset = Date.parse(dashboard.serverNow) - Date.now();
    state = dashboard;
    where = new Map(state.rows.map((r, i) => [r.candidateId, i]));
  }

  async function watch() {
    const dashboard = await hub.invoke("Watch", sittingId);
    take(dashboard);
    $("incident-code").replaceChildren(...dashboard.incidentCodes.map((c) => {
      const option = text("option", c.code + " — " + c.title + (c.noteRequired ? " (note required)" : ""));
      option.value = c.code;
      return option;
    }));
    $("message-text").maxLength = dashboard.rules.messageMaxLength;
    render();
  }

  function setLive(words, down) {
    liveStatus.textContent = words;
    liveStatus.classList.toggle("down", !!down);
  }

  hub.onreconnecting(() => setLive("Reconnecting… the grid may be out of date.", true));
  hub.onreconnected(async () => { await watch(); setLive("Live: connected again, the grid is up to date."); });
  hub.onclose(() => {
    if (withdrawn) { return; }
    setLive("Live updates stopped; reconnecting…", true);
    setTimeout(start, 5000);
  });

  async function start() {
    try {
      await hub.start();
      await watch();
      setLive("Live: connected.");
      $("actions").hidden = false;
      $("grid-controls").hidden = false;
      $("rotate-code").hidden = false;
    } catch (error) {
      setLive("Cannot reach the engine (" + reason(error) + "); retrying…", true);
      setTimeout(start, 5000);
    }
  }

  // The code lives in the dialog only while it is open: closing it (Done, Cancel, Escape) removes it from the page.
  const newCode = (function () {
    const dialog = $("code-dialog");
    let whom = null;
    function reset() {
      $("code-value").replaceChildren();
      $("code-error").replaceChildren();
      $("code-error").hidden = true;
      $("code-confirm").hidden = false;
      $("code-shown").hidden = true;
      $("code-give").disabled = false;
    }
    function spelt(code) {
      return code.split("-").map((group) => group.split("").join(" ")).join(", ");
    }
    dialog.addEventListener("close", () => {
      const was = whom;
      reset();
      whom = null;
      const back = was && document.getElementById("new-code-" + was.candidateId);
      if (back) { back.focus(); }
    });
    $("code-cancel").addEventListener("click", () => dialog.close());
    $("code-done").addEventListener("click", () => dialog.close());
    $("code-give").addEventListener("click", async () => {
      if (!whom) { return; }
      const asked = whom;
      $("code-give").disabled = true;
      try {
        const code = await hub.invoke("IssueSignInCode", sittingId, asked.candidateId);
        if (whom !== asked) { return; }
        $("code-value").replaceChildren(text("span", code, "shown"), text("span", spelt(code), "visually-hidden"));
        $("code-value").firstChild.setAttribute("aria-hidden", "true");
        $("code-confirm").hidden = true;
        $("code-shown").hidden = false;
        $("code-value").focus();
        done("New sign-in code given to " + asked.candidateNumber);
      } catch (error) {
        $("code-error").replaceChildren(text("p", reason(error)));
        $("code-error").hidden = false;
        $("code-give").disabled = false;
      }
    });
    return {
      ask(row) {
        reset();
        whom = row;
        $("code-who").textContent = row.name + " (" + row.candidateNumber + ")";
        dialog.showModal();
        $("code-give").focus();
      }
    };
  })();

  // The filter offers states in the grid's own words.
  $("filter").append(...filteredStates.map((name) => {
    const option = text("option", labelOf(name));
    option.value = name;
    return option;
  }));
  $("filter").addEventListener("change", render);
  $("sort").addEventListener("change", render);
  // Everyone waiting whose identity is ticked, in one action (the server admits them together and says who it could not).
  $("admit-ticked").addEventListener("click", async () => {
    const ticked = state ? state.rows.filter((r) => r.state === CandidateState.Waiting && identityChecked.has(r.candidateId)).map((r) => r.candidateId) : [];
    if (ticked.length === 0) { showError("Tick 'Identity checked' for each waiting candidate whose identity you have checked, then admit them."); return; }
    try {
      const said = { admitted: 0, alreadyAdmitted: 0, refused: [] };
      for (let i = 0; i < ticked.length; i += 500) {
        const summary = await hub.invoke("AdmitTicked", sittingId, ticked.slice(i, i + 500));
        said.admitted += summary.admitted; said.alreadyAdmitted += summary.alreadyAdmitted; said.refused.push(...summary.refused);
      }
      ticked.forEach((id) => identityChecked.delete(id));
      const words = said.admitted + " admitted" + (said.alreadyAdmitted > 0 ? ", " + said.alreadyAdmitted + " already in" : "");
      if (said.refused.length > 0) {
        showError(words + ". Not admitted: " + said.refused.map((r) => r.candidateNumber + " " + r.reason).join("; "));
      } else { done(words); }
    } catch (error) { showError(reason(error)); }
  });
  $("start-room").addEventListener("click", async () => {
    try {
      const started = await hub.invoke("StartRoom", sittingId);
      const words = started.started + " test" + (started.started === 1 ? "" : "s") + " started" + (started.alreadyStarted > 0 ? ", " + started.alreadyStarted + " already under way" : "");
      if (started.refused.length > 0) {
        showError(words + ". Not started: " + started.refused.map((r) => r.candidateNumber + " " + r.reason).join("; "));
      } else { done(words); }
    } catch (error) { showError(reason(error)); }
  });
  $("rotate-code").addEventListener("click", () => act("RotateCode", [sittingId], "Access code changed"));
  $("pause").addEventListener("click", () => act("Pause", [sittingId, chosen(), $("pause-reason").value || null], "Paused"));
  $("resume").addEventListener("click", () => act("Resume", [sittingId, chosen()], "Resumed"));
  $("extend").addEventListener("click", () => act("ExtendTime", [sittingId, chosen(), parseInt($("extend-minutes").value, 10) || 0, $("extend-reason").value], "Time extended by " + $("extend-minutes").value + " min"));
  $("message").addEventListener("click", async () => {
    if (await act("Message", [sittingId, chosen(), $("message-text").value], "Message sent")) { $("message-text").value = ""; }
  });
  $("incident").addEventListener("click", async () => {
    if (await act("LogIncident", [sittingId, $("incident-code").value, $("incident-note").value || null, chosen()], "Incident " + $("incident-code").value + " logged")) { $("incident-note").value = ""; }
  });
  $("void").addEventListener("click", () => {
    if (selected.size !== 1) { showError("Tick exactly one candidate to void their attempt."); return; }
    act("Void", [sittingId, Array.from(selected)[0], $("void-reason").value], "Attempt voided");
  });
  $("end").addEventListener("click", () => { $("end-confirm").hidden = false; $("end-confirm").focus(); });
  $("end-confirm").addEventListener("click", async () => { $("end-confirm").hidden = true; await act("EndSitting", [sittingId], "Sitting ended; attempts submitted"); });

  setInterval(tick, 1000);
  start();
}
