// The data flow diagram editor in the page: rows are added and removed without a round trip,
// and the "from"/"to" choices follow the systems as they are named. Without JavaScript the
// same buttons post the form and the server does all of it.
(function () {
  "use strict";

  var form = document.querySelector("form[data-diagram-editor]");
  if (!form) return;
  var status = form.querySelector("[data-status]");

  function say(text) {
    if (!status) return;
    status.textContent = "";
    // A fresh text node, so that screen readers announce the same message twice in a row.
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function body(table) { return form.querySelector('tbody[data-rows="' + table + '"]'); }

  function rows(table) { return Array.prototype.slice.call(body(table).querySelectorAll(":scope > tr")); }

  function firstField(row) {
    return row ? row.querySelector("input:not([type=hidden]), select") : null;
  }

  function renumber(table) {
    rows(table).forEach(function (row, i) {
      row.querySelectorAll("[data-number]").forEach(function (el) { el.textContent = String(i + 1); });
    });
  }

  // Every system, named or not yet: a flow keeps its choice while a name is retyped.
  function systems() {
    var unnamed = form.dataset.unnamed || "#";
    return rows("system").map(function (row, i) {
      var name = row.querySelector("[data-system-name]").value.trim();
      return {
        id: row.querySelector("[data-system-id]").value,
        name: name || unnamed.replace("#", String(i + 1))
      };
    });
  }

  // Every "from" and "to" select offers the systems; a choice stays while its system does.
  function syncSelects() {
    var named = systems();
    form.querySelectorAll("select[data-system-select]").forEach(function (select) {
      var chosen = select.value;
      var options = [new Option(form.dataset.choose || "", "")];
      named.forEach(function (system) { options.push(new Option(system.name, system.id)); });
      var same = select.options.length === options.length && options.every(function (option, i) {
        return select.options[i].value === option.value && select.options[i].text === option.text;
      });
      if (same) return;
      select.replaceChildren.apply(select, options);
      select.value = named.some(function (system) { return system.id === chosen; }) ? chosen : "";
    });
  }

  function nextIndex(table) {
    var highest = -1;
    rows(table).forEach(function (row) {
      highest = Math.max(highest, parseInt(row.dataset.row, 10) || 0);
    });
    return highest + 1;
  }

  function newSystemId() {
    var highest = 0;
    form.querySelectorAll("[data-system-id]").forEach(function (input) {
      var match = /^s(\d+)$/.exec(input.value);
      if (match) highest = Math.max(highest, parseInt(match[1], 10));
    });
    return "s" + (highest + 1);
  }

  function addRow(table) {
    var template = form.querySelector('template[data-template="' + table + '"]');
    var row = template.content.firstElementChild.cloneNode(true);
    var index = String(nextIndex(table));
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
      ["id", "name", "for", "value", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf("__i__") !== -1) el.setAttribute(attr, value.split("__i__").join(index));
      });
    });
    row.dataset.row = index;
    if (table === "system") row.querySelector("[data-system-id]").value = newSystemId();
    body(table).appendChild(row);
    renumber(table);
    syncSelects();
    firstField(row).focus();
    say(form.dataset.added || "");
  }

  function removeRow(row) {
    var table = row.parentElement.dataset.rows;
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(table);
    if (table === "system") syncSelects();
    var target = firstField(next) || form.querySelector('[data-add="' + table + '"]');
    target.focus();
    say(form.dataset.removed || "");
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.dataset.add) {
      event.preventDefault();
      addRow(button.dataset.add);
    } else if (button.hasAttribute("data-remove")) {
      event.preventDefault();
      removeRow(button.closest("tr"));
    }
  });

  form.addEventListener("input", function (event) {
    if (event.target.matches("[data-system-name]")) syncSelects();
  });
})();
