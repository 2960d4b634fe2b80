// Live line totals on the order form; the server computes the binding totals.
(function () {
  var form = document.getElementById("order-form");
  if (!form) return;
  var lang = document.documentElement.lang === "en" ? "en-GB" : "de-DE";
  var fmt = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" });
  function update() {
    var total = 0;
    form.querySelectorAll("tbody tr").forEach(function (row) {
      var price = parseFloat(row.dataset.price);
      var input = row.querySelector("input.qty");
      var qty = input ? parseFloat((input.value || "0").replace(",", ".")) : 1;
      var cell = row.querySelector(".line-total");
      if (isNaN(qty) || qty < 0) { cell.textContent = ""; return; }
      total += price * qty;
      cell.textContent = qty ? fmt.format(price * qty) : "";
    });
    document.getElementById("order-total").textContent = fmt.format(total);
  }
  form.addEventListener("input", update);
  update();
})();
