// The query page: fill the editor from the examples menu; Ctrl+Enter runs the query.
// Served by the app itself (no CDN), so the page works offline.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var menu = document.getElementById("examples");
  var queries = JSON.parse(document.getElementById("example-queries").textContent || "[]");
  if (menu) {
    menu.addEventListener("change", function () {
      if (menu.value !== "") {
        editor.value = queries[Number(menu.value)];
        editor.focus();
      }
    });
  }
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.submit();
    }
    if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
    }
  });
  // Long queries do not fit in a URL: send them as a POST form instead.
  form.addEventListener("submit", function () {
    form.method = editor.value.length > 6000 ? "post" : "get";
  });
})();
