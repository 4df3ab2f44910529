// The invigilator's live dashboard: the full state from the hub, then every change as it happens.
// A reconnecting dashboard asks for the full state again (the backplane does not replay what it missed).
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root || !window.signalR) { return; }
  const sittingId = root.dataset.sitting;
  const $ = (id) => document.getElementById(id);
  const rowsBody = $("rows");
  const liveStatus = $("live-status");
  const selected = new Set();
  // What the invigilator has put in a waiting row, kept across redraws (every change redraws the grid).
  const identityChecked = new Set();
  const refuseReasons = new Map();
  let state = null;          // the Dashboard from Watch, rows kept up to date
  let offset = 0;            // server time − local time, in ms
  const log = [];

  const stateWords = {
    "not-arrived": "Not arrived", waiting: "Waiting for admission", admitted: "Admitted, reading instructions",
    "in-progress": "In progress", paused: "Paused", submitted: "Submitted", voided: "Voided", refused: "Refused admission"
  };
  const stateOrder = ["waiting", "paused", "in-progress", "admitted", "not-arrived", "submitted", "voided", "refused"];

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
    if (row.state === "paused" || !row.deadline) { return row.remainingSeconds; }
    return (Date.parse(row.deadline) - now()) / 1000;
  }

  function silentFor(row) { return row.lastSeenAt ? (now() - Date.parse(row.lastSeenAt)) / 1000 : null; }

  function connection(row) {
    if (["not-arrived", "submitted", "voided", "refused"].includes(row.state)) { return { words: "", alert: false }; }
    const silent = silentFor(row);
    const limit = state.rules.disconnectedAfterSeconds;
    if (row.connected && (silent === null || silent < limit)) { return { words: "Connected", alert: false }; }
    if (row.connected) { return { words: "Not heard from for " + duration(silent), alert: true }; }
    return { words: silent === null ? "Not connected" : "Disconnected for " + duration(silent), alert: row.state === "in-progress" || row.state === "paused" };
  }

  function alertsOf(row) {
    const alerts = [];
    if (row.state === "waiting") { alerts.push("Waiting to be admitted"); }
    if (connection(row).alert) { alerts.push("Lost connection"); }
    if (row.state === "paused" && row.pausedAt && (now() - Date.parse(row.pausedAt)) / 60000 >= state.rules.pauseReminderMinutes) {
      alerts.push("Paused for over " + state.rules.pauseReminderMinutes + " min");
    }
    if (state.rules.focusLoss === "flagged" && !row.focused && row.state === "in-progress") { alerts.push("Left the test page"); }
    return alerts;
  }

  function timeWords(row) {
    const left = remaining(row);
    if (left === null) { return ""; }
    const extras = [row.extraTimePercent > 0 ? row.extraTimePercent + " % extra" : "", row.extendedMinutes > 0 ? "+" + row.extendedMinutes + " min" : ""].filter(Boolean);
    return duration(left) + (row.state === "paused" ? " (paused)" : "") + (extras.length > 0 ? " — " + extras.join(", ") : "");
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
    if (row.state !== "waiting") { return cell; }
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

  // Rebuilds the grid when the data changes; between changes only the ticking cells are touched (see tick).
  function render() {
    if (!state) { return; }
    $("access-code").textContent = state.accessCode || "";
    $("sitting-state").textContent = state.ended ? "This sitting has ended." : "";
    const rows = sorted(state.rows).filter(visible);
    const focusAt = document.activeElement && document.activeElement.id;
    rowsBody.replaceChildren(...rows.map((row) => {
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
        text("td", stateWords[row.state] + (row.note && ["voided", "refused", "submitted"].includes(row.state) ? " (" + row.note + ")" : ""), "state " + row.state),
        text("td", row.questions > 0 ? row.answered + " of " + row.questions + " answered, " + row.flagged + " flagged" : ""),
        text("td", timeWords(row), "time-left"), text("td", connection(row).words, "connection"), text("td", focus),
        text("td", row.adjustments === "none" ? "" : row.adjustments), admissionCell(row));
      return tr;
    }));
    if (focusAt) { const again = document.getElementById(focusAt); if (again) { again.focus(); } }
    const counts = {};
    state.rows.forEach((r) => { counts[r.state] = (counts[r.state] || 0) + 1; });
    $("counts").textContent = Object.keys(counts).sort((a, b) => stateOrder.indexOf(a) - stateOrder.indexOf(b)).map((k) => counts[k] + " " + stateWords[k].toLowerCase()).join(" · ");
  }

  function tick() {
    if (!state) { return; }
    let alertsChanged = false;
    for (const tr of rowsBody.querySelectorAll("tr[data-candidate]")) {
      const row = state.rows.find((r) => r.candidateId === tr.dataset.candidate);
      if (!row) { continue; }
      const time = tr.querySelector(".time-left"), conn = tr.querySelector(".connection");
      const t = timeWords(row), c = connection(row).words;
      if (time && time.textContent !== t) { time.textContent = t; }
      if (conn && conn.textContent !== c) { conn.textContent = c; }
      if ((alertsOf(row).length > 0) !== tr.classList.contains("alert")) { alertsChanged = true; }
    }
    if (alertsChanged) { render(); }
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

  hub.on("CandidateChanged", (row) => {
    if (!state) { return; }
    const i = state.rows.findIndex((r) => r.candidateId === row.candidateId);
    if (i >= 0) { state.rows[i] = row; } else { state.rows.push(row); }
    render();
  });
  // Heartbeats, batched by the server (one message a second per sitting): only the rows' data changes here,
  // and the next tick (at most a second away) redraws the connection cells, and the grid only if an alert changed.
  hub.on("CandidatesSeen", (notices) => {
    if (!state) { return; }
    const rows = new Map(state.rows.map((r) => [r.candidateId, r]));
    for (const notice of notices) {
      const row = rows.get(notice.candidateId);
      if (row) { row.lastSeenAt = notice.at; row.connected = true; }
    }
  });
  hub.on("SittingChanged", (dashboard) => { offset = Date.parse(dashboard.serverNow) - Date.now(); state = dashboard; render(); });
  hub.on("Logged", (entry) => addLog(entry));

  async function watch() {
    const dashboard = await hub.invoke("Watch", sittingId);
    offset = Date.parse(dashboard.serverNow) - Date.now();
    state = dashboard;
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
  hub.onclose(() => { setLive("Live updates stopped; reconnecting…", true); setTimeout(start, 5000); });

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

  $("filter").addEventListener("change", render);
  $("sort").addEventListener("change", render);
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
})();
