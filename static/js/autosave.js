// Autosave of the proposal form (progressive enhancement: the Save button works without it).
// htmx does not swap 4xx answers by default; the autosave status fragment is meant to be shown
// when the save was refused (409: someone else saved; 400: nothing could be saved).
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "autosave-status") { return; }
    var status = event.detail.xhr.status;
    if (status === 409 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
