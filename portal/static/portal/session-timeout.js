/*
 * Session time-out warning (WCAG 2.2.1 "Timing adjustable").
 *
 * The server signs a person out after SESSION_IDLE_TIMEOUT_SECONDS without a request, and after
 * SESSION_ABSOLUTE_TIMEOUT_SECONDS in all. This script opens the dialog in
 * templates/accounts/includes/session_timeout.html shortly before the nearer limit. "Stay signed
 * in" posts the dialog's form (with its CSRF token) to accounts:session_extend, which restarts the
 * idle clock and answers with the seconds now left. Near the total limit the dialog only warns.
 * When the time has run out, the page goes to the sign-in page, where the server says why.
 * All words are in the template, so they are translated with the rest of the page.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-session-timeout]");
  if (!root) {
    return;
  }
  var dialog = root.querySelector("dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var extendForm = root.querySelector("[data-session-timeout-extend]");
  var stayButton = root.querySelector("[data-session-timeout-stay]");
  var idleText = root.querySelector("[data-session-timeout-idle]");
  var absoluteText = root.querySelector("[data-session-timeout-absolute]");
  var closeGroup = root.querySelector("[data-session-timeout-close-group]");
  var closeButton = root.querySelector("[data-session-timeout-close]");
  var countdowns = root.querySelectorAll("[data-session-timeout-countdown]");
  var warningMs = Number(root.getAttribute("data-warning-seconds")) * 1000;
  var signedOutUrl = root.getAttribute("data-signed-out-url");
  var language = document.documentElement.lang || undefined;

  var idleDeadline = 0;
  var absoluteDeadline = 0;
  var warnTimer = null;
  var endTimer = null;
  var tickTimer = null;
  var focusBefore = null;
  var finalWarning = false;

  function unitFormat(unit) {
    try {
      return new Intl.NumberFormat(language, { style: "unit", unit: unit, unitDisplay: "long" });
    } catch (error) {
      return null;
    }
  }
  var minutesFormat = unitFormat("minute");
  var secondsFormat = unitFormat("second");

  function timeLeftText(milliseconds) {
    var seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutesFormat ? minutesFormat.format(minutes) : String(minutes) + " min";
    }
    return secondsFormat ? secondsFormat.format(seconds) : String(seconds) + " s";
  }

  function nearestDeadline() {
    return Math.min(idleDeadline, absoluteDeadline);
  }

  function tick() {
    var text = timeLeftText(nearestDeadline() - Date.now());
    for (var i = 0; i < countdowns.length; i += 1) {
      countdowns[i].textContent = text;
    }
  }

  function clearTimers() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(tickTimer);
  }

  function schedule(idleSecondsLeft, absoluteSecondsLeft) {
    clearTimers();
    var now = Date.now();
    idleDeadline = now + idleSecondsLeft * 1000;
    absoluteDeadline = now + absoluteSecondsLeft * 1000;
    var deadline = nearestDeadline();
    warnTimer = window.setTimeout(warn, Math.max(0, deadline - warningMs - now));
    // A second after the server's limit, so the server has certainly signed the session out.
    endTimer = window.setTimeout(timedOut, Math.max(0, deadline - now) + 1000);
  }

  function warn() {
    finalWarning = absoluteDeadline <= idleDeadline;
    idleText.hidden = finalWarning;
    absoluteText.hidden = !finalWarning;
    extendForm.hidden = finalWarning;
    closeGroup.hidden = !finalWarning;
    tick();
    tickTimer = window.setInterval(tick, 1000);
    if (!dialog.open) {
      focusBefore = document.activeElement;
      dialog.showModal();
    }
    (finalWarning ? closeButton : stayButton).focus();
  }

  function closeDialog() {
    window.clearInterval(tickTimer);
    if (dialog.open) {
      dialog.close();
    }
    if (focusBefore && typeof focusBefore.focus === "function") {
      focusBefore.focus();
    }
    focusBefore = null;
  }

  function timedOut() {
    clearTimers();
    window.location.assign(signedOutUrl);
  }

  function staySignedIn() {
    stayButton.disabled = true;
    window
      .fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("session not extended");
        }
        return response.json();
      })
      .then(function (data) {
        stayButton.disabled = false;
        closeDialog();
        schedule(data.idle_seconds_left, data.absolute_seconds_left);
      })
      .catch(function () {
        // Signed out already, or offline: the plain form post shows what happened.
        extendForm.submit();
      });
  }

  extendForm.addEventListener("submit", function (event) {
    if (typeof window.fetch !== "function" || typeof FormData === "undefined") {
      return;
    }
    event.preventDefault();
    staySignedIn();
  });

  closeButton.addEventListener("click", closeDialog);

  // Escape: near the idle limit it means "I am here", so it keeps the person signed in.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (finalWarning) {
      closeDialog();
    } else {
      staySignedIn();
    }
  });

  schedule(
    Number(root.getAttribute("data-idle-seconds-left")),
    Number(root.getAttribute("data-absolute-seconds-left"))
  );
})();
