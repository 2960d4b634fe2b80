// The studio's question form, nicer with JavaScript: only the parts that fit the chosen kind
// are shown, and choice rows are added in place. Without it every part is shown (each says
// which kinds it is for) and two blank choice rows come with every page.
(function () {
  var form = document.querySelector("[data-studio-question]");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");

  function showFitting() {
    form.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", showFitting);
  showFitting();

  var rows = form.querySelector("[data-choice-rows]");
  var add = form.querySelector("[data-add-choice]");
  if (!rows || !add) return;
  add.hidden = false;
  add.addEventListener("click", function () {
    var last = rows.lastElementChild;
    var row = last.cloneNode(true);
    var index = rows.children.length;
    var position = 0;
    rows.querySelectorAll("input[name$='-position']").forEach(function (input) {
      position = Math.max(position, parseInt(input.value, 10) || 0);
    });
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/^choices-\d+-/, "choices-" + index + "-");
      input.id = input.name;
      var label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/\d+/, String(index + 1)));
      if (input.type === "checkbox") input.checked = false;
      else input.value = input.name.slice(-9) === "-position" ? String(position + 1) : "";
    });
    rows.appendChild(row);
    row.querySelector("input[name$='-code']").focus();
  });
})();
