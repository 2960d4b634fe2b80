// Keyboard navigation of the review workspace, for the setup call on a projector:
// "j" moves focus to the next answer, "k" to the previous one; the "Nächste Antwort" and
// "Vorherige Antwort" links do the same. Without JavaScript the links jump to the anchors.
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

  function indexOf(element) {
    var article = element && element.closest ? element.closest("article.answer") : null;
    return article ? answers.indexOf(article) : -1;
  }

  // Letters belong to whoever is typing: text fields, text areas, lists (type-ahead).
  function typing(element) {
    if (!element || !element.closest) return false;
    if (element.closest("textarea, select, [contenteditable]")) return true;
    if (element.tagName !== "INPUT") return false;
    return ["radio", "checkbox", "submit", "button", "reset"].indexOf(element.type) === -1;
  }

  document.addEventListener("focusin", function (event) {
    var index = indexOf(event.target);
    if (index !== -1) current = index;
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (typing(event.target) || !answers.length) return;
    if (event.key === "j") {
      event.preventDefault();
      go(Math.min(current + 1, answers.length - 1));
    } else if (event.key === "k") {
      event.preventDefault();
      go(Math.max(current - 1, 0));
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
