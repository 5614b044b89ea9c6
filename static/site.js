// Timeline filter. The page is complete without JavaScript; this only hides entries.
(function () {
  "use strict";
  var form = document.querySelector(".timeline-filter");
  if (!form) return;
  var select = form.querySelector("select[name=company]");
  var kinds = Array.prototype.slice.call(form.querySelectorAll("input[name=kind]"));
  var status = form.querySelector(".filter-status");
  var entries = Array.prototype.slice.call(document.querySelectorAll(".tl-entry"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".tl-period, .tl-year"));

  function apply() {
    var company = select.value;
    var shown = kinds.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    var visible = 0;
    entries.forEach(function (entry) {
      var companies = (entry.getAttribute("data-companies") || "").split(" ");
      var show = shown.indexOf(entry.getAttribute("data-kind")) >= 0 && (!company || companies.indexOf(company) >= 0);
      entry.hidden = !show;
      if (show) visible += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".tl-entry:not([hidden])");
    });
    var name = company ? select.options[select.selectedIndex].text : "";
    status.textContent = (company || shown.length < kinds.length)
      ? visible + " of " + entries.length + " entries shown" + (name ? " for " + name : "") + "."
      : "";
    var url = new URL(window.location.href);
    if (company) url.searchParams.set("company", company); else url.searchParams.delete("company");
    if (url.protocol !== "file:") window.history.replaceState(null, "", url.toString());
  }

  var wanted = new URLSearchParams(window.location.search).get("company");
  if (wanted && select.querySelector('option[value="' + wanted.replace(/[^a-z0-9-]/g, "") + '"]')) select.value = wanted;
  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
