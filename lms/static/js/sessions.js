// The roster's "select everyone" box. No inline scripts: the CSP allows only files from here.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-select-all]")) {
      return;
    }
    var form = box.closest("form");
    form.querySelectorAll("[data-roster-select]").forEach(function (row) {
      row.checked = box.checked;
    });
  });
})();
