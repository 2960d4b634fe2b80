// Rows of open points and agreed services are added and removed in the page. Without
// JavaScript the same buttons submit the form and the server adds or removes the row.
(function () {
  var form = document.getElementById("protocol-form");
  if (!form) return;
  var counter = 0;

  function renumber(repeat) {
    repeat.querySelectorAll(":scope > .rows > [data-row]").forEach(function (row, i) {
      row.querySelectorAll("[data-number]").forEach(function (el) {
        el.textContent = String(i + 1);
      });
    });
  }

  function firstField(row) {
    return row ? row.querySelector("input, select, textarea") : null;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    var repeat = button && button.closest("[data-repeat]");
    if (!repeat) return;
    var rows = repeat.querySelector(":scope > .rows");
    if (button.classList.contains("add-row")) {
      event.preventDefault();
      counter += 1;
      // Ids of new rows only need to be unique; the server reads rows by their order.
      var html = repeat.querySelector(":scope > template").innerHTML;
      rows.insertAdjacentHTML("beforeend", html.split("__INDEX__").join("new" + counter));
      renumber(repeat);
      firstField(rows.lastElementChild).focus();
    } else if (button.classList.contains("remove-row")) {
      event.preventDefault();
      var row = button.closest("[data-row]");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(repeat);
      (firstField(next) || repeat.querySelector(":scope > .add-row")).focus();
    }
  });
})();
