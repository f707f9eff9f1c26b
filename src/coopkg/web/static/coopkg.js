// coopkg: label autocomplete for every input[data-autocomplete] (the header search box,
// the home and search pages, and any other page that opts in, e.g. the SPARQL query page).
// The attribute's value is the JSON search URL (/search.json). Choosing a suggestion opens
// its page; with data-autocomplete-insert="#textarea-id" it inserts <IRI> into that field instead.
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function insertAtCursor(field, text) {
    const start = field.selectionStart || 0;
    const end = field.selectionEnd || 0;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.selectionStart = field.selectionEnd = start + text.length;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }

  function attach(input) {
    const endpoint = input.getAttribute("data-autocomplete");
    const insertTarget = input.getAttribute("data-autocomplete-insert");
    const list = document.createElement("ul");
    list.className = "autocomplete";
    list.id = (input.id || "search") + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.appendChild(list);
    let items = [];
    let active = -1;
    let latest = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(result) {
      if (insertTarget) {
        const field = document.querySelector(insertTarget);
        if (field) { insertAtCursor(field, "<" + result.iri + ">"); }
        close();
        return;
      }
      window.location.href = result.href;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
    }

    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (result, i) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        const label = document.createElement("span");
        label.className = "ac-label";
        label.textContent = result.label;
        li.appendChild(label);
        const lang = document.documentElement.getAttribute("data-lang") === "en" ? "zh" : "en";
        const other = result.labels && result.labels[lang];
        if (other && other !== result.label) {
          const span = document.createElement("span");
          span.className = "ac-other";
          span.textContent = other;
          li.appendChild(span);
        }
        if (result.types && result.types.length) {
          const span = document.createElement("span");
          span.className = "ac-type";
          span.textContent = result.types[0].label;
          li.appendChild(span);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(result); });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
    }

    const lookup = debounce(function () {
      const q = input.value.trim();
      if (!q) { close(); return; }
      const ticket = ++latest;
      const url = endpoint + (endpoint.indexOf("?") >= 0 ? "&" : "?") + "limit=8&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (ticket === latest) { render(data.results || []); } })
        .catch(function () { close(); });
    }, 120);

    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete], textarea[data-autocomplete]").forEach(attach);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
