(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("netintel-data").textContent);
  var N = D.nodes, E = D.edges, SVG = "http://www.w3.org/2000/svg";
  var highlight = new Set(D.highlight), MARGIN = 30;
  // work surface state, by node index: hidden by hand, pinned, folded into a collapsed node
  var manualHidden = new Set(), pinned = new Set(), collapsed = new Map(), folded = new Set();
  var api = window.netintel = { data: D, ready: false, view: null, drawn: 0 };

  // a node's or link's look; "slim" (a view's first drawing) leaves out what the network's
  // own options already say (NODE_DEFAULTS, edgeDefaults), which vis-network then need not
  // parse object by object: on 100,000 links that is most of the time before the drawing.
  // Updates (restyle, paint) pass every field, as DataSet.update keeps the fields left out.
  var NODE_DEFAULTS = { borderWidth: 2, font: { size: 14, face: "sans-serif", color: "#343434" },
    fixed: { x: false, y: false }, shapeProperties: { borderDashes: false },
    scaling: { label: { drawThreshold: 7 } } };
  var common = (function () {  // the most frequent link type: the links' default look
    var n = D.relTypes.map(function () { return 0; }), best = 0;
    E.type.forEach(function (t) { n[t] += 1; });
    n.forEach(function (c, t) { if (c > n[best]) best = t; });
    return D.relTypes.length ? best : -1;
  })();
  function edgeColor(r) {
    return { color: r.color, highlight: "#000000", hover: r.color, opacity: 0.75, inherit: false };
  }
  var edgeDefaults = common >= 0 ? { color: edgeColor(D.relTypes[common]),
    dashes: D.relTypes[common].dashed } : {};
  function nodeObject(i, slim) {
    var t = D.types[N.type[i]], c = N.community[i];
    var fill = c >= 0 ? D.communities[c].color : t.color, hl = highlight.has(i);
    var pin = pinned.has(i), fold = collapsed.get(i);
    var o = { id: i, label: N.label[i] + (fold ? " +" + fold.length : ""), title: N.title[i],
      x: N.x[i], y: N.y[i], shape: t.shape, size: N.size[i], nType: N.type[i], community: c,
      color: { background: fill, border: hl ? "#000000" : pin ? "#c0392b" : t.color,
        highlight: { background: fill, border: "#000000" },
        hover: { background: fill, border: "#000000" } } };
    if (slim && !hl && !pin) return o;
    o.borderWidth = hl ? 5 : pin ? 4 : 2; o.onPath = false;
    o.fixed = { x: pin, y: pin }; o.shapeProperties = { borderDashes: pin ? [4, 3] : false };
    o.font = hl ? { size: 18, bold: true, color: "#343434" } : { color: "#343434" };
    return o;
  }
  function edgeObject(k, slim) {
    var t = E.type[k], r = D.relTypes[t];
    var o = { id: k, from: E.from[k], to: E.to[k], width: E.width[k], title: E.title[k] };
    if (slim && t === common) return o;
    o.dashes = r.dashed; o.onPath = false; o.color = edgeColor(r);
    return o;
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
        dashes: false, color: { color: "#888888", highlight: "#848484", hover: "#848484",
          opacity: 0.6, inherit: false } };
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
      return { nodes: N.id.map(function (_, i) { return nodeObject(i, true); }),
        edges: E.from.map(function (_, k) { return edgeObject(k, true); }) };
    }
    var part = byCommunity[view];
    return { nodes: part.nodes.map(function (i) { return nodeObject(i, true); }),
      edges: part.edges.map(function (k) { return edgeObject(k, true); }) };
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
    pathStale = true;  // the view's nodes were rebuilt: draw its path (if any) again
    applyFilter();
    return it;
  }
  api.fit = function () { frame(nodes.get()); };

  // timeline: a link is in the range [a, b] when one of its events is, or (its records not
  // all carried) when its [first, last] interval meets the range; links without a time stay
  var T = D.timeline, STEPS = 1000, BUCKETS = 60;
  function timeRange() {  // null: the whole time (nothing hidden by time)
    if (!T) return null;
    var lo = Number(document.getElementById("ni-tl-from").value);
    var hi = Number(document.getElementById("ni-tl-to").value);
    if (lo <= 0 && hi >= STEPS) return null;
    return [timeAt(lo, Math.floor), timeAt(hi, Math.ceil)];
  }
  // a step's time, inside the range to the minute shown (from: floor, to: ceil)
  function timeAt(step, round) {
    if (step <= 0) return T.min;
    if (step >= STEPS) return T.max;
    var t = round((T.min + (T.max - T.min) * step / STEPS) / 60000) * 60000;
    return Math.min(T.max, Math.max(T.min, t));
  }
  function linkInRange(k, a, b) {
    var ev = T.events[k];
    if (!ev.length) return true;
    for (var i = 0; i < ev.length; i += 1) { if (ev[i] >= a && ev[i] <= b) return true; }
    return !T.complete[k] && ev[0] <= b && ev[ev.length - 1] >= a;
  }

  function applyFilter() {
    var hiddenTypes = new Set(), comm = document.getElementById("ni-community").value;
    document.querySelectorAll("#ni-legend input[data-type]").forEach(function (box) {
      if (!box.checked) hiddenTypes.add(Number(box.getAttribute("data-type")));
    });
    var range = timeRange(), linked = new Map(), edgeChanges = [];
    edges.forEach(function (e) {  // overview links (ids "o..") are not filtered by time
      var hide = range !== null && typeof e.id === "number" && !linkInRange(e.id, range[0], range[1]);
      if (Boolean(e.hidden) !== hide) edgeChanges.push({ id: e.id, hidden: hide });
      [e.from, e.to].forEach(function (n) { linked.set(n, linked.get(n) === true || !hide); });
    });
    if (edgeChanges.length) edges.update(edgeChanges);
    var changes = [];
    nodes.forEach(function (n) {
      // a node whose links are all out of the time range goes; one that has none stays
      var hide = (n.nType >= 0 && (hiddenTypes.has(n.nType) ||
        (comm !== "" && String(n.community) !== comm))) || linked.get(n.id) === false ||
        manualHidden.has(n.id) || folded.has(n.id);
      if (Boolean(n.hidden) !== hide) changes.push({ id: n.id, hidden: hide });
    });
    if (changes.length) nodes.update(changes);
    timelineText(range);
    refreshPath();
    stats();
  }

  // a time as every time on the map reads (netintel.localtime.format_local, named): the
  // offset and label of the zone's period that holds it, from the payload, not the browser
  function localTime(ms) {  // e.g. "2023-05-02 02:10 CST (+08:00) Asia/Shanghai"
    var P = T.periods, p = P[0];
    for (var i = 1; i < P.length && P[i][0] <= ms; i += 1) p = P[i];
    var d = new Date(ms + p[1] * 60000);
    function two(x) { return (x < 10 ? "0" : "") + x; }
    return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " " + p[2];
  }
  api.localTime = localTime;

  function timelineText(range) {
    if (!T) return;
    var a = range ? range[0] : T.min, b = range ? range[1] : T.max;
    document.getElementById("ni-tl-range").textContent = localTime(a) + " \u2013 " + localTime(b);
    var timed = 0, shown = 0, untimed = 0;
    edges.forEach(function (e) {
      if (typeof e.id !== "number") return;  // an overview's links: no times of their own
      if (!T.events[e.id].length) { untimed += 1; return; }
      timed += 1;
      if (!e.hidden) shown += 1;
    });
    document.getElementById("ni-tl-count").textContent = api.view === "overview"
      ? "open a community to filter its links by time"
      : shown + " of " + timed + " timed links in range" + (untimed ? " \u00b7 " + untimed +
        (untimed === 1 ? " link" : " links") + " without a time always shown" : "");
    var bars = document.getElementById("ni-tl-bars").children;
    var w = (T.max - T.min) / bars.length;
    for (var i = 0; i < bars.length; i += 1) {  // a bar is dark when its bucket meets the range
      var b0 = T.min + i * w, b1 = i === bars.length - 1 ? T.max : b0 + w;
      bars[i].className = b1 >= a && b0 <= b ? "in" : "";
    }
  }

  function timeline() {
    if (!T) return;
    var box = document.getElementById("ni-timeline"), head = document.createElement("div");
    head.className = "head";
    var h = document.createElement("strong"); h.textContent = "Timeline"; head.appendChild(h);
    var label = document.createElement("span"); label.id = "ni-tl-range"; head.appendChild(label);
    var reset = document.createElement("button"); reset.type = "button"; reset.id = "ni-tl-reset";
    reset.textContent = "reset"; head.appendChild(reset);
    var count = document.createElement("span"); count.id = "ni-tl-count"; head.appendChild(count);
    box.appendChild(head);
    var strip = document.createElement("div"); strip.id = "ni-tl-strip";
    var bars = document.createElement("div"); bars.id = "ni-tl-bars";
    var n = T.max > T.min ? BUCKETS : 1, hist = new Array(n).fill(0), peak = 0;
    T.events.forEach(function (ev) {
      ev.forEach(function (t) {
        var i = n === 1 ? 0 : Math.min(n - 1, Math.floor((t - T.min) / (T.max - T.min) * n));
        hist[i] += 1;
      });
    });
    hist.forEach(function (c) { peak = Math.max(peak, c); });
    hist.forEach(function (c, i) {
      var bar = document.createElement("div");
      bar.style.height = (peak ? Math.round(100 * c / peak) : 0) + "%";
      var t0 = T.min + i * (T.max - T.min) / n;
      bar.title = c + " event" + (c === 1 ? "" : "s") + " from " + localTime(t0);
      bars.appendChild(bar);
    });
    strip.appendChild(bars);
    ["ni-tl-from", "ni-tl-to"].forEach(function (id, j) {
      var r = document.createElement("input"); r.type = "range"; r.id = id; r.min = "0";
      r.max = String(STEPS); r.step = "1"; r.value = j ? String(STEPS) : "0";
      r.setAttribute("aria-label", j ? "to" : "from");
      r.addEventListener("input", function () {  // the handles do not cross
        var lo = document.getElementById("ni-tl-from"), hi = document.getElementById("ni-tl-to");
        if (Number(lo.value) > Number(hi.value)) { if (j) hi.value = lo.value; else lo.value = hi.value; }
        applyFilter();
      });
      strip.appendChild(r);
    });
    box.appendChild(strip);
    var axis = document.createElement("div"); axis.id = "ni-tl-axis";
    [T.min, T.max].forEach(function (t) {
      var s = document.createElement("span"); s.textContent = localTime(t); axis.appendChild(s);
    });
    box.appendChild(axis);
    reset.addEventListener("click", resetTime);
    box.hidden = false;
  }
  function resetTime() {
    if (!T) return;
    document.getElementById("ni-tl-from").value = "0";
    document.getElementById("ni-tl-to").value = String(STEPS);
    applyFilter();
  }
  // set the range by slider steps (0..1000) as a person would, firing the input events
  api.setTimeSteps = function (lo, hi) {
    var a = document.getElementById("ni-tl-from"), b = document.getElementById("ni-tl-to");
    a.value = String(lo); a.dispatchEvent(new Event("input"));
    b.value = String(hi); b.dispatchEvent(new Event("input"));
  };
  api.resetTime = resetTime;
  api.timeRange = timeRange;

  function visibleCounts() {
    var shown = new Set();
    nodes.forEach(function (n) { if (!n.hidden) shown.add(n.id); });
    var m = 0;
    edges.forEach(function (e) {
      if (!e.hidden && shown.has(e.from) && shown.has(e.to)) m += 1;
    });
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
    box.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") return;
      clearTimeout(timer);
      var hits = search(box.value);
      // one match: as if it were clicked (picked by the path tool, or its records listed)
      if (hits.length === 1 && typeof hits[0] === "number") {
        if (pathMode) pathClick({ nodes: hits, edges: [] }); else api.showNode(hits[0]);
      }
    });
    document.getElementById("ni-reset").addEventListener("click", function () {
      box.value = ""; sel.value = "";
      document.querySelectorAll("#ni-legend input[data-type]").forEach(function (b) {
        b.checked = true;
      });
      if (T) resetTime(); else applyFilter();
      api.network.unselectAll(); api.fit();
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
  timeline();
  var large = N.id.length > 2000;
  var options = {
    autoResize: true,
    physics: D.physics ? { enabled: true, stabilization: { iterations: 300 } } : { enabled: false },
    layout: { improvedLayout: false, randomSeed: 0 },
    nodes: NODE_DEFAULTS,
    edges: Object.assign({ smooth: false, selectionWidth: 2 }, edgeDefaults, {
      arrows: { to: { enabled: D.directed, scaleFactor: 0.5 } } }),
    interaction: { hover: !large, tooltipDelay: 150, hideEdgesOnDrag: large,
      hideEdgesOnZoom: large, multiselect: true,
      keyboard: { enabled: true, bindToWindow: false, autoFocus: false } }
  };
  var start = route(), firstItems = items(start);
  var nodes = new vis.DataSet(firstItems.nodes), edges = new vis.DataSet(firstItems.edges);
  var network = new vis.Network(document.getElementById("ni-net"),
    { nodes: nodes, edges: edges }, options);
  api.network = network; api.nodes = nodes; api.edges = edges;
  (function () {  // the map itself takes focus (Tab): vis-network's keys pan and zoom
    var frame = document.querySelector("#ni-net .vis-network");
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", "network map: arrow keys pan, = or Page Up zooms in, - or" +
      " Page Down zooms out, Escape clears the selection and the path");
  })();
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
    recordTable(P, rows, total);
    P.hidden = false;
    roving(P);
    api.evidence = { title: title, rows: rows, total: total };
  }
  // the panel's paths and records are one Tab stop; arrows, Home and End move between them
  function panelItems(P) { return Array.from(P.querySelectorAll(".paths > div, tr.rec")); }
  function roving(P) {
    panelItems(P).forEach(function (el, j) { el.tabIndex = j ? -1 : 0; });
  }
  (function () {
    var P = document.getElementById("ni-evidence");
    P.addEventListener("keydown", function (ev) {
      var list = panelItems(P), j = list.indexOf(document.activeElement);
      if (j < 0 || !list.length) return;
      var k = { ArrowDown: j + 1, ArrowUp: j - 1, Home: 0, End: list.length - 1 }[ev.key];
      if (k === undefined) return;
      ev.preventDefault();
      k = Math.max(0, Math.min(list.length - 1, k));
      list[j].tabIndex = -1; list[k].tabIndex = 0; list[k].focus();
    });
    P.addEventListener("focusin", function (ev) {  // Tab comes back to the row last visited
      var list = panelItems(P);
      if (list.indexOf(ev.target) < 0) return;
      list.forEach(function (el) { el.tabIndex = el === ev.target ? 0 : -1; });
    });
  })();
  function recordTable(P, rows, total) {
    var table = document.createElement("table"), head = document.createElement("tr");
    ["file", "row", "time", "values"].forEach(function (t) {
      var th = document.createElement("th"); th.textContent = t; head.appendChild(th);
    });
    table.appendChild(head);
    rows.forEach(function (r) {
      var tr = document.createElement("tr"); tr.className = "rec";
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
    if (pathMode) { pathClick(p); return; }
    if (p.nodes.length && typeof p.nodes[0] === "number") api.showNode(p.nodes[0]);
    else if (p.edges.length && typeof p.edges[0] === "number") api.showEdge(p.edges[0]);
    else closePanel();
  });
  // ---- work surface: path tool, hide/show, pin, collapse/expand, undo, positions, PNG ----
  var undoStack = [], pathMode = false, pathFirst = null, PATH_COLOR = "#d62728";
  var DIM_NODE = "#e3e3e3", DIM_EDGE = "#e8e8e8", MAX_PATHS = 20, HOP_RECORDS = 5;
  api.path = null;
  // the path asked for (two nodes of a view) stays until cleared; what is drawn and listed
  // is recomputed whenever what is shown changes (timeline, filters, hide, collapse)
  var pathQuery = null, pathStale = false;
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many || one + "s"); }
  function say(text) { document.getElementById("ni-msg").textContent = text; api.message = text; }
  function restyle(i) {  // the node's own look, where it is (its position is not reset)
    var o = nodeObject(i); delete o.x; delete o.y; return o;
  }
  function done(label, undo) {
    undoStack.push({ label: label, undo: undo });
    document.getElementById("ni-undo").disabled = false;
    showCount();
  }
  function undo() {
    var a = undoStack.pop();
    if (!a) { say("nothing to undo"); return; }
    a.undo();
    document.getElementById("ni-undo").disabled = !undoStack.length;
    showCount();
    say("undone: " + a.label);
  }
  api.undo = undo;
  api.undoDepth = function () { return undoStack.length; };
  function showCount() {
    document.getElementById("ni-show").textContent = "show hidden (" + manualHidden.size + ")";
  }
  function selected() {
    return api.network.getSelectedNodes().filter(function (i) { return typeof i === "number"; });
  }
  function shownNode(i) { var n = nodes.get(i); return Boolean(n) && !n.hidden; }
  // the links the page shows: not hidden, both ends shown
  function shownEdges() {
    return edges.get().filter(function (e) {
      return typeof e.id === "number" && !e.hidden && shownNode(e.from) && shownNode(e.to);
    });
  }

  function setHidden(ids, hide) {
    ids.forEach(function (i) { if (hide) manualHidden.add(i); else manualHidden.delete(i); });
    applyFilter(); showCount();
  }
  api.hide = function (ids) {
    ids = (ids || selected()).filter(function (i) { return !manualHidden.has(i) && shownNode(i); });
    if (!ids.length) { say("select nodes to hide"); return; }
    api.network.unselectAll();
    setHidden(ids, true);
    done("hide", function () { setHidden(ids, false); });
    say("hidden: " + plural(ids.length, "node"));
  };
  api.showHidden = function () {
    var ids = Array.from(manualHidden);
    if (!ids.length) { say("nothing hidden"); return; }
    setHidden(ids, false);
    done("show hidden", function () { setHidden(ids, true); });
    say("shown again: " + plural(ids.length, "node"));
  };

  function present(i) { return nodes.get(i) !== null; }  // in the view (update would add it)
  function setPinned(ids, pin) {
    var pos = api.network.getPositions(ids);
    ids.forEach(function (i) { if (pin) pinned.add(i); else pinned.delete(i); });
    nodes.update(ids.filter(present).map(function (i) {
      var o = restyle(i);
      if (pos[i]) { o.x = pos[i].x; o.y = pos[i].y; }
      return o;
    }));
  }
  api.pin = function (ids) {
    ids = ids || selected();
    if (!ids.length) { say("select nodes to pin or unpin"); return; }
    var pin = !ids.every(function (i) { return pinned.has(i); }), was = ids.filter(function (i) {
      return pinned.has(i);
    });
    setPinned(ids, pin);
    done(pin ? "pin" : "unpin", function () { setPinned(ids, false); setPinned(was, true); });
    say((pin ? "pinned: " : "unpinned: ") + plural(ids.length, "node"));
  };

  // collapse: the shown neighbours whose every shown link goes to the node fold into it
  function leaves(v) {
    var links = new Map();
    shownEdges().forEach(function (e) {
      [[e.from, e.to], [e.to, e.from]].forEach(function (p) {
        if (!links.has(p[0])) links.set(p[0], new Set());
        links.get(p[0]).add(p[1]);
      });
    });
    return Array.from(links.get(v) || []).filter(function (u) {
      return u !== v && links.get(u).size === 1;
    }).sort(function (a, b) { return a - b; });
  }
  function setFold(v, kids) {
    var old = collapsed.get(v) || [];
    old.forEach(function (u) { folded.delete(u); });
    if (kids.length) collapsed.set(v, kids); else collapsed.delete(v);
    kids.forEach(function (u) { folded.add(u); });
    if (present(v)) nodes.update([restyle(v)]);
    applyFilter();
  }
  api.collapse = function (ids) {
    ids = ids || selected();
    var changed = [];
    ids.forEach(function (v) {
      var kids = leaves(v);
      if (!kids.length) return;
      var before = collapsed.get(v) || [];
      setFold(v, before.concat(kids));
      changed.push([v, before]);
    });
    if (!changed.length) { say("no leaf neighbours to collapse"); return; }
    done("collapse", function () {
      changed.slice().reverse().forEach(function (c) { setFold(c[0], c[1]); });
    });
    say("collapsed into " + plural(changed.length, "node"));
  };
  api.expand = function (ids) {
    ids = (ids || selected()).filter(function (v) { return collapsed.has(v); });
    if (!ids.length) { say("select a collapsed node (+N) to expand"); return; }
    var before = ids.map(function (v) { return [v, collapsed.get(v)]; });
    ids.forEach(function (v) { setFold(v, []); });
    done("expand", function () { before.forEach(function (c) { setFold(c[0], c[1]); }); });
    say("expanded " + plural(ids.length, "node"));
  };
  api.collapsedOf = function (v) { return (collapsed.get(v) || []).slice(); };

  // path tool: every shortest path between two nodes over the links shown, along the arrows
  // on a directed map; their nodes and links highlighted, the rest dimmed
  function bfs(s, adj) {
    var dist = new Map([[s, 0]]), queue = [s];
    for (var q = 0; q < queue.length; q += 1) {
      (adj.get(queue[q]) || []).forEach(function (x) {
        if (!dist.has(x.to)) { dist.set(x.to, dist.get(queue[q]) + 1); queue.push(x.to); }
      });
    }
    return dist;
  }
  function shortestPaths(a, b) {
    var fwd = new Map(), back = new Map();
    function add(m, u, v, k) { if (!m.has(u)) m.set(u, []); m.get(u).push({ to: v, edge: k }); }
    shownEdges().forEach(function (e) {
      add(fwd, e.from, e.to, e.id); add(back, e.to, e.from, e.id);
      if (!D.directed) { add(fwd, e.to, e.from, e.id); add(back, e.from, e.to, e.id); }
    });
    var ds = bfs(a, fwd), dt = bfs(b, back);
    if (!ds.has(b)) return null;
    var d = ds.get(b), onN = new Set(), onE = new Set();
    ds.forEach(function (x, v) { if (dt.has(v) && x + dt.get(v) === d) onN.add(v); });
    function next(u) {  // the steps from u that stay on a shortest path
      return (fwd.get(u) || []).filter(function (x) {
        return ds.get(u) + 1 + (dt.has(x.to) ? dt.get(x.to) : Infinity) === d && onN.has(u);
      });
    }
    var count = new Map();  // the number of shortest paths from a node to b
    function paths(u) {
      if (u === b) return 1;
      if (count.has(u)) return count.get(u);
      var n = 0;
      next(u).forEach(function (x) { onE.add(x.edge); n += paths(x.to); });
      count.set(u, n); return n;
    }
    var total = paths(a), listed = [];
    (function walk(u, steps) {
      if (listed.length >= MAX_PATHS) return;
      if (u === b) { listed.push(steps.slice()); return; }
      next(u).forEach(function (x) { steps.push(x); walk(x.to, steps); steps.pop(); });
    })(a, []);
    return { hops: d, total: total, nodes: onN, edges: onE, listed: listed };
  }
  function paint(path) {
    var onN = path ? new Set(path.nodes) : null, onE = path ? new Set(path.edges) : null;
    nodes.update(nodes.getIds().filter(function (i) { return typeof i === "number"; })
      .map(function (i) {
        var o = restyle(i);
        if (onN && onN.has(i)) {
          o.onPath = true; o.borderWidth = 5; o.color.border = PATH_COLOR;
          o.font = { size: 18, bold: true, color: "#000000" };
        } else if (onN) {
          o.color = { background: DIM_NODE, border: "#cccccc",
            highlight: { background: DIM_NODE, border: "#000000" } };
          o.font = { color: "#bbbbbb" };
        }
        return o;
      }));
    edges.update(edges.getIds().filter(function (k) { return typeof k === "number"; })
      .map(function (k) {
        var o = edgeObject(k);
        if (onE && onE.has(k)) {
          o.onPath = true; o.width = E.width[k] + 4;
          o.color = { color: PATH_COLOR, highlight: PATH_COLOR, hover: PATH_COLOR, opacity: 1 };
        } else if (onE) {
          o.color = { color: DIM_EDGE, highlight: "#000000", hover: DIM_EDGE, opacity: 1 };
        }
        return o;
      }));
  }
  // draw the path only in the view it was asked in; any other view is drawn plain
  function setPath(path) { api.path = path; paint(path && path.view === api.view ? path : null); }
  function pathOf(res, q) {
    return res ? { from: q.from, to: q.to, view: q.view, nodes: Array.from(res.nodes)
      .sort(function (x, y) { return x - y; }), edges: Array.from(res.edges)
      .sort(function (x, y) { return x - y; }), total: res.total, hops: res.hops } : null;
  }
  function samePath(p, q) {
    return p === q || (p !== null && q !== null && p.view === q.view && p.total === q.total &&
      p.hops === q.hops && p.edges.join() === q.edges.join() && p.nodes.join() === q.nodes.join());
  }
  function pathSummary(res) {
    return res ? plural(res.total, "shortest path") + ", " + plural(res.hops, "hop") : "no path";
  }
  // after what is shown changed: the asked path over the links now shown, said so
  function refreshPath() {
    var force = pathStale; pathStale = false;
    if (!pathQuery) return;
    if (pathQuery.view !== api.view) return;  // load drew this view plain
    var res = shortestPaths(pathQuery.from, pathQuery.to), path = pathOf(res, pathQuery);
    if (samePath(path, api.path) && !force) return;
    var changed = !samePath(path, api.path);
    setPath(path);
    if (changed || pathPanelShown()) {
      pathPanel(pathQuery.from, pathQuery.to, res, changed
        ? "recomputed over the links now shown" : "");
    }
    if (changed) say("path recomputed over the links shown: " + pathSummary(res));
  }
  // the panel closed; a keyboard focus inside it goes to the search box, not to nowhere
  function closePanel() {
    var P = document.getElementById("ni-evidence");
    if (P.contains(document.activeElement)) document.getElementById("ni-search").focus();
    P.hidden = true; api.evidence = null;
  }
  function pathPanelShown() {
    return Boolean(api.evidence && api.evidence.path) && !document.getElementById("ni-evidence").hidden;
  }
  // undo of a path action: the path asked for as it was; in its own view, drawn over what
  // is shown now, in another view kept for when that view opens again (nothing is greyed)
  function savedPath() { return { query: pathQuery, path: api.path }; }
  function restorePath(saved) {
    var q = saved.query;
    pathQuery = q;
    if (q && q.view === api.view) {
      var res = shortestPaths(q.from, q.to);
      setPath(pathOf(res, q));
      pathPanel(q.from, q.to, res, "");
      return;
    }
    setPath(saved.path);
    if (!q && pathPanelShown()) closePanel();
  }
  function hopTitle(x, u) {
    return N.label[u] + " \u2192 " + N.label[x.to] + " (" + plural(E.recordCount[x.edge], "record") +
      ")";
  }
  function pathPanel(a, b, res, note) {
    var P = document.getElementById("ni-evidence");
    P.replaceChildren();
    var h = document.createElement("h2");
    h.textContent = "Path: " + N.label[a] + " \u2192 " + N.label[b]; P.appendChild(h);
    var sum = document.createElement("div"); sum.className = "summary";
    sum.textContent = res ? plural(res.total, "shortest path") + ", " + plural(res.hops, "hop")
      : "no path between " + N.label[a] + " and " + N.label[b] + " over the links shown";
    P.appendChild(sum);
    if (note) {
      var why = document.createElement("div"); why.className = "note"; why.textContent = note;
      P.appendChild(why);
    }
    P.hidden = false;
    var hops = [];
    if (!res) {
      roving(P);
      api.evidence = { title: h.textContent, summary: sum.textContent, hops: hops, path: true,
        note: note || "" };
      return;
    }
    var list = document.createElement("div"); list.className = "paths";
    res.listed.forEach(function (steps, j) {
      var line = document.createElement("div"), names = [N.label[a]];
      steps.forEach(function (x) { names.push(N.label[x.to]); });
      line.textContent = (j + 1) + ". " + names.join(" \u2192 ");
      list.appendChild(line);
    });
    if (res.total > res.listed.length) {
      var rest = document.createElement("div"); rest.className = "more";
      rest.textContent = "\u2026 and " + plural(res.total - res.listed.length, "more path") +
        " not listed";
      list.appendChild(rest);
    }
    P.appendChild(list);
    var seen = new Set();
    res.listed.forEach(function (steps) {
      var u = a;
      steps.forEach(function (x) {
        if (!seen.has(x.edge)) {
          seen.add(x.edge);
          var t = document.createElement("h3"); t.textContent = hopTitle(x, u); P.appendChild(t);
          var rows = E.records[x.edge].slice(0, HOP_RECORDS);
          recordTable(P, rows, E.recordCount[x.edge]);
          hops.push({ title: t.textContent, rows: rows });
        }
        u = x.to;
      });
    });
    roving(P);
    api.evidence = { title: h.textContent, summary: sum.textContent, hops: hops, path: true,
      note: note || "",
      paths: Array.prototype.map.call(list.children, function (c) { return c.textContent; }) };
  }
  api.findPath = function (a, b) {
    var before = savedPath(), q = { from: a, to: b, view: api.view };
    var res = shortestPaths(a, b), path = pathOf(res, q);
    api.network.unselectAll();  // the selection's black would hide the path's red
    pathQuery = q;
    setPath(path);
    pathPanel(a, b, res, "");
    done("path", function () { restorePath(before); });
    say(res ? "path: " + pathSummary(res) : "no path");
    return path;
  };
  function setMode(on) {
    pathMode = on; pathFirst = null;
    var btn = document.getElementById("ni-path");
    btn.setAttribute("aria-pressed", String(on));
    if (on) say("path: click the first person");
  }
  function pathClick(p) {
    if (!p.nodes.length || typeof p.nodes[0] !== "number") return;
    if (pathFirst === null) {
      pathFirst = p.nodes[0]; say("path: from " + N.label[pathFirst] + ", click the second person");
      return;
    }
    var a = pathFirst; setMode(false);
    api.findPath(a, p.nodes[0]);
  }
  // Escape: leave the path tool's picking; else clear the path, the selection and the panel
  function escape() {
    if (pathMode) { setMode(false); say("path: cancelled"); return; }
    var had = [];
    if (api.path || pathQuery) { api.clearPath(); had.push("path"); }
    if (api.network.getSelectedNodes().length || api.network.getSelectedEdges().length) {
      api.network.unselectAll(); had.push("selection");
    }
    if (!document.getElementById("ni-evidence").hidden) closePanel();
    if (had.length) say(had.join(" and ") + " cleared");
  }
  api.escape = escape;
  api.clearPath = function () {
    var before = savedPath();
    if (!before.query) return false;
    restorePath({ query: null, path: null });
    done("clear path", function () { restorePath(before); });
    return true;
  };

  // positions: a JSON file {version: 1, nodes: {id: {x, y, pinned}}}, ids as in the data
  var indexOf = new Map(N.id.map(function (id, i) { return [id, i]; }));
  api.positionsJSON = function () {
    var pos = api.network.getPositions(), out = {};
    Object.keys(pos).forEach(function (i) {
      var k = Number(i);
      if (!isNaN(k) && N.id[k] !== undefined) {
        out[N.id[k]] = { x: pos[i].x, y: pos[i].y, pinned: pinned.has(k) };
      }
    });
    return JSON.stringify({ version: 1, nodes: out }, null, 1);
  };
  function download(href, name) {
    var a = document.createElement("a"); a.href = href; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }
  function place(state) {  // state: index -> {x, y, pinned}
    Object.keys(state).forEach(function (i) {
      var k = Number(i), s = state[i];
      if (pinned.has(k) !== s.pinned) setPinned([k], s.pinned);
      api.network.moveNode(k, s.x, s.y);
    });
  }
  function current(ids) {
    var pos = api.network.getPositions(ids), st = {};
    ids.forEach(function (k) {
      if (pos[k]) st[k] = { x: pos[k].x, y: pos[k].y, pinned: pinned.has(k) };
    });
    return st;
  }
  api.loadPositions = function (text) {
    var doc;
    try { doc = JSON.parse(text); } catch (err) { doc = null; }
    if (!doc || typeof doc !== "object" || doc.version !== 1 || !doc.nodes ||
        typeof doc.nodes !== "object") {
      say("not a positions file (expected JSON {version: 1, nodes: {id: {x, y, pinned}}})");
      return false;
    }
    var state = {}, unknown = 0, bad = 0;
    Object.keys(doc.nodes).forEach(function (id) {
      var k = indexOf.get(id), s = doc.nodes[id];
      if (k === undefined || nodes.get(k) === null) { unknown += 1; return; }
      if (!s || typeof s.x !== "number" || typeof s.y !== "number" || !isFinite(s.x) ||
          !isFinite(s.y)) { bad += 1; return; }
      state[k] = { x: s.x, y: s.y, pinned: s.pinned === true };
    });
    var ids = Object.keys(state).map(Number), before = current(ids);
    place(state);
    done("load positions", function () { place(before); });
    say("positions loaded: " + plural(ids.length, "node") +
      (unknown ? ", " + plural(unknown, "unknown id") + " ignored" : "") +
      (bad ? ", " + plural(bad, "entry", "entries") + " without numbers ignored" : ""));
    return true;
  };
  api.png = function () {
    var c = document.querySelector("#ni-net canvas"), out = document.createElement("canvas");
    out.width = c.width; out.height = c.height;
    var g = out.getContext("2d");
    g.fillStyle = "#ffffff"; g.fillRect(0, 0, out.width, out.height); g.drawImage(c, 0, 0);
    var url = out.toDataURL("image/png");
    api.lastPng = url; api.lastPngSize = [out.width, out.height];
    download(url, "netintel-map.png");
    say("PNG saved: " + out.width + " \u00d7 " + out.height + " pixels");
    return url;
  };

  (function tools() {
    function on(id, fn) { document.getElementById(id).addEventListener("click", fn); }
    on("ni-path", function () {
      if (pathMode) { setMode(false); say(""); return; }
      if (api.path) { api.clearPath(); say("path cleared"); return; }
      setMode(true);
    });
    on("ni-hide", function () { api.hide(); });
    on("ni-show", function () { api.showHidden(); });
    on("ni-pin", function () { api.pin(); });
    on("ni-collapse", function () { api.collapse(); });
    on("ni-expand", function () { api.expand(); });
    on("ni-undo", undo);
    on("ni-save", function () {
      var text = api.positionsJSON();
      api.lastSave = text;
      download("data:application/json;charset=utf-8," + encodeURIComponent(text),
        "netintel-positions.json");
      say("positions saved");
    });
    on("ni-png", function () { api.png(); });
    var file = document.getElementById("ni-load");
    file.addEventListener("change", function () {
      var f = file.files[0];
      if (!f) return;
      var r = new FileReader();
      r.onload = function () { api.loadPositions(String(r.result)); file.value = ""; };
      r.onerror = function () { say("the file could not be read"); file.value = ""; };
      r.readAsText(f);
    });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target && ev.target.tagName;
      if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && (ev.key === "z" || ev.key === "Z") &&
          t !== "INPUT" && t !== "SELECT" && t !== "TEXTAREA") {
        ev.preventDefault(); undo();
      }
      var typing = t === "INPUT" || t === "SELECT" || t === "TEXTAREA";
      if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();  // '/': to the search box, its text selected to be typed over
        var box = document.getElementById("ni-search"); box.focus(); box.select();
      }
      if (ev.key === "Escape") escape();
    });
  })();
  load(start, true);
  window.addEventListener("hashchange", function () { load(route(), false); });
})();
