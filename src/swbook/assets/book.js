// The book's behaviour: fold the sidebar on a phone and search the index that the
// post-render step writes. No network requests. (Each chart draws itself: see swsurveys.charts.)
(function () {
  "use strict";

  function sidebarToggle() {
    var button = document.querySelector(".nav-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!button || !sidebar) { return; }
    button.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function root() {
    var css = document.querySelector('link[rel="stylesheet"][href$="assets/book.css"]');
    return css ? css.getAttribute("href").replace(/assets\/book\.css$/, "") : "";
  }

  function search() {
    var input = document.getElementById("search-input");
    if (!input) { return; }
    var form = input.form;
    var list = document.createElement("ul");
    list.className = "search-results";
    list.hidden = true;
    list.setAttribute("aria-live", "polite");
    form.appendChild(list);
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") { list.hidden = true; } });

    function run() {
      var query = input.value.trim().toLowerCase();
      list.innerHTML = "";
      if (query.length < 2 || !window.SWBOOK_SEARCH) { list.hidden = true; return; }
      var words = query.split(/\s+/);
      var hits = window.SWBOOK_SEARCH.filter(function (entry) {
        var text = (entry.title + " " + entry.section + " " + entry.text).toLowerCase();
        return words.every(function (word) { return text.indexOf(word) >= 0; });
      }).slice(0, 12);
      hits.forEach(function (entry) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root() + entry.url;
        link.textContent = entry.section ? entry.title + ": " + entry.section : entry.title;
        var excerpt = document.createElement("p");
        var at = entry.text.toLowerCase().indexOf(words[0]);
        excerpt.textContent = (at > 60 ? "…" : "") + entry.text.substring(Math.max(0, at - 60), at + 140) + "…";
        item.appendChild(link);
        item.appendChild(excerpt);
        list.appendChild(item);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.textContent = "No matches.";
        list.appendChild(none);
      }
      list.hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () { sidebarToggle(); search(); });
})();
