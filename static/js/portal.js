// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function focusErrors(root) {
    // Move focus to the error summary so screen readers announce what went wrong.
    var summary = (root || document).querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
  // A fragment that names the control to keep focus on (data-focus="<id>") gets it back after
  // the swap, so a keyboard user goes on from there instead of from the top of the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    var holder = root && root.matches && root.matches("[data-focus]") ? root
      : document.querySelector("[data-focus]");
    if (!holder) { return; }
    var target = document.getElementById(holder.getAttribute("data-focus"));
    holder.removeAttribute("data-focus");
    if (target && !document.querySelector(".error-summary:focus")) { target.focus(); }
  });
  // Close the user menu with Escape and give focus back to its toggle.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) { summary.focus(); }
    });
  });
  // Buttons marked data-confirm ask before submitting (no inline handlers: CSP forbids them).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
