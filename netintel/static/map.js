(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("netintel-data").textContent);
  var N = D.nodes, E = D.edges, SVG = "http://www.w3.org/2000/svg";
  var highlight = new Set(D.highlight), MARGIN = 30;
  var api = window.netintel = { data: D, ready: false, view: null, drawn: 0 };

  function nodeObject(i) {
    var t = D.types[N.type[i]], c = N.community[i];
    var fill = c >= 0 ? D.communities[c].color : t.color, hl = highlight.has(i);
    return { id: i, label: N.label[i], title: N.title[i], x: N.x[i], y: N.y[i], shape: t.shape,
      size: N.size[i], borderWidth: hl ? 5 : 2, nType: N.type[i], community: c,
      color: { background: fill, border: hl ? "#000000" : t.color,
        highlight: { background: fill, border: "#000000" },
        hover: { background: fill, border: "#000000" } },
      font: hl ? { size: 18, bold: true } : undefined };
  }
  function edgeObject(k) {
    var r = D.relTypes[E.type[k]];
    return { id: k, from: E.from[k], to: E.to[k], width: E.width[k], title: E.title[k],
      dashes: r.dashed, color: { color: r.color, highlight: "#000000", hover: r.color,
        opacity: 0.75 } };
  }
  function overviewNodes() {
    var O = D.overview.nodes;
    return O.label.map(function (label, c) {
      var color = D.communities[c].color;
      return { id: "c" + c, community: c, label: label, title: O.title[c], x: O.x[c], y: O.y[c],
        shape: "dot", size: O.size[c], nType: -1,
        color: { background: color, border: "#333333",
          highlight: { background: color, border: "#000000" } } };
    });
  }
  function overviewEdges() {
    var O = D.overview.edges;
    return O.from.map(function (f, k) {
      return { id: "o" + k, from: "c" + f, to: "c" + O.to[k], width: O.width[k], title: O.title[k],
        color: { color: "#888888", opacity: 0.6 } };
    });
  }

  var byCommunity = null;
  if (D.overview) {
    byCommunity = D.communities.map(function () { return { nodes: [], edges: [] }; });
    N.id.forEach(function (_, i) { byCommunity[N.community[i]].nodes.push(i); });
    E.from.forEach(function (f, k) {
      var c = N.community[f];
      if (c === N.community[E.to[k]]) byCommunity[c].edges.push(k);
    });
  }

  function items(view) {
    if (view === "overview") return { nodes: overviewNodes(), edges: overviewEdges() };
    if (view === "all") {
      return { nodes: N.id.map(function (_, i) { return nodeObject(i); }),
        edges: E.from.map(function (_, k) { return edgeObject(k); }) };
    }
    var part = byCommunity[view];
    return { nodes: part.nodes.map(nodeObject), edges: part.edges.map(edgeObject) };
  }

  // fit the view to the precomputed positions before anything is drawn (one drawing, not two)
  function frame(ns) {
    if (!ns.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ns.forEach(function (n) {
      var r = n.size || 10;
      x0 = Math.min(x0, n.x - r); x1 = Math.max(x1, n.x + r);
      y0 = Math.min(y0, n.y - r); y1 = Math.max(y1, n.y + r + 20);
    });
    var box = document.getElementById("ni-net");
    // a margin of MARGIN screen pixels on every side, whatever the zoom
    var scale = Math.min((box.clientWidth - 2 * MARGIN) / Math.max(x1 - x0, 1),
      (box.clientHeight - 2 * MARGIN) / Math.max(y1 - y0, 1), 1.5);
    api.network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: scale,
      animation: false });
  }

  function load(view, first) {
    var it = items(view);
    if (!first) {
      nodes.clear(); edges.clear(); nodes.add(it.nodes); edges.add(it.edges);
    }
    api.view = view;
    document.getElementById("ni-back").style.display = D.overview && view !== "overview"
      ? "inline-block" : "none";
    var title = view === "overview" ? "overview: one node per community"
      : view === "all" ? "" : D.communities[view].name + " (community " + view + ")";
    document.getElementById("ni-view").textContent = title;
    frame(it.nodes);
    applyFilter();
    return it;
  }
  api.fit = function () { frame(nodes.get()); };

  function applyFilter() {
    var hiddenTypes = new Set(), comm = document.getElementById("ni-community").value;
    document.querySelectorAll("#ni-legend input[data-type]").forEach(function (box) {
      if (!box.checked) hiddenTypes.add(Number(box.getAttribute("data-type")));
    });
    var changes = [];
    nodes.forEach(function (n) {
      var hide = n.nType >= 0 && (hiddenTypes.has(n.nType) ||
        (comm !== "" && String(n.community) !== comm));
      if (Boolean(n.hidden) !== hide) changes.push({ id: n.id, hidden: hide });
    });
    if (changes.length) nodes.update(changes);
    stats();
  }

  function visibleCounts() {
    var shown = new Set();
    nodes.forEach(function (n) { if (!n.hidden) shown.add(n.id); });
    var m = 0;
    edges.forEach(function (e) { if (shown.has(e.from) && shown.has(e.to)) m += 1; });
    return { nodes: shown.size, edges: m };
  }
  api.visibleCounts = visibleCounts;

  function stats(extra) {
    var c = visibleCounts();
    document.getElementById("ni-stats").textContent = c.nodes + " nodes \u00b7 " + c.edges +
      " edges" + (extra ? " \u00b7 " + extra : "");
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) { api.network.unselectAll(); stats(); return []; }
    var hits = [];
    function matches(i) {  // the whole name (a label may be cut) or the id
      return String(N.name[i] || N.label[i]).toLowerCase().indexOf(q) >= 0 ||
        N.id[i].toLowerCase().indexOf(q) >= 0;
    }
    if (api.view === "overview") {
      var found = new Set();
      N.label.forEach(function (_, i) {
        if (matches(i)) {
          found.add("c" + N.community[i]);
        }
      });
      hits = Array.from(found);
    } else {
      nodes.forEach(function (n) {
        if (n.hidden) return;
        if (matches(n.id)) hits.push(n.id);
      });
    }
    api.network.selectNodes(hits);
    if (hits.length) api.network.fit({ nodes: hits, animation: false });
    stats(hits.length + " match" + (hits.length === 1 ? "" : "es"));
    return hits;
  }
  api.search = search;
  api.applyFilter = applyFilter;

  function shapeIcon(shape, color) {
    var svg = document.createElementNS(SVG, "svg"), el;
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var pts = { square: "2,2 12,2 12,12 2,12", triangle: "7,1 13,12 1,12",
      triangleDown: "1,2 13,2 7,13", diamond: "7,1 13,7 7,13 1,7",
      hexagon: "4,1 10,1 13,7 10,13 4,13 1,7",
      star: "7,1 8.8,5.2 13,5.5 9.8,8.4 10.8,12.8 7,10.5 3.2,12.8 4.2,8.4 1,5.5 5.2,5.2" };
    if (pts[shape]) {
      el = document.createElementNS(SVG, "polygon"); el.setAttribute("points", pts[shape]);
    } else {
      el = document.createElementNS(SVG, "circle"); el.setAttribute("cx", "7");
      el.setAttribute("cy", "7"); el.setAttribute("r", "6");
    }
    el.setAttribute("fill", color); el.setAttribute("stroke", "#333");
    svg.appendChild(el); return svg;
  }
  function lineIcon(color, dashed) {
    var svg = document.createElementNS(SVG, "svg"), el = document.createElementNS(SVG, "line");
    svg.setAttribute("width", "22"); svg.setAttribute("height", "10");
    el.setAttribute("x1", "1"); el.setAttribute("y1", "5"); el.setAttribute("x2", "21");
    el.setAttribute("y2", "5"); el.setAttribute("stroke", color);
    el.setAttribute("stroke-width", "3");
    if (dashed) el.setAttribute("stroke-dasharray", "4 3");
    svg.appendChild(el); return svg;
  }
  function row(parent, icon, text, count) {
    var div = document.createElement("div"); div.className = "row";
    if (icon) div.appendChild(icon);
    if (typeof text === "string") div.appendChild(document.createTextNode(text));
    else div.appendChild(text);
    if (count !== undefined) {
      var n = document.createElement("span"); n.className = "n"; n.textContent = count;
      div.appendChild(n);
    }
    parent.appendChild(div); return div;
  }
  function heading(parent, text) {
    var h = document.createElement("h2"); h.textContent = text; parent.appendChild(h);
  }

  function legend() {
    var L = document.getElementById("ni-legend");
    D.notes.forEach(function (t) {
      var p = document.createElement("div"); p.className = "note"; p.textContent = t;
      L.appendChild(p);
    });
    heading(L, "Node types");
    D.types.forEach(function (t, i) {
      var label = document.createElement("label"), box = document.createElement("input");
      box.type = "checkbox"; box.checked = true; box.setAttribute("data-type", String(i));
      box.addEventListener("change", applyFilter);
      label.appendChild(box); label.appendChild(shapeIcon(t.shape, t.color));
      label.appendChild(document.createTextNode(" " + t.name));
      row(L, null, label, t.count);
    });
    if (D.relTypes.length) {
      heading(L, "Relationships");
      D.relTypes.forEach(function (r) { row(L, lineIcon(r.color, r.dashed), r.name, r.count); });
    }
    if (D.communities.length) {
      heading(L, D.overview ? "Communities (open one)" : "Communities (node colour)");
      D.communities.slice(0, D.overview ? D.communities.length : 30).forEach(function (c, i) {
        var text;
        if (D.overview) {
          text = document.createElement("a"); text.href = "#community-" + i;
          text.textContent = c.name;
        } else {
          text = c.name;
        }
        row(L, shapeIcon("dot", c.color), text, c.size);
      });
      if (!D.overview && D.communities.length > 30) {
        row(L, null, "\u2026 " + (D.communities.length - 30) + " more");
      }
    }
    heading(L, "Size and width");
    row(L, null, D.size);
    row(L, null, D.width);
    if (D.directed) row(L, null, "arrows: direction of the relationship");
    if (highlight.size) row(L, null, "black border: highlighted");
  }

  function controls() {
    var sel = document.getElementById("ni-community");
    D.communities.forEach(function (c, i) {
      var o = document.createElement("option"); o.value = String(i);
      o.textContent = c.name + " (" + c.size + ")"; sel.appendChild(o);
    });
    if (!D.communities.length || D.overview) sel.style.display = "none";
    sel.addEventListener("change", applyFilter);
    var box = document.getElementById("ni-search"), timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer); timer = setTimeout(function () { search(box.value); }, 250);
    });
    box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") search(box.value); });
    document.getElementById("ni-reset").addEventListener("click", function () {
      box.value = ""; sel.value = "";
      document.querySelectorAll("#ni-legend input[data-type]").forEach(function (b) {
        b.checked = true;
      });
      applyFilter(); api.network.unselectAll(); api.fit();
    });
    document.getElementById("ni-back").addEventListener("click", function () {
      location.hash = "";
    });
  }

  function route() {
    if (!D.overview) return "all";
    var m = /^#community-(\d+)$/.exec(location.hash);
    return m && Number(m[1]) < D.communities.length ? Number(m[1]) : "overview";
  }

  legend();
  controls();
  var large = N.id.length > 2000;
  var options = {
    autoResize: true,
    physics: D.physics ? { enabled: true, stabilization: { iterations: 300 } } : { enabled: false },
    layout: { improvedLayout: false, randomSeed: 0 },
    nodes: { borderWidth: 2, font: { size: 14, face: "sans-serif" },
      scaling: { label: { drawThreshold: 7 } } },
    edges: { smooth: false, selectionWidth: 2,
      arrows: { to: { enabled: D.directed, scaleFactor: 0.5 } } },
    interaction: { hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large,
      hideEdgesOnZoom: large, multiselect: true, keyboard: false }
  };
  var start = route(), firstItems = items(start);
  var nodes = new vis.DataSet(firstItems.nodes), edges = new vis.DataSet(firstItems.edges);
  var network = new vis.Network(document.getElementById("ni-net"),
    { nodes: nodes, edges: edges }, options);
  api.network = network; api.nodes = nodes; api.edges = edges;
  network.on("afterDrawing", function () {
    api.drawn += 1;
    if (!api.ready) { api.ready = true; api.readyAt = performance.now(); }
  });
  network.on("doubleClick", function (p) {
    if (api.view === "overview" && p.nodes.length) {
      location.hash = "community-" + nodes.get(p.nodes[0]).community;
    }
  });
  // evidence panel: the records behind a clicked link, or behind a clicked node's links
  // (bounded by D.panelRecords, the rest counted); text only, never HTML from the data
  function evidence(title, rows, total) {
    var P = document.getElementById("ni-evidence");
    P.replaceChildren();
    var h = document.createElement("h2"); h.textContent = title; P.appendChild(h);
    var table = document.createElement("table"), head = document.createElement("tr");
    ["file", "row", "time", "values"].forEach(function (t) {
      var th = document.createElement("th"); th.textContent = t; head.appendChild(th);
    });
    table.appendChild(head);
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      r.forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    P.appendChild(table);
    var more = document.createElement("div"); more.className = "more";
    more.textContent = total > rows.length ? "\u2026 and " + (total - rows.length) + " more" :
      (rows.length ? "" : "no records");
    P.appendChild(more);
    P.hidden = false;
    api.evidence = { title: title, rows: rows, total: total };
  }
  function edgeTitle(k) {
    return N.label[E.from[k]] + (D.directed ? " \u2192 " : " \u2014 ") + N.label[E.to[k]];
  }
  api.showEdge = function (k) {
    evidence(edgeTitle(k) + " (" + E.recordCount[k] + " records)", E.records[k], E.recordCount[k]);
  };
  api.showNode = function (i) {
    var rows = [], total = 0;
    E.from.forEach(function (f, k) {
      if (f !== i && E.to[k] !== i) return;
      total += E.recordCount[k];
      E.records[k].forEach(function (r) { if (rows.length < D.panelRecords) rows.push(r); });
    });
    evidence(N.label[i] + " (" + total + " records on its links)", rows, total);
  };
  network.on("click", function (p) {
    var P = document.getElementById("ni-evidence");
    if (p.nodes.length && typeof p.nodes[0] === "number") api.showNode(p.nodes[0]);
    else if (p.edges.length && typeof p.edges[0] === "number") api.showEdge(p.edges[0]);
    else { P.hidden = true; api.evidence = null; }
  });
  load(start, true);
  window.addEventListener("hashchange", function () { load(route(), false); });
})();
