// The exam attempt page: autosave that never drops an answer, flags, navigator, timer.
// Every answer change is queued per question and sent (debounced) until the server
// acknowledges it after its commit; a lost network keeps the queue and retries.
(function () {
  "use strict";
  var root = document.getElementById("attempt");
  if (!root) { return; }
  var d = root.dataset;
  var tab = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  var seq = 0;
  var revisions = {};   // position -> revision the server last confirmed to this tab
  var pending = {};     // position -> {response, token}
  var flags = {};       // position -> bool, waiting to be sent
  var inFlight = false, closed = false, timeUp = false, timer = null, retryDelay = 1000;
  var statusEl = document.getElementById("save-status");
  var alertEl = document.getElementById("attempt-alert");
  var clockOffset = 0;

  function sections() { return root.querySelectorAll(".attempt-question"); }
  sections().forEach(function (s) { revisions[s.dataset.position] = parseInt(s.dataset.revision, 10); });

  function responseOf(section) {
    var type = section.dataset.type;
    var pos = section.dataset.position;
    var inputs = section.querySelectorAll("input, textarea, select");
    if (type === "single_choice") {
      var c = section.querySelector("input:checked");
      return c ? parseInt(c.value, 10) : null;
    }
    if (type === "multiple_choice") {
      var picked = [];
      section.querySelectorAll("input:checked").forEach(function (i) { picked.push(parseInt(i.value, 10)); });
      return picked.length ? picked : null;
    }
    if (type === "true_false") {
      var t = section.querySelector("input:checked");
      return t ? t.value === "true" : null;
    }
    if (type === "short_answer" || type === "numerical" || type === "essay") {
      var v = inputs[0].value;
      return v.trim() ? v : null;
    }
    if (type === "matching") {
      var m = {}, any = false;
      section.querySelectorAll("select[data-stem]").forEach(function (s) {
        if (s.value) { m[s.dataset.stem] = s.value; any = true; }
      });
      return any ? m : null;
    }
    if (type === "ordering") {
      var selects = section.querySelectorAll("select[data-item]");
      var order = new Array(selects.length).fill(null), placed = false;
      selects.forEach(function (s) {
        var place = parseInt(s.value, 10);
        if (place && order[place - 1] === null) { order[place - 1] = parseInt(s.dataset.item, 10); placed = true; }
      });
      return placed ? order : null;
    }
    void pos;
    return null;
  }

  function count(obj) { return Object.keys(obj).length; }

  function show(state) {
    var waiting = count(pending) + count(flags);
    if (state === "offline") {
      statusEl.textContent = d.msgOffline.replace("{n}", String(waiting));
      statusEl.className = "small mb-3 text-danger fw-semibold";
    } else if (waiting || inFlight) {
      statusEl.textContent = d.msgSaving;
      statusEl.className = "small mb-3 text-body-secondary";
    } else {
      statusEl.textContent = d.msgSaved;
      statusEl.className = "small mb-3 text-success";
    }
    statusEl.dataset.state = state || (waiting ? "saving" : "saved");
  }

  function alertUser(message) {
    alertEl.textContent = message;
    alertEl.classList.remove("d-none");
    alertEl.scrollIntoView({ block: "center" });
  }

  function markNavigator(section) {
    var link = root.querySelector('[data-nav="' + section.dataset.position + '"]');
    if (link) { link.classList.toggle("answered", responseOf(section) !== null); }
  }

  function queue(section, delay) {
    var pos = section.dataset.position;
    pending[pos] = { response: responseOf(section), token: tab + ":" + (++seq) };
    markNavigator(section);
    show();
    schedule(delay);
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(flush, delay);
  }

  function flush() {
    timer = null;
    if (inFlight || closed || (!count(pending) && !count(flags))) { show(); return; }
    var sent = {}, sentFlags = flags;
    flags = {};
    var saves = Object.keys(pending).map(function (pos) {
      sent[pos] = pending[pos];
      return { position: parseInt(pos, 10), revision: revisions[pos], response: pending[pos].response, token: pending[pos].token };
    });
    inFlight = true;
    show();
    fetch(d.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": d.csrf },
      body: JSON.stringify({ saves: saves, flags: sentFlags })
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (reply) {
      inFlight = false;
      if (reply.status === 409) {
        closed = true;
        pending = {};
        alertUser(reply.body.message);
        setTimeout(function () { window.location.href = reply.body.result_url; }, 4000);
        return;
      }
      if (reply.status !== 200) { throw new Error("status " + reply.status); }
      retryDelay = 1000;
      reply.body.results.forEach(function (r) {
        var pos = String(r.position);
        revisions[pos] = r.revision;
        if (r.status === "stale") { alertUser(d.msgStale); }
        if (pending[pos] === sent[pos]) { delete pending[pos]; }
      });
      show();
      if (count(pending) || count(flags)) { schedule(300); }
    }).catch(function () {
      inFlight = false;
      Object.keys(sentFlags).forEach(function (pos) { if (!(pos in flags)) { flags[pos] = sentFlags[pos]; } });
      show("offline");
      retryDelay = Math.min(retryDelay * 2, 10000);
      schedule(retryDelay);
    });
  }

  root.addEventListener("change", function (event) {
    var section = event.target.closest(".attempt-question");
    if (section && !closed) { queue(section, 200); }
  });
  root.addEventListener("input", function (event) {
    var section = event.target.closest(".attempt-question");
    if (section && !closed && event.target.matches("input[type=text], input:not([type]), textarea")) {
      queue(section, 800);
    }
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button.flag");
    if (!button || closed) { return; }
    var section = button.closest(".attempt-question");
    var on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", on ? "true" : "false");
    flags[section.dataset.position] = on;
    var link = root.querySelector('[data-nav="' + section.dataset.position + '"]');
    if (link) { link.classList.toggle("flagged", on); }
    show();
    schedule(100);
  });
  window.addEventListener("online", function () { schedule(0); });
  window.addEventListener("beforeunload", function (event) {
    if (count(pending) || count(flags)) { event.preventDefault(); event.returnValue = d.msgLeave; return d.msgLeave; }
  });
  document.getElementById("to-submit").addEventListener("click", function (event) {
    if (count(pending) || inFlight) { event.preventDefault(); flush(); alertUser(d.msgLeave); }
  });

  // The timer shows the server's deadline, corrected by the server's clock.
  var deadline = d.deadline ? Date.parse(d.deadline) : null;
  var timerEl = document.getElementById("timer");
  function tick() {
    if (!deadline || !timerEl) { return; }
    var left = Math.max(0, Math.floor((deadline - (Date.now() + clockOffset)) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    timerEl.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    timerEl.classList.toggle("text-danger", left < 300);
    if (left === 0 && !closed && !timeUp) { timeUp = true; flush(); alertUser(d.msgTimeup); setTimeout(heartbeat, 5000); }
  }
  function heartbeat() {
    fetch(d.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      clockOffset = Date.parse(s.server_time) - Date.now();
      if (s.deadline) { deadline = Date.parse(s.deadline); }
      if (s.state !== "in_progress") { closed = true; window.location.href = s.result_url; return; }
      if (count(pending) || count(flags)) { schedule(0); }
    }).catch(function () { if (count(pending)) { show("offline"); } });
  }
  // The navigator is open beside the questions on wide screens, folded away on phones.
  var panel = document.getElementById("navigator-panel");
  if (panel && window.matchMedia("(min-width: 992px)").matches) { panel.open = true; }
  setInterval(tick, 1000);
  setInterval(heartbeat, 20000);
  heartbeat();
  tick();
})();
