// The search page: Pagefind's default UI over the index in pagefind/, searching for ?q= at once.
// search.html sits at the site root, so the root is the page's own folder: result links work at a
// domain root and under a project path such as /repo/ without a rebuild.
(function () {
  "use strict";
  var host = document.getElementById("search");
  if (!host) return;

  // Pagefind fetches its index, which browsers refuse from file://: say so, and load nothing.
  if (window.location.protocol === "file:") {
    document.getElementById("search-offline").hidden = false;
    return;
  }

  var root = new URL(".", window.location.href);
  var bundle = new URL("pagefind/", root);
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();

  function start() {
    var ui = new window.PagefindUI({
      element: "#search",
      bundlePath: bundle.pathname,
      baseUrl: root.pathname,
      showImages: false,
      showSubResults: true,
      debounceTimeoutMs: 0,
      noWorker: true, // a small index searches in a blink on the main thread, with no worker to start
    });
    // Pagefind's box has only a title and a placeholder: name it by the page's heading, a visible label.
    var input = host.querySelector(".pagefind-ui__search-input");
    if (input) input.setAttribute("aria-labelledby", "search-heading");
    if (query) ui.triggerSearch(query);
    // Keep ?q= in step with the box, so that the address can be shared and Back returns to the results.
    host.addEventListener("input", function (event) {
      if (!event.target.matches("input[type=text], input[type=search]")) return;
      var url = new URL(window.location.href);
      if (event.target.value) url.searchParams.set("q", event.target.value);
      else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
    });
  }

  var script = document.createElement("script");
  script.src = new URL("pagefind-ui.js", bundle).href;
  script.onerror = function () {
    document.getElementById("search-failed").hidden = false;
  };
  script.onload = start;
  document.head.appendChild(script);
})();
