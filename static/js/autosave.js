// Autosave of the proposal form (progressive enhancement: the Save button works without it).
// Every answer of the autosave view is a status fragment marked with data-autosave-state; it is
// shown whatever its status (409: someone else saved, or the proposal can no longer be edited;
// 400: nothing could be saved). Anything else (a sign-in page after the session ended, a CSRF
// refusal, a server error, no network) must not leave "Saved" on screen: the status then says
// "Not saved – …" with the server-rendered, translated text from the status element's data-*.
(function () {
  "use strict";

  function isStatus(target) {
    return target && target.id === "autosave-status";
  }

  function statusElement(event) {
    var target = event.detail && event.detail.target;
    if (isStatus(target)) { return target; }
    var element = event.detail && event.detail.elt;
    var form = element && element.closest ? element.closest("form") : null;
    return form ? form.querySelector("#autosave-status") : null;
  }

  function showNotSaved(status, key) {
    if (!status) { return; }
    var text = status.getAttribute(key) || status.getAttribute("data-error-failed") || "";
    var strong = document.createElement("strong");
    strong.textContent = text;
    status.replaceChildren(strong);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!isStatus(target)) { return; }
    var xhr = event.detail.xhr;
    var body = xhr.responseText || "";
    if (body.indexOf("data-autosave-state=") !== -1 && body.indexOf("<html") === -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    // Not the status fragment (e.g. redirected to the sign-in page, or an error page).
    event.detail.shouldSwap = false;
    event.detail.isError = false;
    showNotSaved(target, "data-error-failed");
  });

  // Not reached for the status fragment (beforeSwap above clears isError); kept for answers
  // that did not go through it.
  document.addEventListener("htmx:responseError", function (event) {
    showNotSaved(statusElement(event), "data-error-failed");
  });

  document.addEventListener("htmx:sendError", function (event) {
    showNotSaved(statusElement(event), "data-error-offline");
  });

  document.addEventListener("htmx:timeout", function (event) {
    showNotSaved(statusElement(event), "data-error-offline");
  });
})();
