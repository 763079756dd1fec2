// Poll running jobs' progress (a small JSON endpoint) until they finish.
document.querySelectorAll(".job").forEach(function (box) {
  var state = box.querySelector(".job-state").dataset.state;
  if (state === "done" || state === "failed") return;
  var timer = setInterval(function () {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); })
      .then(function (job) {
        box.querySelector(".job-state").textContent = job.state_text;
        box.querySelector(".job-count").textContent = job.done + "/" + job.total;
        var bar = box.querySelector("progress"); bar.max = job.total || 1; bar.value = job.done;
        if (job.state === "done") { box.querySelector(".job-zip").hidden = false; box.querySelector(".job-pdf").hidden = !job.pdf; }
        if (job.state === "done" || job.state === "failed") clearInterval(timer);
      });
  }, 1000);
});
