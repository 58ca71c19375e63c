/* gridgov: small behaviours shared by every page; every page also works without them. */
(function () {
  "use strict";

  // A form marked data-once is sent once: a second tap while the first request runs does nothing.
  // (The server is idempotent anyway; this spares the user a confusing second wait.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.classList.add("busy");
    // Disable after the browser has collected the submitter's name/value.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Coming back with the back button shows the page from cache: make its forms usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.dataset.sent = "";
      form.classList.remove("busy");
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  });

  // Photo inputs say how many files they take before the upload starts.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "file" && input.dataset.max) {
      var tooMany = input.files.length > parseInt(input.dataset.max, 10);
      input.setCustomValidity(tooMany ? input.dataset.msgMax : "");
      if (tooMany) input.reportValidity();
      var count = input.closest(".file-field") && input.closest(".file-field").querySelector(".file-count");
      if (count && input.files.length) {
        var names = Array.prototype.map.call(input.files, function (f) { return f.name; }).join("、");
        count.textContent = input.dataset.msgCount.replace("{n}", input.files.length) + "：" + names;
      }
    }
    // Dispatch form: show the worker or the department select, whichever "派给" says.
    if (input.name === "assignee_kind") {
      var box = input.closest(".assignee");
      if (box) box.dataset.kind = input.value;
    }
    // A filter select marked data-submit-on-change sends its form at once (the board's 乡镇/街道); the
    // select named in data-clears (村/社区) is emptied first, since it belonged to the old choice.
    if (input.hasAttribute && input.hasAttribute("data-submit-on-change") && input.form) {
      var cleared = input.dataset.clears && input.form.elements[input.dataset.clears];
      if (cleared) cleared.value = "";
      input.form.submit();
    }
    // Console queue: the header box ticks or clears every row of the page for 批量派单.
    if (input.dataset.checkAll !== undefined) {
      document.querySelectorAll("#queue input[name=case_ids]").forEach(function (box) { box.checked = input.checked; });
    }
  });

  // On a phone the console's panel sits under the queue: bring it into view when a case is opened.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "panel" && target.getBoundingClientRect().top > window.innerHeight * 0.6) {
      target.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  });
})();
