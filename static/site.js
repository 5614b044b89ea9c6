// Timeline filter. The page is complete without JavaScript; this only hides entries.
(function () {
  "use strict";
  // On a timeline split by year, the company chosen follows the links between its landing and parts.
  function carry(company) {
    Array.prototype.forEach.call(document.querySelectorAll(".page-timeline .parts-table a, .page-timeline .parts-nav a"), function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (company) url.searchParams.set("company", company); else url.searchParams.delete("company");
      link.href = url.href;
    });
  }
  var form = document.querySelector(".timeline-filter");
  if (!form) {
    var chosen = new URLSearchParams(window.location.search).get("company");
    if (chosen && /^[a-z0-9-]+$/.test(chosen)) carry(chosen);
    return;
  }
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
    // A company with nothing in this period is not among its choices: it is still carried to the others.
    var kept = company || (absent && !changed ? absent : "");
    if (kept && !company) status.textContent = "The company chosen has nothing in this period: every entry is shown.";
    carry(kept);
    var url = new URL(window.location.href);
    if (kept) url.searchParams.set("company", kept); else url.searchParams.delete("company");
    if (url.protocol !== "file:") window.history.replaceState(null, "", url.toString());
  }

  var wanted = new URLSearchParams(window.location.search).get("company");
  var absent = null, changed = false;
  if (wanted && /^[a-z0-9-]+$/.test(wanted)) {
    if (select.querySelector('option[value="' + wanted + '"]')) select.value = wanted; else absent = wanted;
  }
  form.hidden = false;
  form.addEventListener("change", function () { changed = true; apply(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
