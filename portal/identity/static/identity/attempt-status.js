/*
 * While an account check is running, ask the server every few seconds whether it has finished,
 * and show the result when it has. Without JavaScript the page's "Check again" link does this.
 */
(function () {
  "use strict";
  var region = document.querySelector("[data-attempt-status-url]");
  if (!region || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-attempt-status-url");
  var tries = 0;
  var maxTries = 90;

  function again(delay) {
    if (tries < maxTries) {
      window.setTimeout(check, delay);
    }
  }

  function check() {
    tries += 1;
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.status && body.status !== "pending") {
          window.location.reload();
        } else {
          again(2000);
        }
      })
      .catch(function () {
        again(5000);
      });
  }

  again(1000);
})();
