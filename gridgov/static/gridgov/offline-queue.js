/* gridgov offline queue: a report (点单 / 巡查上报 / 电话代录) survives a lost connection.
 *
 *   <div id="offline-queue" class="offline-queue" data-owner="{{ user.pk }}" role="status" aria-live="polite"></div>
 *   <form id="report-form" data-offline-queue …>
 *
 * The form is sent with fetch (header X-Requested-With: fetch, the server answers JSON). When the network
 * is down the submission (fields, photo Blobs, idempotency key, CSRF token, URL, time) is kept in
 * IndexedDB and sent again on `online`, on the load of a page with this script, and every 30 s while
 * anything waits. The idempotency key makes a replay safe: the server returns the first case again.
 * A 4xx refusal keeps the data but stops retrying that item until the user fixes or deletes it.
 * Without IndexedDB or fetch the form posts normally.
 */
(function () {
  "use strict";
  var banner = document.getElementById("offline-queue");
  if (!banner || !window.indexedDB || !window.fetch || !window.FormData) return;

  var DB = "gridgov-offline", STORE = "submissions", RETRY_MS = 30000, TIMEOUT_MS = 90000;
  var owner = banner.dataset.owner || "";
  var flushing = null, timer = null, authBlocked = false, done = [];

  // ── IndexedDB ────────────────────────────────────────────────────────────────────────────────────
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode), store = t.objectStore(STORE), out;
        var req = work(store);
        if (req) req.onsuccess = function () { out = req.result; };
        t.oncomplete = function () { resolve(out); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return i.owner === owner; })
        .sort(function (a, b) { return a.savedAt - b.savedAt; });
    });
  }
  function put(item) { return tx("readwrite", function (s) { return s.put(item); }); }
  function remove(key) { return tx("readwrite", function (s) { return s.delete(key); }); }

  // ── sending ──────────────────────────────────────────────────────────────────────────────────────
  function currentCsrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function snapshot(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") fields.push({ name: name, value: value });
      else if (value && value.size) fields.push({ name: name, blob: value, filename: value.name || "photo.jpg" });
    });
    var key = (form.querySelector("input[name=idempotency_key]") || {}).value || newKey();
    return {
      key: key, owner: owner, url: form.action || location.href, fields: fields,
      csrf: (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "",
      savedAt: Date.now(), state: "pending", message: "",
    };
  }
  function body(item) {
    var fd = new FormData();
    // The token of the page in hand is the freshest (a new login rotates it); the stored one otherwise.
    var csrf = currentCsrf() || item.csrf;
    item.fields.forEach(function (f) {
      if (f.name === "csrfmiddlewaretoken") fd.append(f.name, csrf);
      else if (f.name === "idempotency_key") fd.append(f.name, item.key);
      else if (f.blob) fd.append(f.name, f.blob, f.filename);
      else fd.append(f.name, f.value);
    });
    return { fd: fd, csrf: csrf };
  }
  // Resolves to {kind: "ok"|"invalid"|"auth"|"retry", data, message}; rejects only when the network failed.
  function send(item) {
    if (navigator.onLine === false) return Promise.reject(new Error("offline"));
    var b = body(item);
    var ctrl = window.AbortController ? new AbortController() : null;
    var timeout = ctrl ? setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS) : null;
    return fetch(item.url, {
      method: "POST", body: b.fd, credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined,
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": b.csrf, "Accept": "application/json" },
    }).then(function (response) {
      if (timeout) clearTimeout(timeout);
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {
        // A login page (session expired, fetch followed the redirect) or Django's CSRF refusal.
        if (response.status < 500) return { kind: "auth", message: "登录已过期或页面已失效，请重新登录；登录后会自动提交" };
        return { kind: "retry", message: "服务器暂时无法处理，稍后自动重试" };
      }
      return response.json().then(function (data) {
        if (response.ok && data.ok) return { kind: "ok", data: data };
        if (response.status >= 400 && response.status < 500) return { kind: "invalid", data: data, message: data.message || "提交的内容有误" };
        return { kind: "retry", message: "服务器暂时无法处理，稍后自动重试" };
      });
    }, function (err) { if (timeout) clearTimeout(timeout); throw err; });
  }

  // ── the queue ────────────────────────────────────────────────────────────────────────────────────
  function flush() {
    if (flushing) return flushing;
    if (authBlocked) return render();
    flushing = all().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      var chain = Promise.resolve(true);
      pending.forEach(function (item) {
        chain = chain.then(function (goOn) {
          if (!goOn) return false;
          return send(item).then(function (result) {
            if (result.kind === "ok") {
              done.push(result.data.tracking_no);
              return remove(item.key).then(function () { return true; });
            }
            if (result.kind === "invalid") {
              item.state = "invalid"; item.message = result.message;
              return put(item).then(function () { return true; });
            }
            if (result.kind === "auth") authBlocked = true;
            item.message = result.message;
            return put(item).then(function () { return false; });
          }, function () { return false; }); // network still down: try again later
        });
      });
      return chain;
    }).catch(function () {}).then(function () { flushing = null; return render(); });
    return flushing;
  }

  function schedule(pendingCount) {
    if (pendingCount && !authBlocked) {
      if (!timer) timer = setInterval(flush, RETRY_MS);
    } else if (timer) { clearInterval(timer); timer = null; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function render() {
    return all().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; });
      var invalid = items.filter(function (i) { return i.state === "invalid"; });
      banner.textContent = "";
      banner.dataset.pending = String(pending.length);
      if (done.length) {
        banner.appendChild(el("p", "queue-done msg-success", "已提交：受理编号 " + done.join("、")));
      }
      if (pending.length) {
        var text = navigator.onLine === false || !authBlocked
          ? "网络不可用，已保存在本机，恢复网络后自动提交（" + pending.length + " 条待提交）"
          : pending[0].message + "（" + pending.length + " 条待提交）";
        banner.appendChild(el("p", "queue-pending alert", text));
      }
      invalid.forEach(function (item) {
        var row = el("div", "queue-invalid alert");
        row.appendChild(el("p", "", "未能提交（" + describe(item) + "）：" + item.message));
        var form = document.getElementById("report-form");
        if (form && sameUrl(form.action, item.url)) {
          var fix = el("button", "button", "填回表单修改");
          fix.type = "button";
          fix.addEventListener("click", function () { restore(form, item); });
          row.appendChild(fix);
        }
        var drop = el("button", "button", "删除");
        drop.type = "button";
        drop.addEventListener("click", function () {
          if (window.confirm("删除后这条记录无法恢复，确定删除吗？")) remove(item.key).then(render);
        });
        row.appendChild(drop);
        banner.appendChild(row);
      });
      banner.hidden = !banner.childNodes.length;
      schedule(pending.length);
      return pending.length;
    }).catch(function () { return 0; });
  }

  function describe(item) {
    var d = item.fields.filter(function (f) { return f.name === "description"; })[0];
    var text = d ? d.value : "";
    return text.length > 16 ? text.slice(0, 16) + "…" : text;
  }
  function sameUrl(a, b) {
    try { return new URL(a, location.href).pathname === new URL(b, location.href).pathname; } catch (e) { return false; }
  }

  // Put a refused item back into the form for the user to correct; the key is reused (nothing was written).
  function restore(form, item) {
    var files = {};
    item.fields.forEach(function (f) {
      if (f.name === "csrfmiddlewaretoken") return;
      if (f.blob) { (files[f.name] = files[f.name] || []).push(new File([f.blob], f.filename, { type: f.blob.type })); return; }
      var input = form.elements[f.name];
      if (input && input.type !== "file") input.value = f.value;
    });
    Object.keys(files).forEach(function (name) {
      var input = form.elements[name];
      if (!input || !window.DataTransfer) return;
      try { var dt = new DataTransfer(); files[name].forEach(function (f) { dt.items.add(f); }); input.files = dt.files; } catch (e) { /* the user picks again */ }
    });
    var keyInput = form.querySelector("input[name=idempotency_key]");
    if (keyInput) keyInput.value = item.key;
    remove(item.key).then(render);
    var alert = form.querySelector(".alert") || form.insertBefore(el("div", "alert"), form.firstChild.nextSibling);
    alert.setAttribute("role", "alert");
    alert.textContent = item.message;
    form.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function release(form) {
    form.dataset.sent = "";
    form.classList.remove("busy");
    form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
  }

  // ── the form ─────────────────────────────────────────────────────────────────────────────────────
  var form = document.getElementById("report-form");
  if (form && form.hasAttribute("data-offline-queue")) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "1") return; // app.js ignores a second tap
      event.preventDefault();
      var item = snapshot(form);
      function queue() {
        return put(item).then(function () {
          // The next report on this page is a new case: a new key, an empty description and photos.
          form.reset();
          var keyInput = form.querySelector("input[name=idempotency_key]");
          if (keyInput) keyInput.value = newKey();
          form.querySelectorAll(".file-count").forEach(function (c) { c.textContent = ""; });
          release(form);
          return render();
        }).then(function () {
          banner.scrollIntoView({ behavior: "smooth", block: "start" });
        }, function () { release(form); HTMLFormElement.prototype.submit.call(form); });
      }
      if (navigator.onLine === false) { queue(); return; }
      send(item).then(function (result) {
        if (result.kind === "ok") { window.location.assign(result.data.url); return; }
        if (result.kind === "invalid") {
          // Shown on the page; the user corrects the form in hand and sends it again (same key).
          var alert = form.querySelector(".alert") || form.insertBefore(el("div", "alert"), form.firstChild.nextSibling);
          alert.setAttribute("role", "alert");
          alert.textContent = result.message;
          release(form);
          alert.scrollIntoView({ behavior: "smooth", block: "center" });
          return;
        }
        // Anything else (login expired, a server error page): let the browser post the form itself.
        HTMLFormElement.prototype.submit.call(form);
      }, queue);
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  // For tests and for a "retry now" in the console: replay what waits, or look at it.
  window.gridgovOfflineQueue = { flush: flush, all: all, put: put, render: render };
  flush();
})();
