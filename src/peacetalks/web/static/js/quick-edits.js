// Scenario editor, "Common edits": Enter in a field presses that edit's own button (not
// Save, the form's first button), and each field shows the value it would replace.
"use strict";

(function () {
  const panel = document.querySelector(".quick-edits");
  if (!panel) {
    return;
  }

  for (const fieldset of panel.querySelectorAll("fieldset[data-change]")) {
    const button = fieldset.querySelector("button[name='change']");
    fieldset.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.tagName === "INPUT" && button) {
        event.preventDefault();
        button.click();
      }
    });
  }

  function selected(select) {
    return select.options[select.selectedIndex] || null;
  }

  const actor = document.getElementById("quick-actor");
  const reservation = document.getElementById("quick-reservation");
  function showReservation() {
    const option = selected(actor);
    reservation.placeholder = option ? "now " + option.dataset.value : "";
  }
  if (actor && reservation) {
    actor.addEventListener("change", showReservation);
    showReservation();
  }

  const position = document.getElementById("quick-position");
  const ideal = document.getElementById("quick-ideal");
  const salience = document.getElementById("quick-salience");
  function showPosition() {
    const option = selected(position);
    ideal.placeholder = option ? "now " + option.dataset.ideal : "";
    salience.placeholder = option ? "now " + option.dataset.salience : "";
  }
  if (position && ideal && salience) {
    position.addEventListener("change", showPosition);
    showPosition();
  }

  const proposal = document.getElementById("quick-proposal");
  function showDeal() {
    const option = selected(proposal);
    let deal = {};
    try {
      deal = option ? JSON.parse(option.dataset.deal) : {};
    } catch (error) {
      deal = {};
    }
    for (const select of panel.querySelectorAll("select[data-issue]")) {
      const keep = select.querySelector("option[data-keep]");
      const current = deal[select.dataset.issue];
      const now = current
        ? select.querySelector("option[value='" + CSS.escape(select.dataset.issue + "=" + current) + "']")
        : null;
      keep.textContent = now ? "Keep as is (" + now.textContent + ")" : "Keep as is (none)";
    }
  }
  if (proposal) {
    proposal.addEventListener("change", showDeal);
    showDeal();
  }
})();
