// A secret shown once (a new API token) is the answer to the POST that made it. The page takes the
// list's own address (data-list-address), so that a reload asks for the list, where the secret is
// no longer shown, instead of posting the form again and making another token.
(function () {
  "use strict";
  var shown = document.querySelector("[data-list-address]");
  if (shown && window.history.replaceState) {
    window.history.replaceState(null, "", shown.getAttribute("data-list-address"));
  }
})();
