// Behaviour without inline scripts (the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // htmx sends the CSRF token on every request.
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // Forms and buttons that ask before acting: data-confirm="...".
  document.body.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Select-all checkbox for bulk actions in dense tables.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll(box.getAttribute("data-select-all")).forEach(function (row) { row.checked = box.checked; });
    });
  });
  // A module's tab row scrolls sideways on a phone: bring the current tab into view.
  document.querySelectorAll(".nav-tabs.overflow-auto .nav-link.active").forEach(function (tab) {
    var row = tab.closest(".nav-tabs");
    row.scrollLeft = tab.offsetLeft - row.offsetLeft - 16;
  });
  // Selects that submit their form on change (filters).
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // htmx drops 4xx responses; elements marked data-show-refusal swap a 403's message in instead.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 403 && elt && elt.closest("[data-show-refusal]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
});
