// Follow an analysis run: poll GET /api/runs/{id} while it is queued or running, show its
// status and progress, and reload the page (which then shows the result) once it is over.
// Without script the page's "check again" link does the same by hand.
(() => {
  "use strict";
  const root = document.getElementById("run");
  if (!root || !["queued", "running"].includes(root.dataset.status)) {
    return;
  }
  const status = document.getElementById("run-status");
  const bar = document.getElementById("run-progress");
  const percent = document.getElementById("run-percent");
  const intervalMs = 750;

  const show = (run) => {
    const share = Math.min(Math.max(Number(run.progress) || 0, 0), 1);
    bar.value = share;
    bar.textContent = `${Math.round(share * 100)}%`;
    percent.textContent = `${Math.round(share * 100)}%`;
    if (status.textContent !== run.status) {
      status.textContent = run.status;
      status.className = `run-status status-${run.status}`;
    }
    root.dataset.status = run.status;
    root.dataset.progress = String(share);
  };

  const poll = async () => {
    let run = null;
    try {
      const response = await fetch(root.dataset.api, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.ok) {
        run = await response.json();
      } else if (response.status >= 400 && response.status < 500) {
        // Signed out, or the run is gone: stop; the "check again" link says what happened.
        status.textContent = `${root.dataset.status} (no longer followed)`;
        return;
      }
    } catch (error) {
      run = null; // the server is busy or restarting: try again on the next tick
    }
    if (run) {
      show(run);
      if (run.status === "succeeded" || run.status === "failed") {
        window.location.reload();
        return;
      }
    }
    window.setTimeout(poll, intervalMs);
  };

  window.setTimeout(poll, intervalMs);
})();
