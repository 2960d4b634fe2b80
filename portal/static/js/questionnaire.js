// Progressive enhancement of questionnaire pages: rows are added and removed in the page,
// answers are saved in the background, and conditional questions appear as the server says.
// Without JavaScript the same buttons submit the form and the server does all of it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-questionnaire]");
  if (!form) return;
  var status = document.getElementById("save-status");
  var version = form.querySelector("input[name=base_version]");
  var timer = null;
  var saving = false;
  var pending = false;

  function say(text) { if (status) status.textContent = text; }

  function renumber(repeat) {
    var rows = repeat.querySelectorAll(":scope > .rows > [data-row]");
    rows.forEach(function (row, i) {
      var number = row.querySelector("[data-number]");
      if (number) number.textContent = String(i + 1);
    });
    var add = repeat.querySelector(":scope > .add-row");
    var max = parseInt(repeat.dataset.max || "0", 10);
    if (add) add.disabled = max > 0 && rows.length >= max;
  }

  function nextIndex(repeat) {
    var highest = -1;
    var prefix = repeat.dataset.repeat + "-";
    repeat.querySelectorAll(":scope > .rows [name^='" + prefix + "']").forEach(function (el) {
      var n = parseInt(el.name.slice(prefix.length), 10);
      if (!isNaN(n) && n > highest) highest = n;
    });
    return highest + 1;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    var repeat = button.closest("[data-repeat]");
    if (button.classList.contains("add-row") && repeat) {
      event.preventDefault();
      var template = repeat.querySelector(":scope > template");
      var index = nextIndex(repeat);
      var html = template.innerHTML.split("__INDEX__").join(String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.split("__NUMBER__").join("");
      var row = holder.firstElementChild;
      repeat.querySelector(":scope > .rows").appendChild(row);
      renumber(repeat);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
      say(form.dataset.rowAdded || "");
    } else if (button.classList.contains("remove-row") && repeat) {
      event.preventDefault();
      var gone = button.closest("[data-row]");
      var before = gone.previousElementSibling;
      gone.remove();
      renumber(repeat);
      var focusTarget = before ? before.querySelector("input, select, textarea") : repeat.querySelector(".add-row");
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
    if (result.version !== undefined && version) version.value = String(result.version);
    if (result.visible) {
      var visible = new Set(result.visible);
      form.querySelectorAll("[data-rule]").forEach(function (el) {
        var shown = visible.has(el.dataset.pointer);
        el.hidden = !shown;
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
    fetch(form.action || window.location.href, {
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
        if (pending) { pending = false; schedule(200); }
      });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    schedule(1500);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") return;
    schedule(event.target.matches("select, input[type=radio], input[type=checkbox]") ? 200 : 800);
  });
})();
