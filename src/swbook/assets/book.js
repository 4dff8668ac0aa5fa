// The book's behaviour, all of it local (no network requests, works from file://):
// - fold the sidebar on a phone;
// - search the index the post-render step writes (assets/search-index.js), ranked by MiniSearch;
// - reader tools: a "#" permalink on every heading, figure and table; PNG and SVG downloads and
//   "Cite" text for every figure; CSV download and sortable columns for every table;
// - printing: Table toggles open while the page prints.
// (Each chart draws itself: see swsurveys.charts.)
(function () {
  "use strict";

  var BOOK = function () {
    var title = document.querySelector(".site-title");
    return title ? title.textContent.trim() : document.title;
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Text of a node as a reader sees it, leaving out the "#" links this script adds.
  function plainText(node) {
    var copy = node.cloneNode(true);
    copy.querySelectorAll(".anchor-link").forEach(function (link) { link.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function save(href, name) {
    var link = element("a", { href: href, download: name });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    save(url, name);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);   // let the download start first
  }

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

  // ------------------------------------------------------------------ permalinks

  function addAnchor(holder, id, what) {
    if (!holder || !id || holder.querySelector(".anchor-link")) { return; }
    holder.appendChild(element("a", { "class": "anchor-link", href: "#" + id, "aria-label": "Link to this " + what }, "#"));
  }

  function anchors() {
    var main = document.getElementById("main");
    if (!main) { return; }
    main.querySelectorAll("section[id] > h2, section[id] > h3, section[id] > h4").forEach(function (heading) {
      addAnchor(heading, heading.parentNode.id, "section");
    });
    main.querySelectorAll(".sw-figure[id] > .figure-caption").forEach(function (caption) {
      addAnchor(caption.querySelector("p") || caption, caption.parentNode.id, "figure");
    });
    main.querySelectorAll("table[id] > caption").forEach(function (caption) {
      addAnchor(caption, caption.parentNode.id, "table");
    });
  }

  // A link to a table inside a closed Table toggle opens the toggle.
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var closed = target.closest("details:not([open])");
    if (closed) { closed.open = true; target.scrollIntoView(); }
  }

  // ------------------------------------------------------------------ figures

  function pageAddress(id) {
    return location.href.replace(/[?#].*$/, "") + "#" + id;
  }

  function today() {
    return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  function figureTitle(figure) {
    var caption = figure.querySelector(".figure-caption");
    return caption ? plainText(caption) : "";
  }

  // Lines of `text` no wider than `width` pixels in the canvas font `font`.
  function wrapText(text, font, width) {
    var context = document.createElement("canvas").getContext("2d");
    context.font = font;
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && context.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  var TITLE_FONT = "bold 15px Arial, Helvetica, sans-serif", NOTE_FONT = "11px Arial, Helvetica, sans-serif";
  var TITLE_LINE = 20, NOTE_LINE = 15, MARGIN = 10;

  // The figure's chart as vega draws it for export, in a host as wide as the book's column:
  // vega's own view.toSVG()/toCanvas() from the spec the page carries (no network).
  function exportView(chart, make) {
    var spec = document.querySelector('script.sw-spec[data-for="' + chart.id + '"]');
    if (!spec || !window.swVega) { return Promise.reject(new Error("the chart's specification is missing")); }
    return window.swVega.then(function () {
      var host = element("div", { "aria-hidden": "true", style: "position:absolute;left:-10000px;top:0;width:720px" });
      document.body.appendChild(host);
      return window.vegaEmbed(host, JSON.parse(spec.textContent), { renderer: "none", actions: false })
        .then(function (result) {
          return make(result.view).then(function (made) { result.finalize(); host.remove(); return made; });
        });
    });
  }

  // Title above and source note and address below the chart, as a publisher's chart download carries them.
  function framing(figure, width) {
    var note = figure.querySelector(".source-note");
    var notes = (note ? plainText(note) + " " : "") + "From " + BOOK() + ": " + pageAddress(figure.id);
    return { title: wrapText(figureTitle(figure), TITLE_FONT, width - 2 * MARGIN),
             note: wrapText(notes, NOTE_FONT, width - 2 * MARGIN) };
  }

  function escapeXml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function downloadSvg(figure, chart) {
    return exportView(chart, function (view) { return view.toSVG(); }).then(function (svg) {
      var size = /<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"/.exec(svg);
      var width = Math.max(size ? parseFloat(size[1]) : 600, 400) + 2 * MARGIN, height = size ? parseFloat(size[2]) : 400;
      var text = framing(figure, width);
      var top = MARGIN + text.title.length * TITLE_LINE + 6, bottom = text.note.length * NOTE_LINE + MARGIN + 6;
      var lines = function (list, y0, step, attributes) {
        return list.map(function (line, i) {
          return '<text x="' + MARGIN + '" y="' + (y0 + i * step) + '" ' + attributes + ">" + escapeXml(line) + "</text>";
        }).join("");
      };
      var out = '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + (top + height + bottom) +
        '" viewBox="0 0 ' + width + " " + (top + height + bottom) + '">' +
        '<rect width="100%" height="100%" fill="white"/>' +
        lines(text.title, MARGIN + 15, TITLE_LINE, 'font-family="Arial, Helvetica, sans-serif" font-size="15" font-weight="bold" fill="#0b0c0c"') +
        '<g transform="translate(' + MARGIN + "," + top + ')">' + svg + "</g>" +
        lines(text.note, top + height + 6 + 11, NOTE_LINE, 'font-family="Arial, Helvetica, sans-serif" font-size="11" fill="#3d3d3d"') +
        "</svg>";
      saveBlob(new Blob([out], { type: "image/svg+xml" }), figure.id + ".svg");
    });
  }

  function downloadPng(figure, chart) {
    var scale = 2;
    return exportView(chart, function (view) { return view.toCanvas(scale); }).then(function (canvas) {
      var width = Math.max(canvas.width / scale, 400) + 2 * MARGIN;
      var text = framing(figure, width);
      var top = MARGIN + text.title.length * TITLE_LINE + 6, bottom = text.note.length * NOTE_LINE + MARGIN + 6;
      var out = element("canvas");
      out.width = width * scale;
      out.height = (top + canvas.height / scale + bottom) * scale;
      var context = out.getContext("2d");
      context.scale(scale, scale);
      context.fillStyle = "#fff";
      context.fillRect(0, 0, out.width, out.height);
      context.fillStyle = "#0b0c0c";
      context.font = TITLE_FONT;
      text.title.forEach(function (line, i) { context.fillText(line, MARGIN, MARGIN + 15 + i * TITLE_LINE); });
      context.drawImage(canvas, MARGIN, top, canvas.width / scale, canvas.height / scale);
      context.fillStyle = "#3d3d3d";
      context.font = NOTE_FONT;
      text.note.forEach(function (line, i) { context.fillText(line, MARGIN, top + canvas.height / scale + 17 + i * NOTE_LINE); });
      return new Promise(function (done) {
        out.toBlob(function (blob) { saveBlob(blob, figure.id + ".png"); done(); }, "image/png");
      });
    });
  }

  function citation(figure) {
    return "\u201c" + figureTitle(figure) + "\u201d. In: " + BOOK() + ". " + pageAddress(figure.id) +
      " (accessed " + today() + ").";
  }

  function figureTools() {
    document.querySelectorAll(".sw-figure[id]").forEach(function (figure) {
      var tools = figure.querySelector(".figure-tools");
      var chart = figure.querySelector(".sw-chart[id]");
      if (!tools || !chart) { return; }
      var downloads = tools.querySelector(".figure-downloads") || tools;
      var data = downloads.querySelector(".figure-data");
      [["png", "Image (PNG)", downloadPng], ["svg", "Image (SVG)", downloadSvg]].forEach(function (kind) {
        var button = element("button", { type: "button", "class": "figure-image", "data-format": kind[0] }, kind[1]);
        button.addEventListener("click", function () {
          button.disabled = true;
          kind[2](figure, chart).catch(function (error) {
            button.textContent = kind[1] + ": could not be made (" + error.message + ")";
          }).then(function () { button.disabled = false; });
        });
        downloads.insertBefore(button, data);
      });
      var cite = element("details", { "class": "figure-cite" });
      cite.appendChild(element("summary", {}, "Cite"));
      var text = element("p", { "class": "cite-text" });
      var copy = element("button", { type: "button", "class": "cite-copy" }, "Copy");
      cite.addEventListener("toggle", function () { text.textContent = citation(figure); });
      copy.addEventListener("click", function () {
        var done = function () { copy.textContent = "Copied"; };
        if (navigator.clipboard) {
          navigator.clipboard.writeText(text.textContent).then(done, function () { window.getSelection().selectAllChildren(text); });
        } else {
          window.getSelection().selectAllChildren(text);
        }
      });
      cite.appendChild(text);
      cite.appendChild(copy);
      tools.insertBefore(cite, tools.querySelector(".figure-table"));
    });
  }

  // ------------------------------------------------------------------ tables

  // A cell's value for sorting: a number when it reads as one ("1,153", "45%", "n = 12", "-3.5"), else text.
  function sortKey(cell) {
    var text = plainText(cell);
    var number = /^[^\d\-+.]*([-+]?\d[\d,]*(\.\d+)?)/.exec(text.replace(/^n\s*=\s*/, ""));
    return number && text.length < 40 ? { number: parseFloat(number[1].replace(/,/g, "")), text: text } : { text: text };
  }

  function compare(a, b) {
    if (a.number !== undefined && b.number !== undefined) { return a.number - b.number; }
    if (a.number !== undefined) { return -1; }   // numbers before words ("no value")
    if (b.number !== undefined) { return 1; }
    return a.text.localeCompare(b.text, "en-GB", { numeric: true, sensitivity: "base" });
  }

  function sortable(table) {
    var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var body = table.tBodies[0];
    if (!head || !body || body.rows.length < 2) { return; }
    var original = Array.prototype.slice.call(body.rows);
    Array.prototype.forEach.call(head.cells, function (th, column) {
      var button = element("button", { type: "button", "class": "sort-button" });
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = original.map(function (row, i) { return { row: row, i: i, key: sortKey(row.cells[column] || row) }; });
        keyed.sort(function (a, b) { return (ascending ? compare(a.key, b.key) : compare(b.key, a.key)) || a.i - b.i; });
        keyed.forEach(function (entry) { body.appendChild(entry.row); });
      });
    });
  }

  // A text cell a spreadsheet would run as a formula gets a leading apostrophe (as the published CSVs do).
  function csvCell(text) {
    if (/^[=+\-@\t\r]/.test(text) && text !== "-" && !/^[-+]?\d[\d,]*(\.\d+)?%?$/.test(text)) { text = "'" + text; }
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function tableCsv(table) {
    var head = table.tHead ? [table.tHead.rows[table.tHead.rows.length - 1]] : [];
    var rows = head.concat(Array.prototype.slice.call(table.tBodies[0] ? table.tBodies[0].rows : []));
    return rows.map(function (row) {
      return Array.prototype.map.call(row.cells, function (cell) { return csvCell(plainText(cell)); }).join(",");
    }).join("\n") + "\n";
  }

  function tableTools() {
    var main = document.getElementById("main");
    if (!main) { return; }
    main.querySelectorAll("table").forEach(function (table, n) {
      if (!table.tBodies[0] || !table.tBodies[0].rows.length) { return; }
      sortable(table);
      var name = (table.id || "table-" + (n + 1)) + ".csv";
      var tools = element("p", { "class": "table-tools" });
      var button = element("button", { type: "button", "class": "table-csv" }, "Download this table (CSV)");
      button.addEventListener("click", function () {
        saveBlob(new Blob(["\ufeff" + tableCsv(table)], { type: "text/csv;charset=utf-8" }), name);
      });
      tools.appendChild(button);
      table.parentNode.insertBefore(tools, table.nextSibling);
    });
  }

  // ------------------------------------------------------------------ search

  var SHOWN = 10;   // results listed at first; "Show all" lists the rest

  // Chapter titles outweigh section headings, which outweigh figure and table captions, which
  // outweigh running text: a chapter named for the words searched comes first, then sections
  // headed by them, then sections whose figures or tables are about them, then the rest.
  function buildIndex(entries) {
    var index = new window.MiniSearch({
      fields: ["chapter", "heading", "captions", "context", "text"],
      storeFields: ["url", "title", "section", "text"],
      extractField: function (entry, field) {
        if (field === "id") { return entry.url; }
        if (field === "chapter") { return entry.section ? "" : entry.title; }   // the chapter's own entry
        if (field === "heading") { return entry.section.replace(/^[\d.]+\s+/, ""); }
        if (field === "context") { return entry.section ? entry.title : ""; }  // a section's chapter
        return entry[field] || "";
      },
      searchOptions: {
        boost: { chapter: 8, heading: 3, captions: 1.5, context: 0.5, text: 1 },
        prefix: function (term) { return term.length > 2; },
        fuzzy: function (term) { return term.length > 5 ? 0.2 : false; },
        combineWith: "AND"
      }
    });
    index.addAll(entries);
    return index;
  }

  function highlight(target, text, pattern) {
    var at = 0;
    text.replace(pattern, function (match) {
      var offset = arguments[arguments.length - 2];   // after the groups' arguments
      target.appendChild(document.createTextNode(text.slice(at, offset)));
      target.appendChild(element("mark", {}, match));
      at = offset + match.length;
      return match;
    });
    target.appendChild(document.createTextNode(text.slice(at)));
  }

  function excerpt(text, pattern) {
    pattern.lastIndex = 0;
    var found = pattern.exec(text);
    var at = found ? found.index : 0;
    var start = Math.max(0, at - 60);
    if (start > 0) { start = text.indexOf(" ", start) + 1 || start; }
    return (start > 0 ? "\u2026" : "") + text.substr(start, 200) + (start + 200 < text.length ? "\u2026" : "");
  }

  function search() {
    var input = document.getElementById("search-input");
    if (!input) { return; }
    var form = input.form;
    var panel = element("div", { "class": "search-results", id: "search-results" });
    panel.hidden = true;
    var status = element("p", { "class": "search-status", role: "status" });
    var list = element("ol", { "class": "search-list" });
    var more = element("button", { type: "button", "class": "search-more" });
    panel.appendChild(status);
    panel.appendChild(list);
    panel.appendChild(more);
    form.appendChild(panel);
    input.setAttribute("aria-controls", "search-results");
    var index = null, results = [], pattern = null;

    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") { panel.hidden = true; } });
    more.addEventListener("click", function () { show(results.length); list.children[SHOWN] && list.children[SHOWN].querySelector("a").focus(); });
    document.addEventListener("click", function (event) { if (!form.contains(event.target)) { panel.hidden = true; } });

    function run() {
      var query = input.value.trim();
      if (query.length < 2 || !window.SWBOOK_SEARCH || !window.MiniSearch) { panel.hidden = true; return; }
      index = index || buildIndex(window.SWBOOK_SEARCH);
      results = index.search(query);
      if (!results.length) { results = index.search(query, { combineWith: "OR" }); }   // some words, if not all
      var terms = {};
      results.forEach(function (result) { result.terms.forEach(function (term) { terms[term] = true; }); });
      query.toLowerCase().split(/[\s\p{P}]+/u).forEach(function (word) { if (word.length > 1) { terms[word] = true; } });
      var words = Object.keys(terms).sort(function (a, b) { return b.length - a.length; })
        .map(function (term) { return term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
      pattern = words.length ? new RegExp("(?<![\\p{L}\\p{N}])(" + words.join("|") + ")", "giu") : /$^/g;
      show(Math.min(SHOWN, results.length));
    }

    function show(count) {
      list.innerHTML = "";
      status.textContent = results.length ? (results.length === 1 ? "1 result" : results.length + " results") +
        (count < results.length ? ", best " + count + " shown" : "") : "No matches.";
      results.slice(0, count).forEach(function (result) {
        var item = element("li");
        var link = element("a", { href: root() + result.url });
        highlight(link, result.title, pattern);
        if (result.section) {
          link.appendChild(document.createTextNode(" \u203a "));
          highlight(link, result.section, pattern);
        }
        var text = element("p");
        highlight(text, excerpt(result.text, pattern), pattern);
        item.appendChild(link);
        item.appendChild(text);
        list.appendChild(item);
      });
      more.hidden = count >= results.length;
      more.textContent = "Show all " + results.length + " results";
      panel.hidden = false;
    }
  }

  // ------------------------------------------------------------------ printing

  // Table toggles print open (book.css does it where the browser knows ::details-content; this, elsewhere).
  function printing() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
        d.open = true;
        return true;
      });
    });
    window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sidebarToggle();
    anchors();
    figureTools();
    tableTools();
    search();
    printing();
    revealTarget();
    window.addEventListener("hashchange", revealTarget);
  });
})();
