// Progressive enhancement of questionnaire pages. Several people may have the same page open:
// the page sends only what this person changed, each answer with the value it started from, and
// follows what the others saved (their answers, rows and the questions shown). Rows are known
// by their id (data-row-id), not their position. Without JavaScript the buttons post the form
// and the server does all of it.
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
  var conflictsBox = document.getElementById("conflicts");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var stateElement = document.getElementById("stored-state");
  var state = stateElement ? JSON.parse(stateElement.textContent) : { answers: {}, rows: {}, visible: [] };

  var confirmed = {};  // id pointer -> the values this person last confirmed (their starting point)
  var removals = [];   // stored rows removed on this page, for the next save
  var held = {};       // id pointers in a conflict still to decide: not sent again until then
  var timer = null;
  var saving = false;
  var pending = false;
  var afterSave = null;  // what to do once everything is saved (leave the page, post files)

  function say(text) { if (status) status.textContent = text; }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // ---- where things are ------------------------------------------------------------------

  // The id pointer of a question, group, repeating group or row: keys and row ids upwards.
  function pointerOf(element) {
    var parts = [];
    for (var node = element; node && node !== form; node = node.parentElement) {
      if (node.hasAttribute("data-row-id")) parts.unshift(node.getAttribute("data-row-id"));
      else if (node.hasAttribute("data-key")) parts.unshift(node.getAttribute("data-key"));
    }
    return "/" + parts.join("/");
  }

  function fields(scope) {
    var found = [];
    each((scope || form).querySelectorAll("[data-field]"), function (field) {
      if (field.getAttribute("data-field") !== "file") found.push(field);
    });
    return found;
  }

  function fieldAt(pointer) {
    var found = null;
    fields().forEach(function (field) { if (!found && pointerOf(field) === pointer) found = field; });
    return found;
  }

  function rowElement(id) {
    var found = null;
    each(form.querySelectorAll("[data-row-id]"), function (row) {
      if (row.getAttribute("data-row-id") === id) found = row;
    });
    return found;
  }

  // A question the server knows: at the top, or in rows it has stored.
  function known(element) {
    var row = element.closest("[data-row]");
    return !row || (row.hasAttribute("data-stored") && known(row.parentElement));
  }

  // The row an id pointer is in (the innermost one), or the row it names.
  function rowOf(pointer) {
    var found = null;
    each(form.querySelectorAll("[data-row-id]"), function (row) {
      var at = pointerOf(row);
      if (pointer === at || pointer.indexOf(at + "/") === 0) found = row;
    });
    return found;
  }

  // ---- values as the form holds them (the server reads and writes the same lists) ----------

  function inputs(field) {
    return field.querySelectorAll("input:not([type=hidden]):not([type=file]), select, textarea");
  }

  function valuesOf(field) {
    var out = [];
    each(inputs(field), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) out.push(input.value);
      } else if (input.tagName === "SELECT") {
        each(input.selectedOptions, function (option) { if (option.value !== "") out.push(option.value); });
      } else if (input.value !== "") {
        out.push(input.value.replace(/\r\n/g, "\n"));
      }
    });
    return out;
  }

  function show(field, values) {
    each(inputs(field), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = values.indexOf(input.value) !== -1;
      } else if (input.tagName === "SELECT") {
        each(input.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1 || (!values.length && option.value === "");
        });
      } else {
        input.value = values.length ? values[0] : "";
      }
    });
  }

  function focused(field) { return field.contains(document.activeElement); }
  function dirty(field) { return !same(valuesOf(field), confirmed[pointerOf(field)] || []); }

  // ---- rows ------------------------------------------------------------------------------

  function newRowId() {
    var bytes = new Uint8Array(6);
    window.crypto.getRandomValues(bytes);
    return "r" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function replaceAll(text, from, to) { return text.split(from).join(to); }

  // Field names keep the indices 0, 1, 2, ... in page order, as a posted page needs them.
  function reindex(row, repeat, from, to) {
    var name = repeat.dataset.repeat;
    var pointer = repeat.dataset.pointer;
    var names = [name + "-" + from + "-", name + "-" + to + "-"];
    var pointers = [pointer + "/" + from + "/", pointer + "/" + to + "/"];
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf(names[0]) !== -1) el.setAttribute(attr, replaceAll(value, names[0], names[1]));
      });
      if (el.dataset.pointer) el.dataset.pointer = replaceAll(el.dataset.pointer, pointers[0], pointers[1]);
    });
    row.dataset.index = to;
  }

  function rowsOf(repeat) { return repeat.querySelectorAll(":scope > .rows > [data-row]"); }

  function renumber(repeat) {
    var rows = rowsOf(repeat);
    each(rows, function (row, i) {
      if (row.dataset.index !== String(i)) reindex(row, repeat, row.dataset.index, String(i));
      each(row.querySelectorAll(":scope > legend [data-number], :scope > button [data-number]"), function (number) {
        number.textContent = String(i + 1);
      });
    });
    var add = repeat.querySelector(":scope > .add-row");
    var max = parseInt(repeat.dataset.max || "0", 10);
    if (add) add.disabled = max > 0 && rows.length >= max;
  }

  function newRow(repeat, id, before) {
    var rows = repeat.querySelector(":scope > .rows");
    var index = String(rowsOf(repeat).length);
    var html = repeat.querySelector(":scope > template").innerHTML;
    var holder = document.createElement("div");
    holder.innerHTML = replaceAll(replaceAll(replaceAll(html, "__INDEX__", index), "__NUMBER__", ""), "__ROW__", id);
    var row = holder.firstElementChild;
    rows.insertBefore(row, before || null);
    renumber(repeat);
    return row;
  }

  function firstInput(row) {
    return row ? row.querySelector("input:not([type=hidden]), select, textarea") : null;
  }

  // The answers of a row as its author last saw them (relative pointers), to remove it.
  function seen(row) {
    var base = pointerOf(row);
    var out = {};
    fields(row).forEach(function (field) {
      var pointer = pointerOf(field);
      var values = confirmed[pointer] || [];
      if (values.length) out[pointer.slice(base.length)] = values;
    });
    return out;
  }

  // A row that comes (back) from the server starts from nothing this page has confirmed.
  function forget(row) {
    var base = pointerOf(row) + "/";
    Object.keys(confirmed).forEach(function (pointer) {
      if (pointer.indexOf(base) === 0) delete confirmed[pointer];
    });
  }

  function removeRow(row) {
    var repeat = row.closest("[data-repeat]");
    if (row.hasAttribute("data-stored")) {
      removals.push({ op: "remove", pointer: pointerOf(repeat), row: row.getAttribute("data-row-id"), from: seen(row) });
    }
    forget(row);
    row.remove();
    renumber(repeat);
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    var repeat = button.closest("[data-repeat]");
    if (button.classList.contains("add-row") && repeat) {
      event.preventDefault();
      var row = newRow(repeat, newRowId());
      var first = firstInput(row);
      if (first) first.focus();
      say(form.dataset.rowAdded || "");
    } else if (button.classList.contains("remove-row") && repeat) {
      event.preventDefault();
      var gone = button.closest("[data-row]");
      // Focus moves to the row taking the removed one's place, else the one before it.
      var next = gone.nextElementSibling || gone.previousElementSibling;
      removeRow(gone);
      var focusTarget = firstInput(next) || repeat.querySelector(":scope > .add-row");
      if (focusTarget) focusTarget.focus();
      say(form.dataset.rowRemoved || "");
      schedule(300);
    }
  });

  // ---- following what is stored ------------------------------------------------------------

  // Rows, answers and visibility as the server has them now; what this person is typing stays.
  function follow(stored) {
    each(form.querySelectorAll("[data-repeat]"), function (repeat) {
      if (!known(repeat)) return;
      var ids = stored.rows[pointerOf(repeat)] || [];
      each(rowsOf(repeat), function (row) {
        var id = row.getAttribute("data-row-id");
        var busy = fields(row).some(function (field) { return dirty(field) || held[pointerOf(field)]; });
        if (row.hasAttribute("data-stored") && ids.indexOf(id) === -1 && !busy) row.remove();
      });
      var removing = removals.map(function (removal) { return removal.row; });
      var previous = null;
      ids.forEach(function (id) {
        var row = rowElement(id);
        if (!row && removing.indexOf(id) === -1) {
          var holder = repeat.querySelector(":scope > .rows");
          row = newRow(repeat, id, previous ? previous.nextElementSibling : holder.firstElementChild);
          row.setAttribute("data-stored", "");
          forget(row);
        }
        if (row) previous = row;
      });
      // A group always offers a row to type into, as the server renders it.
      if (!rowsOf(repeat).length) newRow(repeat, newRowId());
      renumber(repeat);
    });
    var onServer = {};
    Object.keys(stored.rows).forEach(function (list) {
      stored.rows[list].forEach(function (id) { onServer[id] = true; });
    });
    // Questions in rows the server does not have (new, or kept against a removal) stay as typed.
    function followed(element) {
      for (var row = element.closest("[data-row]"); row; row = row.parentElement.closest("[data-row]")) {
        if (!onServer[row.getAttribute("data-row-id")]) return false;
      }
      return true;
    }
    fields().forEach(function (field) {
      if (!followed(field)) return;
      var pointer = pointerOf(field);
      var values = stored.answers[pointer] || [];
      if (same(valuesOf(field), values)) {
        confirmed[pointer] = values;
      } else if (!dirty(field) && !focused(field) && !held[pointer]) {
        show(field, values);
        confirmed[pointer] = values;
      }
    });
    var visible = {};
    stored.visible.forEach(function (pointer) { visible[pointer] = true; });
    each(form.querySelectorAll("[data-rule]"), function (element) {
      if (followed(element)) element.hidden = !visible[pointerOf(element)];
    });
  }

  // ---- saving ----------------------------------------------------------------------------

  function collect() {
    var changes = [];
    var sent = {};
    var added = [];
    each(form.querySelectorAll("[data-row]:not([data-stored])"), function (row) {
      var typed = fields(row).some(function (field) { return valuesOf(field).length; });
      if (!typed || !known(row.closest("[data-repeat]"))) return;
      changes.push({ op: "add", pointer: pointerOf(row.closest("[data-repeat]")), row: row.getAttribute("data-row-id") });
      added.push(row);
    });
    fields().forEach(function (field) {
      var row = field.closest("[data-row]");
      if (row && !row.hasAttribute("data-stored") && added.indexOf(row) === -1) return;
      var pointer = pointerOf(field);
      if (held[pointer] || !dirty(field)) return;
      var values = valuesOf(field);
      changes.push({ op: "set", pointer: pointer, from: confirmed[pointer] || [], to: values });
      sent[pointer] = values;
    });
    var removed = removals.splice(0);
    return { changes: changes.concat(removed), sent: sent, added: added, removed: removed };
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function save(keepalive) {
    clearTimeout(timer);
    if (saving) { pending = true; return; }
    var batch = collect();
    if (!batch.changes.length) { done(true); return; }
    saving = true;
    fetch(form.dataset.changesUrl, {
      method: "POST",
      body: JSON.stringify({ changes: batch.changes }),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      keepalive: !!keepalive,
    })
      .then(function (response) { return response.json(); })
      .then(function (result) { return answered(result, batch); })
      .catch(function () {
        // Nothing is lost: what was not confirmed goes with the next save.
        removals = batch.removed.concat(removals);
        say(form.dataset.offline || "");
        return false;
      })
      .then(function (ok) {
        saving = false;
        if (pending) { pending = false; save(); } else { done(ok); }
      });
  }

  // The removal of a row whose add this batch carried: its pointer and the answers it sent.
  function removalOf(row, batch) {
    var id = row.getAttribute("data-row-id");
    var add = batch.changes.filter(function (c) { return c.op === "add" && c.row === id; })[0];
    var base = add.pointer + "/" + id;
    var from = {};
    Object.keys(batch.sent).forEach(function (pointer) {
      if (pointer.indexOf(base + "/") === 0 && batch.sent[pointer].length) {
        from[pointer.slice(base.length)] = batch.sent[pointer];
      }
    });
    return { op: "remove", pointer: add.pointer, row: id, from: from };
  }

  function answered(result, batch) {
    if (!result.saved) {
      removals = batch.removed.concat(removals);
      showErrors(result.errors || {});
      say(result.message || "");
      if (result.answers) follow(result);
      return false;
    }
    var conflicted = {};
    (result.conflicts || []).forEach(function (conflict) {
      conflicted[conflict.pointer] = true;
      held[conflict.pointer] = true;
    });
    var gone = [];
    batch.added.forEach(function (row) {
      if (row.isConnected) row.setAttribute("data-stored", "");
      else gone.push(removalOf(row, batch));
    });
    if (gone.length) {
      // Removed while its add was on the way: the server has the row now, so the removal
      // follows with the next save (and following the server must not bring the row back).
      removals = removals.concat(gone);
      pending = true;
    }
    Object.keys(batch.sent).forEach(function (pointer) {
      if (conflicted[pointer]) return;
      confirmed[pointer] = batch.sent[pointer];
      var field = fieldAt(pointer);
      if (field) clearError(field);  // also a message the server put there (a refused submit)
    });
    showErrors({});
    follow(result);
    var bar = document.getElementById("progress");
    if (bar) bar.value = result.progress;
    var label = document.getElementById("progress-label");
    if (label && result.progress_label) label.textContent = result.progress_label;
    say(result.message || "");
    if (result.conflict_panel) {
      showConflicts(result.conflict_panel);
      return false;
    }
    return true;
  }

  // A new conflict joins the ones still to decide (a later one on the same answer replaces it).
  function showConflicts(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var incoming = holder.querySelector("[data-conflicts]");
    var panel = conflictsBox.querySelector("[data-conflicts]");
    if (!panel) {
      conflictsBox.appendChild(incoming);
      incoming.dataset.next = String(incoming.querySelectorAll("fieldset[data-pointer]").length);
      incoming.focus();
      return;
    }
    var button = panel.querySelector("form > button");
    each(incoming.querySelectorAll("fieldset[data-pointer]"), function (choice) {
      each(panel.querySelectorAll("fieldset[data-pointer]"), function (old) {
        if (old.getAttribute("data-pointer") === choice.getAttribute("data-pointer")) old.remove();
      });
      // Renamed before it joins the form, so no radio group mixes with one already decided.
      var number = parseInt(panel.dataset.next || "0", 10);
      panel.dataset.next = String(number + 1);
      each(choice.querySelectorAll("input[name]"), function (input) {
        input.name = input.name.replace(/-\d+$/, "-" + number);
      });
      button.parentNode.insertBefore(choice, button);
    });
    panel.focus();
  }

  // Once everything is saved: leave for the page a button asked for, or post the files.
  function done(ok) {
    var next = afterSave;
    var panel = conflictsBox.querySelector("[data-conflicts]");
    afterSave = null;
    if (next && panel) panel.focus();  // decide first, then go on
    else if (next && ok) next();
  }

  function clearError(field) {
    each(field.querySelectorAll(":scope > .error-message"), function (message) {
      each(inputs(field), function (input) {
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== message.id;
        });
        if (described.length) input.setAttribute("aria-describedby", described.join(" "));
        else input.removeAttribute("aria-describedby");
      });
      message.remove();
    });
    field.classList.remove("has-error");
    field.removeAttribute("data-js-invalid");
    each(inputs(field), function (input) { input.removeAttribute("aria-invalid"); });
  }

  function showErrors(errors) {
    each(form.querySelectorAll("[data-js-invalid]"), clearError);
    Object.keys(errors).forEach(function (pointer) {
      var field = fieldAt(pointer);
      if (!field) return;
      clearError(field);
      var message = document.createElement("p");
      message.className = "error-message";
      var prefix = document.createElement("span");
      prefix.className = "visually-hidden";
      prefix.textContent = form.dataset.errorPrefix || "";
      message.appendChild(prefix);
      message.appendChild(document.createTextNode(" " + errors[pointer]));
      var first = inputs(field)[0];
      message.id = (field.id || (first ? first.id : "field")) + "-error";
      // Where the server puts it: after the help text, else after the label.
      var anchor = field.querySelector(":scope > .hint:not(.file-limits)") || field.querySelector("label, legend");
      field.insertBefore(message, anchor ? anchor.nextSibling : field.firstChild);
      field.classList.add("has-error");
      field.setAttribute("data-js-invalid", "");
      each(inputs(field), function (input) {
        input.setAttribute("aria-invalid", "true");
        var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (described.indexOf(message.id) === -1) described.push(message.id);
        input.setAttribute("aria-describedby", described.join(" "));
      });
    });
  }

  // ---- deciding a conflict in the page -----------------------------------------------------

  conflictsBox.addEventListener("submit", function (event) {
    var panel = event.target.closest("[data-conflicts]");
    if (!panel) return;
    event.preventDefault();
    each(panel.querySelectorAll("fieldset[data-pointer]"), function (choice) {
      var pointer = choice.getAttribute("data-pointer");
      var kind = choice.getAttribute("data-kind");
      var picked = choice.querySelector("input[type=radio]:checked");
      var mine = picked && picked.value === "mine";
      delete held[pointer];
      if (kind === "answer") {
        var field = fieldAt(pointer);
        var theirs = JSON.parse(choice.getAttribute("data-theirs") || "[]");
        if (field && !mine) show(field, theirs);
        confirmed[pointer] = theirs;  // mine: sent again, now starting from theirs
      } else {
        var row = rowOf(pointer);
        if (kind === "row_removed" && row) {
          if (mine) {
            row.removeAttribute("data-stored");  // sent again as a new row
            fields(row).forEach(function (field) { confirmed[pointerOf(field)] = []; delete held[pointerOf(field)]; });
          } else {
            row.remove();
          }
        } else if (kind === "row_changed" && row && mine) {
          removeRow(row);
        }
      }
    });
    conflictsBox.innerHTML = "";
    say(form.dataset.decided || "");
    save();
  });

  // ---- buttons and typing ------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var files = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length;
    }) || form.querySelector("input[name$='__remove']:checked");
    if (form.dataset.posting) return;  // the explicit post after the save below
    event.preventDefault();
    if (files) {
      afterSave = function () { form.dataset.posting = "1"; form.requestSubmit(button || undefined); };
    } else if (button && button.dataset.href) {
      var href = button.dataset.href;
      afterSave = function () { window.location.assign(href); };
    } else {
      afterSave = function () { say(form.dataset.allSaved || ""); };
    }
    save();
  });

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    schedule(1500);
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") return;
    schedule(event.target.matches("select, input[type=radio], input[type=checkbox]") ? 200 : 800);
  });
  // Leaving or hiding the page sends what is not saved yet; the browser finishes the request.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save(true);
  });

  // The stored answers are this person's starting point; what differs (a refused post shows
  // what was typed) is saved right away.
  fields().forEach(function (field) {
    if (known(field)) confirmed[pointerOf(field)] = state.answers[pointerOf(field)] || [];
  });
  if (fields().some(function (field) { return known(field) && dirty(field); })) schedule(300);
})();
