// Keeps a job's progress page current: polls the job's counts every few seconds and stops when
// it ends. The live region speaks only when the status changes (not at every count), and the
// page never reloads by itself: when the work ends, a link shows every line's result.
(function () {
  var section = document.querySelector("[data-progress-url][data-polling]");
  if (!section) {
    return;
  }
  var words = JSON.parse(section.getAttribute("data-words"));
  var status = section.querySelector("[data-status]");
  var bar = section.querySelector("[data-bar]");
  var counts = section.querySelector("[data-counts]");
  var succeeded = section.querySelector("[data-succeeded]");
  var refused = section.querySelector("[data-refused]");
  var reload = section.querySelector("[data-reload]");
  var shown = status.getAttribute("data-status");

  function show(progress) {
    bar.max = progress.total || 1;
    bar.value = progress.done;
    bar.textContent = progress.percent + " %";
    counts.textContent = words.counts.replace("{done}", progress.done).replace("{total}", progress.total);
    succeeded.textContent = progress.succeeded;
    refused.textContent = progress.done - progress.succeeded;
    if (progress.status !== shown) {
      shown = progress.status;
      status.textContent = words.status[progress.status];
    }
    if (progress.finished) {
      reload.hidden = false;
      return;
    }
    window.setTimeout(poll, 2000);
  }

  function poll() {
    fetch(section.getAttribute("data-progress-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 1000);
})();
