// The review workspace of the setup call, on a projector and with the keyboard.
// Navigation: "j" moves focus to the next answer, "k" to the previous one; the "Nächste Antwort"
// and "Vorherige Antwort" links do the same. Inline review (while focus is in an answer, not
// typing in a text field): "a" accepts and saves, "c" marks "changed" and moves into the final
// value, "o" marks an open question and moves into the comment, Ctrl+Enter saves (also while
// typing). Saves go to the same endpoint as the form, asking for JSON: the page is not reloaded,
// scroll position and focus stay, the row's live region says "gespeichert", the error or the
// conflict with the other reviewer's value. Bulk accept forms work the same way.
// Without JavaScript every form posts and the server redirects back to the answer.
(function () {
  "use strict";

  var answers = Array.prototype.slice.call(document.querySelectorAll("article.answer[id^='a-']"));
  var current = -1;

  function go(index) {
    if (index < 0 || index >= answers.length) return;
    current = index;
    var target = answers[index];
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + target.id);
    }
  }

  function articleOf(element) {
    return element && element.closest ? element.closest("article.answer") : null;
  }

  function indexOf(element) {
    var article = articleOf(element);
    return article ? answers.indexOf(article) : -1;
  }

  // Letters belong to whoever is typing: text fields, text areas, lists (type-ahead).
  function typing(element) {
    if (!element || !element.closest) return false;
    if (element.closest("textarea, select, [contenteditable]")) return true;
    if (element.tagName !== "INPUT") return false;
    return ["radio", "checkbox", "submit", "button", "reset"].indexOf(element.type) === -1;
  }

  // ------------------------------------------------------------ saving without a reload

  function formOf(article) {
    return article ? article.querySelector("form.answer-form") : null;
  }

  function say(region, text, kind) {
    if (!region) return;
    region.classList.remove("is-saved", "is-error", "is-conflict");
    if (kind) region.classList.add(kind);
    region.textContent = text;
  }

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error(document.documentElement.lang === "en"
          ? "Not saved (HTTP " + response.status + "). Please reload the page."
          : "Nicht gespeichert (HTTP " + response.status + "). Bitte die Seite neu laden.");
      }
      return response.json();
    });
  }

  function showProgress(progress) {
    if (!progress) return;
    var bar = document.getElementById("review-progress");
    var label = document.querySelector("label[for=review-progress]");
    if (bar) bar.value = progress.value;
    if (label) label.textContent = progress.label;
  }

  // The row as the server has it now: badge, values, version, status class.
  function showRow(row, withInputs) {
    var article = document.getElementById("a-" + row.number);
    if (!article) return;
    var badge = article.querySelector(".answer-head .review-badge");
    if (badge) badge.outerHTML = row.badge_html;
    var values = article.querySelector("dl.answer-values");
    if (values) values.innerHTML = row.values_html;
    article.className = article.className.replace(/\breview-\S+/g, "").trim() +
      " review-" + (row.status || "none");
    var form = formOf(article);
    if (!form) return;
    form.querySelector("input[name=version]").value = row.version;
    if (withInputs && row.status) {
      var radio = form.querySelector("input[name=status][value=" + row.status + "]");
      if (radio) radio.checked = true;
      // The final value as stored (an accepted answer keeps the customer's value).
      Array.prototype.forEach.call(form.querySelectorAll("[name=final]"), function (input) {
        if (input.type === "checkbox") input.checked = row.final.indexOf(input.value) !== -1;
        else input.value = row.final.length ? row.final[0] : "";
      });
    }
    if (row.status) forgetInBulk(row.pointer);
  }

  function saveAnswer(form) {
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var article = articleOf(form);
    var region = article.querySelector(".save-state");
    say(region, "…", null);
    post(form).then(function (body) {
      if (body.row) showRow(body.row, body.ok);  // a conflict keeps what was typed
      showProgress(body.progress);
      say(region, body.message, body.ok ? "is-saved" : body.conflict ? "is-conflict" : "is-error");
      var field = body.field === "final" ? form.querySelector("[name=final]") : null;
      Array.prototype.forEach.call(form.querySelectorAll("[name=final]"), function (input) {
        if (body.ok) input.removeAttribute("aria-invalid");
      });
      if (field) field.setAttribute("aria-invalid", "true");
    }).catch(function (error) {
      say(region, error.message, "is-error");
    }).then(function () {
      delete form.dataset.busy;
    });
  }

  // ------------------------------------------------------------ bulk accept

  var bulkForms = Array.prototype.slice.call(document.querySelectorAll("form.bulk-accept"));

  // An answer that has a status now leaves every bulk form; an empty form goes.
  function forgetInBulk(pointer) {
    bulkForms.forEach(function (form) {
      Array.prototype.forEach.call(form.querySelectorAll("input[name=pointer]"), function (input) {
        if (input.value !== pointer) return;
        var version = input.nextElementSibling;
        if (version && version.name === "version") version.remove();
        input.remove();
      });
      var left = form.querySelectorAll("input[name=pointer]").length;
      var label = form.querySelector("[data-one]");
      if (label) {
        label.textContent = left === 1 ? label.dataset.one : label.dataset.many.replace("{n}", left);
      }
      form.querySelector("button").hidden = left === 0;
    });
  }

  function bulkAccept(form) {
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var region = form.querySelector(".save-state");
    say(region, "…", null);
    post(form).then(function (body) {
      (body.rows || []).forEach(function (row) { showRow(row, true); });
      showProgress(body.progress);
      say(region, body.message, body.ok ? "is-saved" : "is-error");
    }).catch(function (error) {
      say(region, error.message, "is-error");
    }).then(function () {
      delete form.dataset.busy;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!window.fetch || !window.FormData) return;
    if (form.matches("form.answer-form")) {
      event.preventDefault();
      saveAnswer(form);
    } else if (form.matches("form.bulk-accept")) {
      event.preventDefault();
      bulkAccept(form);
    }
  });

  // ------------------------------------------------------------ keys

  function choose(form, status) {
    var radio = form.querySelector("input[name=status][value=" + status + "]");
    if (radio) radio.checked = true;
  }

  document.addEventListener("focusin", function (event) {
    var index = indexOf(event.target);
    if (index !== -1) current = index;
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    var article = articleOf(event.target);
    var form = formOf(article);
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      saveAnswer(form);
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target) || !answers.length) return;
    if (event.key === "j") {
      event.preventDefault();
      go(Math.min(current + 1, answers.length - 1));
    } else if (event.key === "k") {
      event.preventDefault();
      go(Math.max(current - 1, 0));
    } else if (form && event.key === "a") {
      event.preventDefault();
      choose(form, "accepted");
      saveAnswer(form);
    } else if (form && event.key === "c") {
      event.preventDefault();
      choose(form, "changed");
      var final = form.querySelector("[name=final]") || form.querySelector("textarea[name=comment]");
      final.focus();
      if (final.select && final.type === "text") final.select();
    } else if (form && event.key === "o") {
      event.preventDefault();
      choose(form, "open");
      form.querySelector("textarea[name=comment]").focus();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-review-step]") : null;
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target || answers.indexOf(target) === -1) return;
    event.preventDefault();
    go(answers.indexOf(target));
  });

  // A refused save points at its message; after a save the server sends us back to
  // "#a-<n>", and the keys continue from that answer.
  var refused = document.querySelector("[data-autofocus]");
  if (refused) {
    refused.focus();
    current = indexOf(refused);
  } else if (window.location.hash.length > 1) {
    var named = document.getElementById(window.location.hash.slice(1));
    if (named && answers.indexOf(named) !== -1) go(answers.indexOf(named));
  }
})();
