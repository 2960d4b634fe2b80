// Live net amounts and totals while partner staff type in the offer editor. The server
// computes the same on every save (portal.services.offers.totals); without JavaScript the
// page shows the amounts as of the last save.
(function () {
  var form = document.getElementById("offer-form");
  if (!form) return;
  var lang = document.documentElement.lang || "de";
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" });
  // Basis points of the VAT rate, e.g. "19.00" -> 1900n.
  var vatBp = hundredths(form.dataset.vat, "en");

  // Text as the language writes it -> BigInt hundredths, or null (at most two decimals).
  function hundredths(text, language) {
    var s = String(text || "").replace(/\s/g, "");
    var group = language === "de" ? "." : ",";
    var decimal = language === "de" ? "," : ".";
    var pattern = language === "de"
      ? /^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/
      : /^\d{1,3}(,\d{3})*(\.\d{1,2})?$|^\d+(\.\d{1,2})?$/;
    if (!pattern.test(s)) return null;
    var parts = s.split(group).join("").split(decimal);
    var cents = (parts[1] || "").padEnd(2, "0");
    return BigInt(parts[0]) * 100n + BigInt(cents);
  }

  // Half up to cents: value / divisor for non-negative BigInts.
  function roundDiv(value, divisor) {
    return (value * 2n + divisor) / (2n * divisor);
  }

  function show(el, cents) {
    el.textContent = cents === null ? "—" : money.format(Number(cents) / 100).replace(/\u00a0/g, " ");
  }

  function update() {
    var net = 0n;
    var complete = true;
    form.querySelectorAll("tr[data-row]").forEach(function (row) {
      var q = hundredths(row.querySelector("[data-quantity]").value, lang);
      var p = hundredths(row.querySelector("[data-unit-price]").value, lang);
      var dText = row.querySelector("[data-discount-percent]").value.trim();
      var d = dText === "" ? 0n : hundredths(dText, lang);
      var line = null;
      if (q !== null && q > 0n && p !== null && d !== null && d <= 10000n) {
        // q/100 * p/100 * (10000 - d)/10000 euros = q * p * (10000 - d) / 10^6 cents
        line = roundDiv(q * p * (10000n - d), 1000000n);
        net += line;
      } else {
        complete = false;
      }
      show(row.querySelector("[data-net]"), line);
    });
    var vat = complete ? roundDiv(net * vatBp, 10000n) : null;
    show(document.getElementById("total-net"), complete ? net : null);
    show(document.getElementById("total-vat"), vat);
    show(document.getElementById("total-gross"), complete ? net + vat : null);
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input.amount")) update();
  });
})();
