// Progressive enhancement of questionnaire pages: rows are added and removed in the page,
// answers are saved in the background, and conditional questions appear as the server says.
// Without JavaScript the same buttons submit the form and the server does all of it.
(function () {
  "use strict";

  // After a refused save or submit, keyboard and screen reader users start at the error
  // summary (or the conflict panel); a link from an error list lands on its question.
  function focusOnLoad() {
    var target = document.querySelector("[data-autofocus]");
    if (!target && window.location.hash.length > 1) {
      var named = null;
      try { named = document.getElementById(decodeURIComponent(window.location.hash.slice(1))); }
      catch (error) { named = null; }  // a malformed address: no field to go to
      if (named && named.closest("form[data-questionnaire]") && !named.closest("[hidden]")) {
        target = named;
      }
    }
    if (target) target.focus();
  }
  focusOnLoad();

  var form = document.querySelector("form[data-questionnaire]");
  if (!form) return;
  var status = document.getElementById("save-status");
  var version = form.querySelector("input[name=base_version]");
  var timer = null;
  var saving = false;
  var pending = false;
  var held = false;  // the page was submitted while a background save was under way
  var heldButton = null;

  function say(text) { if (status) status.textContent = text; }

  function replaceAll(text, from, to) { return text.split(from).join(to); }

  // Rows keep the indices 0, 1, 2, ... in page order, like the server's rows, so that the
  // pointers the server sends back (visible questions) name the same rows as the page.
  function reindex(row, repeat, from, to) {
    var name = repeat.dataset.repeat;
    var pointer = repeat.dataset.pointer;
    var names = [name + "-" + from + "-", name + "-" + to + "-"];
    var pointers = [pointer + "/" + from + "/", pointer + "/" + to + "/"];
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf(names[0]) !== -1) {
          el.setAttribute(attr, replaceAll(value, names[0], names[1]));
        }
      });
      if (el.dataset.pointer) el.dataset.pointer = replaceAll(el.dataset.pointer, pointers[0], pointers[1]);
      if (el.tagName === "BUTTON" && el.value) {
        var own = "remove:" + pointer + "/" + from;
        el.value = el.value === own ? "remove:" + pointer + "/" + to : replaceAll(el.value, pointers[0], pointers[1]);
      }
    });
    row.dataset.index = to;
  }

  function renumber(repeat) {
    var rows = repeat.querySelectorAll(":scope > .rows > [data-row]");
    rows.forEach(function (row, i) {
      if (row.dataset.index !== String(i)) reindex(row, repeat, row.dataset.index, String(i));
      row.querySelectorAll("[data-number]").forEach(function (number) {
        number.textContent = String(i + 1);
      });
    });
    var add = repeat.querySelector(":scope > .add-row");
    var max = parseInt(repeat.dataset.max || "0", 10);
    if (add) add.disabled = max > 0 && rows.length >= max;
  }

  function firstField(row) {
    return row ? row.querySelector("input:not([type=hidden]), select, textarea") : null;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    var repeat = button.closest("[data-repeat]");
    if (button.classList.contains("add-row") && repeat) {
      event.preventDefault();
      var rows = repeat.querySelector(":scope > .rows");
      var index = String(rows.querySelectorAll(":scope > [data-row]").length);
      var html = repeat.querySelector(":scope > template").innerHTML;
      var holder = document.createElement("div");
      holder.innerHTML = replaceAll(replaceAll(html, "__INDEX__", index), "__NUMBER__", "");
      var row = holder.firstElementChild;
      rows.appendChild(row);
      renumber(repeat);
      var first = firstField(row);
      if (first) first.focus();
      say(form.dataset.rowAdded || "");
    } else if (button.classList.contains("remove-row") && repeat) {
      event.preventDefault();
      var gone = button.closest("[data-row]");
      // Focus moves to the row taking the removed one's place, else the one before it.
      var next = gone.nextElementSibling || gone.previousElementSibling;
      gone.remove();
      renumber(repeat);
      var focusTarget = firstField(next) || repeat.querySelector(":scope > .add-row");
      if (focusTarget) focusTarget.focus();
      say(form.dataset.rowRemoved || "");
      schedule(300);
    }
  });

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function apply(result) {
    // After a conflict the page keeps the version it started from: saving it then shows the
    // conflicting answers to decide, instead of quietly overwriting someone else's answer.
    if (result.version !== undefined && version && !result.conflict) {
      version.value = String(result.version);
    }
    if (result.visible) {
      var visible = new Set(result.visible);
      form.querySelectorAll("[data-rule]").forEach(function (el) {
        el.hidden = !visible.has(el.dataset.pointer);
      });
    }
    if (result.progress !== undefined) {
      var bar = document.getElementById("progress");
      if (bar) bar.value = result.progress;
      var label = document.getElementById("progress-label");
      if (label && result.progress_label) label.textContent = result.progress_label;
    }
    say(result.message || "");
  }

  function save() {
    if (saving) { pending = true; return; }
    saving = true;
    var data = new FormData(form);
    data.set("action", "autosave");
    // Files go up with an explicit save only: every background save would store them again.
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    // Not form.action: the buttons named "action" shadow that property (a RadioNodeList).
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(apply)
      .catch(function () { say(form.dataset.offline || ""); })
      .finally(function () {
        saving = false;
        if (held) {
          held = false;
          form.requestSubmit(heldButton);
        } else if (pending) {
          pending = false;
          schedule(200);
        }
      });
  }

  // Saving or leaving the page waits for a background save under way: sent side by side from
  // the same base version, both would change the same answers and look like a conflict.
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    pending = false;
    if (saving) {
      event.preventDefault();
      held = true;
      heldButton = event.submitter || null;
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    schedule(1500);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") return;
    schedule(event.target.matches("select, input[type=radio], input[type=checkbox]") ? 200 : 800);
  });
})();
