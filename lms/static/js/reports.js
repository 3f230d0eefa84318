// HR reports: the appraisal record's print button (no inline handlers: the CSP allows files only).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
