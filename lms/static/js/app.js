// Small behaviours shared by every page. No inline scripts: the CSP allows only files from here.
(function () {
  "use strict";

  // <form data-confirm="..."> asks before it submits (deactivate, reset password, delete).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
