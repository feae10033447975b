// Live figures and the filter box, in plain script (no framework, nothing from
// elsewhere: the CSP allows only this site). The pages work without it: the figures
// are then those of the last render, and the filter box submits ?q=.
(function () {
  "use strict";
  var KEEP = 120; // samples per sparkline, as the server keeps

  function bytes(n) {
    var units = ["B", "KiB", "MiB", "GiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return i === 0 ? n + " B" : n.toFixed(1) + " " + units[i];
  }

  function rate(b) {
    if (b >= 1e6) return (b / 1e6).toFixed(1) + " MB/s";
    if (b >= 1e3) return (b / 1e3).toFixed(1) + " kB/s";
    return Math.round(b) + " B/s";
  }

  function setText(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  // Redraws the sparkline in the card around element `id`, as parts.rs draws it.
  function draw(id, values, max) {
    var el = document.getElementById(id);
    var svg = el && el.closest(".card").querySelector("svg");
    if (!svg) return;
    var W = 200, H = 40, top = max > 0 ? max : 1;
    var step = values.length > 1 ? W / (values.length - 1) : W;
    var points = values.map(function (v, i) {
      var y = H - Math.min(Math.max(v / top, 0), 1) * (H - 2) - 1;
      return (i * step).toFixed(1) + "," + y.toFixed(1);
    }).join(" ");
    var last = (Math.max(values.length, 1) - 1) * step;
    svg.querySelector("polyline").setAttribute("points", points);
    svg.querySelector("polygon").setAttribute("points", "0," + H + " " + points + " " + last.toFixed(1) + "," + H);
  }

  function seed(id) {
    var el = document.getElementById(id);
    var card = el && el.closest(".card");
    var text = card ? card.getAttribute("data-values") || "" : "";
    return text ? text.split(" ").map(Number) : [];
  }

  function push(list, value) {
    list.push(value);
    if (list.length > KEEP) list.shift();
  }

  function largest(list) {
    return list.reduce(function (a, b) { return Math.max(a, b); }, 0);
  }

  // A sample's time in the browser's zone, with that zone's offset written as the
  // server writes TZ's (`12:48:05 (UTC+8)`), so a reader in another zone than TZ sees
  // which one each time is in.
  function clock(at) {
    var d = new Date(at), off = -d.getTimezoneOffset(), abs = Math.abs(off);
    var label = "UTC";
    if (off !== 0) {
      label += (off < 0 ? "-" : "+") + Math.floor(abs / 60);
      if (abs % 60) label += ":" + String(abs % 60).padStart(2, "0");
    }
    return d.toLocaleTimeString(document.documentElement.lang, { hour12: false }) + " (" + label + ")";
  }

  // A Space's page: #live[data-src] streams `metric` and `status` events.
  function spaceLive(section) {
    var cpu = seed("live-cpu"), mem = seed("live-memory"), rx = seed("live-rx"), tx = seed("live-tx");
    var total = 0;
    var source = new EventSource(section.getAttribute("data-src"));
    source.addEventListener("metric", function (event) {
      var m = JSON.parse(event.data);
      push(cpu, m.cpu_usage_pct); push(mem, m.memory_used_bytes);
      push(rx, m.rx_bps); push(tx, m.tx_bps);
      total = Math.max(total, m.memory_total_bytes);
      setText("live-cpu", Math.round(m.cpu_usage_pct) + " %");
      setText("live-memory", bytes(m.memory_used_bytes) + " / " + bytes(m.memory_total_bytes));
      setText("live-rx", rate(m.rx_bps));
      setText("live-tx", rate(m.tx_bps));
      draw("live-cpu", cpu, 100); draw("live-memory", mem, total);
      draw("live-rx", rx, largest(rx)); draw("live-tx", tx, largest(tx));
      var label = section.getAttribute("data-live-label") || "Live";
      setText("live-state", label + " · " + clock(m.at));
      section.setAttribute("data-state", "live");
    });
    source.addEventListener("status", function (event) {
      var s = JSON.parse(event.data);
      section.setAttribute("data-state", s.state);
      if (s.state === "live") return;
      // The page's own words for the state (data-msg-*, in its language); the server's
      // sentence, which may name the Hub's reason, on hover.
      setText("live-state", section.getAttribute("data-msg-" + s.state) || s.message);
      var line = document.getElementById("live-state");
      if (line) line.title = s.message;
    });
  }

  // The overview: /live streams `metric` events with `space` for the running Spaces.
  function overviewLive(root) {
    var cells = {};
    root.querySelectorAll("[data-space]").forEach(function (row) {
      var cell = row.querySelector(".live");
      if (!cell) return;
      var key = row.getAttribute("data-space").toLowerCase();
      (cells[key] = cells[key] || []).push(cell);
    });
    var source = new EventSource(root.getAttribute("data-live"));
    source.addEventListener("metric", function (event) {
      var m = JSON.parse(event.data);
      var cpu = Math.round(m.cpu_usage_pct) + " %";
      var memory = " · " + bytes(m.memory_used_bytes) + " / " + bytes(m.memory_total_bytes);
      // Network in and out on a line of its own (style.css), so the column stays narrow.
      var net = "↓ " + rate(m.rx_bps) + " ↑ " + rate(m.tx_bps);
      (cells[m.space.toLowerCase()] || []).forEach(function (cell) {
        // Memory and network in spans of their own, which a phone hides.
        var mem = document.createElement("span");
        mem.className = "mem";
        mem.textContent = memory;
        var rates = document.createElement("span");
        rates.className = "net";
        rates.textContent = net;
        cell.textContent = cpu;
        cell.appendChild(mem);
        cell.appendChild(rates);
        // The legend, in the page's language (data-live-title on the list).
        cell.title = root.getAttribute("data-live-title") || "";
      });
    });
  }

  // The filter box narrows the overview as you type.
  function filter(input) {
    var root = document.getElementById("spaces");
    if (!root) return;
    var items = root.querySelectorAll("[data-space]");
    var groups = root.querySelectorAll("section.owner");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      items.forEach(function (item) {
        item.hidden = q !== "" && item.getAttribute("data-space").toLowerCase().indexOf(q) < 0;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("tbody tr:not([hidden])");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("filter");
    if (input) filter(input);
    if (!window.EventSource) return;
    var section = document.querySelector("#live[data-src]");
    if (section) spaceLive(section);
    var overview = document.querySelector("#spaces[data-live]");
    if (overview) overviewLive(overview);
  });
})();
