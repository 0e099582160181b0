// The obstacle reviewers' pages: progressive enhancement only, every form works without it.
(function () {
  "use strict";
  // htmx leaves 4xx answers unswapped; a fragment that carries its own error messages (marked
  // data-swap-errors, e.g. the reviewer notes with "write the note first") is swapped in, so
  // the error shows beside the field and the typed text stays.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if ((status === 400 || status === 409) && target && target.hasAttribute("data-swap-errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
