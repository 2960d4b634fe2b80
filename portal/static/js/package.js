// While a version of the documentation package is built, poll its status every second and
// show the progress; once it is ready (or failed) reload the page, which then lists it.
// Without JavaScript a <noscript> refresh in the page's head reloads it every 3 seconds.
(function () {
  var box = document.getElementById("package-build");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("package-progress");
  var stage = document.getElementById("package-stage");
  var url = box.getAttribute("data-status-url");
  var version = Number(box.getAttribute("data-version"));

  function later() {
    window.setTimeout(poll, 1000);
  }

  function show(latest) {
    bar.value = latest.progress;
    bar.textContent = latest.progress + " %";
    // Only a new stage changes the live region, so a screen reader hears each stage once.
    if (stage.textContent !== latest.stage_text) stage.textContent = latest.stage_text;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        var latest = data.latest;
        if (latest && (latest.version !== version || latest.done)) {
          window.location.reload();
          return;
        }
        if (latest) show(latest);
        later();
      })
      .catch(later);
  }

  later();
})();
