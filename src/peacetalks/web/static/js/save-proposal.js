// "Save as proposal" on the deal builder (templates/deal.html): before the form is sent,
// copy the builder's current picks into its hidden fields, so the deal saved is the one
// shown (the picks change without reloading the page).
"use strict";

(() => {
  const saveForm = document.getElementById("save-form");
  const dealForm = document.getElementById("deal-form");
  if (!saveForm || !dealForm) {
    return;
  }
  saveForm.addEventListener("submit", () => {
    for (const hidden of saveForm.querySelectorAll("input[type='hidden'][data-issue]")) {
      const select = dealForm.querySelector(
        `select[data-issue="${CSS.escape(hidden.dataset.issue)}"]`,
      );
      if (select) {
        hidden.value = select.value;
      }
    }
  });
})();
