// The candidate page's live connection to the invigilators: heartbeats, focus, and what they do (pause, extend,
// messages, void, end). Answers never travel here; they go over HTTP with acknowledgements (test/main.js).
// Usage: AssessmentEngineLive.connect({ attemptId, heartbeatSeconds, onClock(clock), onMessage(message), onConnection(text) })
(function () {
  "use strict";
  function connect(options) {
    if (!window.signalR) { return null; }
    const attemptId = options.attemptId;
    const hub = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/candidate")
      .configureLogging(signalR.LogLevel.None) // the page says what matters; a cut network is not a script error
      // Keep trying for as long as the page is open: a network cut of minutes must end in a reconnection.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => Math.min(1000 * Math.pow(2, context.previousRetryCount), 10000) })
      .build();
    let joined = false;
    const say = (text) => { if (options.onConnection) { options.onConnection(text); } };

    hub.on("StateChanged", (clock) => { if (options.onClock) { options.onClock(clock); } });
    hub.on("MessageReceived", (message) => { if (options.onMessage) { options.onMessage(message); } });

    async function join() {
      const clock = await hub.invoke("Join", attemptId);
      joined = true;
      if (options.onClock) { options.onClock(clock); }
      if (!document.hasFocus()) { focus(true); }
    }

    function focus(lost) {
      if (joined && hub.state === signalR.HubConnectionState.Connected) { hub.invoke("Focus", attemptId, lost).catch(() => { }); }
    }

    hub.onreconnecting(() => { joined = false; say("reconnecting"); });
    hub.onreconnected(async () => { try { await join(); say("connected"); } catch { say("reconnecting"); } });
    hub.onclose(() => { joined = false; say("disconnected"); setTimeout(start, 5000); });

    async function start() {
      try {
        await hub.start();
        await join();
        say("connected");
      } catch {
        say("disconnected");
        setTimeout(start, 5000);
      }
    }

    setInterval(() => {
      if (joined && hub.state === signalR.HubConnectionState.Connected) { hub.invoke("Heartbeat", attemptId).catch(() => { }); }
    }, Math.max(2, options.heartbeatSeconds || 10) * 1000);
    window.addEventListener("blur", () => focus(true));
    window.addEventListener("focus", () => focus(false));
    document.addEventListener("visibilitychange", () => focus(document.visibilityState === "hidden"));
    start();
    return hub;
  }

  window.AssessmentEngineLive = { connect: connect };
})();
