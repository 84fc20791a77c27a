// Small enhancements; every page works without them.
(function () {
  "use strict";
  // Move keyboard and screen-reader focus to the error summary after a failed submit.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  // Offer the browser's own time zone on the registration form, if the list has it
  // and the person has not chosen one yet.
  var zone = document.querySelector("select#time_zone[data-suggest-browser-zone]");
  if (zone && window.Intl && Intl.DateTimeFormat) {
    var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var option = browserZone && zone.querySelector('option[value="' + browserZone + '"]');
    if (option) {
      zone.value = browserZone;
    }
  }
})();
