/* Tablet marking: every mark goes into an IndexedDB outbox under a UUID made here, and is sent
 * until the server has answered it (app/api/marks.py). Answers: stored/replayed → dropped from the
 * outbox; refused → dropped and shown with the reason; conflict → kept for the judge to decide.
 * The outbox is sent on page load, when the browser comes back online, every 15 s, after each
 * mark and on "Sync now". No library, no build step: this file is what the tablet runs. */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("tablet-config").textContent);
  var T = cfg.strings;
  var DB_NAME = "jingsai-tablet", OUTBOX = "outbox", DESKS = "desks", BATCH_SIZE = 100;
  var database = null, desk = null, items = [], others = 0, notices = [], syncing = false, again = false;
  var lastSync = null;
  var stale = false;
  var view = { criterion: null, competitor: null };
  // Where this judge was in this skill (criterion + competitor), kept on the tablet so a reload or a
  // restart returns there instead of to the first criterion and competitor.
  var POSITION_KEY = "jingsai-tablet-position:" + cfg.judge + ":" + cfg.desk_url;

  // --- small helpers ------------------------------------------------------------------------

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);  // works outside secure contexts too, unlike crypto.randomUUID
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function deviceId() {
    var id = localStorage.getItem("jingsai-device");
    if (!id) { id = "tablet-" + uuid4().slice(0, 8); localStorage.setItem("jingsai-device", id); }
    return id;
  }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function cents(value) { return Math.round(Number(value) * 100); }
  function money(c) { return (c / 100).toFixed(2); }
  function $(id) { return document.getElementById(id); }
  function markKey(aspect, competitor) { return aspect + "|" + competitor; }
  function mine(item) { return desk && item.event === desk.event && item.skill === desk.skill; }
  /* A shared tablet: only the logged-in judge's marks are shown and sent under their session. */
  function judges(item) { return item.judge === cfg.judge; }

  // --- IndexedDB --------------------------------------------------------------------------------

  function openDatabase() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(OUTBOX, { keyPath: "uuid" });
        request.result.createObjectStore(DESKS, { keyPath: "url" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function store(name, mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = database.transaction(name, mode), result;
      var request = work(tx.objectStore(name));
      if (request) request.onsuccess = function () { result = request.result; };
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }

  function readOutbox() {
    return store(OUTBOX, "readonly", function (s) { return s.getAll(); }).then(function (all) {
      var sorted = (all || []).sort(function (a, b) { return a.created - b.created; });
      items = sorted.filter(judges);
      others = sorted.length - items.length;
    });
  }

  function putItems(list) { return store(OUTBOX, "readwrite", function (s) { list.forEach(function (i) { s.put(i); }); }); }
  function dropItems(ids) { return store(OUTBOX, "readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); }); }

  // --- the desk (criteria, aspects, competitors, marks) ---------------------------------------

  function loadDesk() {
    return fetch(cfg.desk_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) { notice(T.session, "error"); throw new Error("session"); }
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        desk = data; stale = false;
        return store(DESKS, "readwrite", function (s) { s.put({ url: cfg.desk_url, desk: data }); });
      })
      .catch(function () {
        return store(DESKS, "readonly", function (s) { return s.get(cfg.desk_url); }).then(function (saved) {
          if (saved && !desk) { desk = saved.desk; }
          stale = !!desk;
          if (!desk) $("aspects").innerHTML = '<p class="error">' + esc(T.load_failed) + "</p>";
        });
      });
  }

  function criterionOf(code) {
    return desk.criteria.filter(function (c) { return c.code === code; })[0];
  }

  function pendingFor(key) {
    return items.filter(function (i) { return mine(i) && markKey(i.aspect, i.competitor) === key; });
  }

  /* What a judge sees for one aspect of one competitor: the newest outbox item, else the stored mark. */
  function shown(criterion, aspect, competitor) {
    var key = markKey(aspect.code, competitor);
    var waiting = pendingFor(key), stored = desk.marks[key];
    var locked = criterion.locked && criterion.reopened.indexOf(competitor) < 0;
    var last = waiting[waiting.length - 1];
    if (last && last.state === "conflict") return { value: last.value, state: "conflict", item: last, locked: locked };
    if (last) return { value: last.value, state: "unsent", locked: locked };
    if (stored) return { value: stored.value, state: stored.flagged ? "flagged" : "marked", locked: locked };
    return { value: null, state: "not_marked", locked: locked };
  }

  function markCents(aspect, value) {
    if (value == null) return 0;
    if (aspect.kind === "J") return Math.round(cents(aspect.max) * Number(value) / 3);
    return cents(value);
  }

  // --- recording a mark -----------------------------------------------------------------------

  function record(aspectCode, competitor, value) {
    var key = markKey(aspectCode, competitor), stored = desk.marks[key];
    var earlier = pendingFor(key), base = stored ? stored.version : 0, supersedes = [];
    earlier.forEach(function (item) {
      if (item.state === "conflict") {
        base = item.theirs ? item.theirs.version : 0;  // a new tap decides the conflict: this value
      } else {
        base = item.base_version;  // still unanswered: follow it instead of racing it
        supersedes = supersedes.concat(item.supersedes || [], [item.uuid]);
      }
    });
    var item = { uuid: uuid4(), judge: cfg.judge, event: desk.event, skill: desk.skill, aspect: aspectCode,
                 competitor: competitor, value: String(value), base_version: base, supersedes: supersedes,
                 offline: !navigator.onLine, created: Date.now(), state: "pending" };
    return dropItems(earlier.map(function (i) { return i.uuid; }))
      .then(function () { return putItems([item]); })
      .then(readOutbox)
      .then(function () { render(); if (navigator.onLine) sync(); });
  }

  function resolve(uuid, keepMine) {
    var item = items.filter(function (i) { return i.uuid === uuid; })[0];
    if (!item) return Promise.resolve();
    if (keepMine) return record(item.aspect, item.competitor, item.value);
    if (item.theirs && mine(item)) {
      desk.marks[markKey(item.aspect, item.competitor)] = { value: item.theirs.value, version: item.theirs.version,
                                                            flagged: false };
    }
    return dropItems([uuid]).then(readOutbox).then(render);
  }

  // --- sending --------------------------------------------------------------------------------

  function wire(item) {
    return { uuid: item.uuid, event: item.event, skill: item.skill, aspect: item.aspect,
             competitor: item.competitor, value: item.value, base_version: item.base_version,
             supersedes: item.supersedes, offline: item.offline };
  }

  function post(chunk) {
    return fetch(cfg.batch_url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": cfg.csrf_token },
      body: JSON.stringify({ device: deviceId(), marks: chunk.map(wire) })
    });
  }

  function answer(results, sent) {
    var byUuid = {}, done = [], parked = [];
    sent.forEach(function (i) { byUuid[i.uuid] = i; });
    results.forEach(function (result) {
      var item = byUuid[result.uuid];
      if (!item) return;
      var key = markKey(item.aspect, item.competitor);
      if (result.outcome === "stored" || result.outcome === "replayed") {
        if (mine(item)) desk.marks[key] = { value: result.value, version: result.version, flagged: false };
        done.push(item.uuid);
      } else if (result.outcome === "refused") {
        notice(T.refused + " · " + item.aspect + " · " + item.competitor + " · " + item.value + ": " + result.reason,
               "error");
        done.push(item.uuid);
      } else if (result.outcome === "conflict") {
        parked.push(Object.assign({}, item, { state: "conflict", theirs: result.theirs }));
      }
    });
    // An item the judge replaced while it was on the way is gone already; only what is still here changes.
    var here = {};
    items.forEach(function (i) { here[i.uuid] = true; });
    return dropItems(done).then(function () {
      return putItems(parked.filter(function (i) { return here[i.uuid]; }));
    });
  }

  function sync() {
    if (!database) return Promise.resolve();
    if (syncing) { again = true; return Promise.resolve(); }  // a mark made while sending goes next
    syncing = true;
    again = false;
    setState(T.syncing);
    var sentAny = false;
    function next() {
      return readOutbox().then(function () {
        var chunk = items.filter(function (i) { return i.state === "pending"; }).slice(0, BATCH_SIZE);
        if (!chunk.length) return true;
        return post(chunk).then(function (response) {
          if (response.status === 401) { notice(T.session, "error"); return false; }
          if (response.status === 400 || response.status === 403) { notice(T.reload, "error"); return false; }
          return response.json().catch(function () { return {}; }).then(function (body) {
            var work = Array.isArray(body.results) ? answer(body.results, chunk) : Promise.resolve();
            sentAny = true;
            return work.then(function () { return response.ok ? next() : false; });
          });
        }, function () { return false; });  // the network is down: keep everything for later
      });
    }
    return next().then(function (finished) {
      if (finished) lastSync = new Date();
      return finished && sentAny ? loadDesk() : null;  // fresh flags, locks and versions
    }).catch(function () { return null; }).then(function () {
      syncing = false;
      return readOutbox();
    }).then(function () {
      render();
      if (again && navigator.onLine) return sync();
    });
  }

  // --- drawing the page -----------------------------------------------------------------------

  function notice(text, kind) {
    if (notices.some(function (n) { return n.text === text; })) return;
    notices.push({ text: text, kind: kind || "info" });
  }

  function setState(text) { $("sync-state").textContent = text; }

  function renderBar() {
    var pending = items.filter(function (i) { return i.state === "pending"; }).length;
    var conflicts = items.filter(function (i) { return i.state === "conflict"; }).length;
    $("unsent-count").textContent = String(pending);
    $("unsent-box").classList.toggle("counter-busy", pending > 0);
    $("conflict-count").textContent = String(conflicts);
    $("conflict-box").hidden = conflicts === 0;
    if (syncing) return;
    var when = lastSync ? lastSync.toLocaleTimeString(cfg.locale) : T.never;
    setState((navigator.onLine ? T.online : T.offline) + " · " + T.last_sync + " " + when);
  }

  function renderNotices() {
    var parts = notices.map(function (n, index) {
      return '<div class="flash ' + (n.kind === "error" ? "flash-error" : "") + '">' + esc(n.text) +
        ' <button type="button" class="link" data-dismiss="' + index + '">' + esc(T.dismiss) + "</button></div>";
    });
    if (stale) parts.unshift('<div class="flash" id="stale-notice">' + esc(T.cached) + "</div>");
    if (!navigator.onLine) parts.unshift('<div class="offline-banner" role="status" id="offline-banner">' + esc(T.offline) + "</div>");
    if (others) parts.push('<div class="flash">' + esc(T.others.replace("%(count)s", others)) + "</div>");
    if (desk && desk.undrawn) parts.push('<div class="flash">' + esc(T.undrawn.replace("%(count)s", desk.undrawn)) + "</div>");
    var conflicts = items.filter(function (i) { return i.state === "conflict"; });
    if (conflicts.length) {
      parts.push('<div class="conflicts card"><p>' + esc(T.conflict_help) + "</p>" + conflicts.map(function (i) {
        var theirs = i.theirs || {};
        return '<div class="conflict-row"><b>' + esc(i.skill + " · " + i.aspect + " · " + i.competitor) + "</b> " +
          esc(T.yours) + " <b>" + esc(i.value) + "</b> · " + esc(T.stored) + " <b>" + esc(theirs.value == null ? "—" : theirs.value) +
          "</b> <small class=\"hint\">" + esc(T.by + " " + (theirs.by || "") + " " + (theirs.at || "").slice(11, 16)) + "</small> " +
          '<button type="button" class="button" data-keep="' + esc(i.uuid) + '">' + esc(T.keep_mine) + "</button> " +
          '<button type="button" class="button" data-take="' + esc(i.uuid) + '">' + esc(T.take_stored) + "</button></div>";
      }).join("") + "</div>");
    }
    $("notices").innerHTML = parts.join("");
  }

  function renderCriteria() {
    $("criteria").innerHTML = desk.criteria.map(function (c) {
      return '<button type="button" class="tab' + (c.code === view.criterion ? " active" : "") + '" data-criterion="' +
        esc(c.code) + '" aria-pressed="' + (c.code === view.criterion) + '">' + esc(c.code) + " " + esc(c.name) +
        (c.locked ? ' <span class="tab-locked">' + esc(T.locked) + "</span>" : "") + "</button>";
    }).join("");
  }

  function renderCompetitors(criterion) {
    if (!criterion.competitors.length) {
      $("competitors").innerHTML = '<p class="hint">' + esc(T.no_competitors) + "</p>";
      return;
    }
    $("competitors").innerHTML = criterion.competitors.map(function (key) {
      var marked = criterion.aspects.filter(function (a) { return shown(criterion, a, key).value != null; }).length;
      var total = criterion.aspects.length;
      return '<button type="button" class="competitor' + (key === view.competitor ? " active" : "") +
        (marked === total ? " complete" : "") + '" data-competitor="' + esc(key) + '" aria-pressed="' +
        (key === view.competitor) + '"><span class="key">' + esc(key) + '</span><span class="progress">' +
        marked + "/" + total + "</span></button>";
    }).join("");
  }

  function buttons(aspect, state, values, labels) {
    return '<div class="choices' + (aspect.kind === "J" ? " judgement" : "") + '">' + values.map(function (v, index) {
      var chosen = state.value != null && cents(state.value) === cents(v);
      return '<button type="button" class="choice' + (chosen ? " chosen" : "") + '" data-aspect="' + esc(aspect.code) +
        '" data-value="' + esc(v) + '"' + (state.locked ? " disabled" : "") + ' aria-pressed="' + chosen + '">' +
        '<span class="choice-value">' + esc(aspect.kind === "J" ? v : Number(v).toFixed(2)) + "</span>" +
        (labels ? '<span class="choice-text">' + esc(labels[index]) + "</span>" : "") + "</button>";
    }).join("") + "</div>";
  }

  function renderAspect(criterion, aspect, competitor) {
    var state = shown(criterion, aspect, competitor);
    var badge = state.locked ? "locked" : state.state;
    var body;
    if (aspect.kind === "J") {
      body = buttons(aspect, state, ["0", "1", "2", "3"], aspect.descriptors);
    } else if (aspect.allowed) {
      body = buttons(aspect, state, aspect.allowed, null);
    } else {
      body = '<form class="free-mark" data-aspect="' + esc(aspect.code) + '"><input type="number" inputmode="decimal" step="0.01" min="0" max="' +
        esc(aspect.max) + '" value="' + esc(state.value == null ? "" : state.value) + '"' + (state.locked ? " disabled" : "") +
        ' aria-label="' + esc(aspect.code) + '"><button type="submit" class="button"' + (state.locked ? " disabled" : "") + ">" +
        esc(T.save) + "</button></form>";
    }
    return '<article class="aspect state-' + badge + '" id="aspect-' + esc(aspect.code) + '">' +
      '<header><span class="code">' + esc(aspect.code) + '</span> <span class="kind">' +
      esc(aspect.kind === "J" ? T.judgement : T.measurement) + "</span> <span class=\"max\">" + esc(T.max) + " " +
      esc(aspect.max) + '</span> <span class="badge badge-' + badge + '">' + esc(T[badge === "unsent" ? "unsent_one" : badge]) +
      "</span></header><p class=\"description\">" + esc(aspect.description) + "</p>" +
      (aspect.requirement ? '<p class="hint">' + esc(T.requirement) + ": " + esc(aspect.requirement) + "</p>" : "") +
      body + "</article>";
  }

  function renderAspects(criterion) {
    var competitor = view.competitor;
    if (!competitor) {
      $("aspects").innerHTML = '<p class="hint">' + esc(criterion.competitors.length ? T.choose_competitor : "") + "</p>";
      return;
    }
    var total = 0;
    criterion.aspects.forEach(function (a) { total += markCents(a, shown(criterion, a, competitor).value); });
    $("aspects").innerHTML = '<div class="subtotal"><span>' + esc(desk.blind ? T.secret_no : T.bib) + " <b>" +
      esc(competitor) + "</b></span><span>" + esc(T.subtotal) + ' <b id="subtotal">' + money(total) + "</b> / " +
      esc(criterion.max) + "</span></div>" +
      criterion.aspects.map(function (a) { return renderAspect(criterion, a, competitor); }).join("");
  }

  function rememberPosition() {
    try { localStorage.setItem(POSITION_KEY, JSON.stringify(view)); } catch (e) { /* storage full or off */ }
  }

  function rememberedPosition() {
    try { return JSON.parse(localStorage.getItem(POSITION_KEY) || "null"); } catch (e) { return null; }
  }

  function firstOpenCriterion() {
    // A locked criterion cannot be marked: open the first one that can, unless all are locked.
    var open = desk.criteria.filter(function (c) { return !c.locked || c.reopened.length; });
    return (open.length ? open : desk.criteria)[0];
  }

  function render() {
    renderBar();
    if (!desk) return;
    renderNotices();
    if (!view.criterion || !criterionOf(view.criterion)) view.criterion = desk.criteria.length ? firstOpenCriterion().code : null;
    var criterion = view.criterion && criterionOf(view.criterion);
    renderCriteria();
    if (!criterion) return;
    if (view.competitor && criterion.competitors.indexOf(view.competitor) < 0) view.competitor = null;
    if (!view.competitor && criterion.competitors.length) view.competitor = criterion.competitors[0];
    renderCompetitors(criterion);
    renderAspects(criterion);
  }

  // --- wiring ---------------------------------------------------------------------------------

  function onClick(event) {
    var target = event.target.closest("button");
    if (!target || target.disabled) return;
    var d = target.dataset;
    if (d.criterion) { view.criterion = d.criterion; view.competitor = null; render(); rememberPosition(); }
    else if (d.competitor) { view.competitor = d.competitor; render(); rememberPosition(); }
    else if (d.aspect && d.value != null) { record(d.aspect, view.competitor, d.value); }
    else if (d.keep) { resolve(d.keep, true); }
    else if (d.take) { resolve(d.take, false); }
    else if (d.dismiss) { notices.splice(Number(d.dismiss), 1); render(); }
  }

  function onSubmit(event) {
    var form = event.target.closest("form.free-mark");
    if (!form) return;
    event.preventDefault();
    var input = form.querySelector("input"), aspect = form.dataset.aspect;
    var spec = criterionOf(view.criterion).aspects.filter(function (a) { return a.code === aspect; })[0];
    var value = Number(input.value);
    if (input.value === "" || !isFinite(value) || value < 0 || value > Number(spec.max) ||
        Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) {
      notice(T.bad_value + " (" + aspect + ")", "error");
      render();
      return;
    }
    record(aspect, view.competitor, value.toFixed(2));
  }

  function precacheShell(registration) {
    // The page was fetched before its service worker existed, so the worker has not seen it: hand
    // it this page and the files the page loaded, so that the very first visit already reloads offline.
    var urls = [location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (el) {
      urls.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    if (registration.active) registration.active.postMessage({ type: "precache", urls: urls });
  }

  function start() {
    if ("serviceWorker" in navigator && cfg.worker_url) {
      navigator.serviceWorker.register(cfg.worker_url, { scope: cfg.worker_scope }).catch(function () { return null; });
      navigator.serviceWorker.ready.then(precacheShell);
    }
    var saved = rememberedPosition();
    if (saved) { view.criterion = saved.criterion; view.competitor = saved.competitor; }
    var root = $("tablet");
    root.addEventListener("click", onClick);
    root.addEventListener("submit", onSubmit);
    $("sync-now").addEventListener("click", function () { sync(); });
    window.addEventListener("online", function () { sync(); });
    window.addEventListener("offline", render);
    window.addEventListener("online", render);
    setInterval(function () { if (navigator.onLine) sync(); }, 15000);
    openDatabase()
      .then(function (opened) { database = opened; return readOutbox(); })
      .then(loadDesk)
      .then(function () { render(); return sync(); });
  }

  start();
})();
