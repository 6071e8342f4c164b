// Developers › Usage: draws the page's charts with the vendored uPlot from the JSON the page
// carries in <script type="application/json" id="usage-data"> (no inline script: CSP allows
// scripts from 'self' only). Charts follow their container's width (phones included); each
// has a table below it with the same figures for readers without JavaScript or a screen.
(function () {
  "use strict";

  var node = document.getElementById("usage-data");
  if (!node || !window.uPlot) return;
  var d = JSON.parse(node.textContent || "{}");
  if (!d.ts || !d.ts.length) return;

  var css = getComputedStyle(document.documentElement);
  function color(name, fallback) {
    return css.getPropertyValue(name).trim() || fallback;
  }
  var BRAND = color("--brand", "#6d4aff");
  var ERR = color("--err", "#b42318");
  var OK = color("--ok", "#127a4a");
  var MUTED = color("--muted", "#6b6880");
  var LINE = color("--line", "#e4e1ef");

  var hourly = d.group === "hour";
  var step = d.ts.length > 1 ? d.ts[1] - d.ts[0] : 3600;
  // Empty buckets draw no bar (null), rather than a flat stub on the axis.
  var total = d.successful.map(function (s, i) { return s + d.failed[i] || null; });
  var successful = d.successful.map(function (s) { return s || null; });
  var charts = [];

  function utc(ts) {
    return window.uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function when(ts) {
    var t = new Date(ts * 1e3);
    var day = MONTHS[t.getUTCMonth()] + " " + two(t.getUTCDate());
    if (hourly) return day + " " + two(t.getUTCHours()) + ":00 UTC";
    return d.group === "week" ? "Week of " + day : day;
  }

  function count(n) {
    return n == null ? "—" : Math.round(n).toLocaleString("en-US");
  }

  function height() {
    return window.innerWidth < 600 ? 180 : 220;
  }

  // Tick labels in UTC, 24-hour: "14:00" (the date under midnight) by hour, "Dec 03" by day.
  function ticks(u, splits) {
    return splits.map(function (ts) {
      var t = new Date(ts * 1e3);
      var day = MONTHS[t.getUTCMonth()] + " " + two(t.getUTCDate());
      if (!hourly) return day;
      var time = two(t.getUTCHours()) + ":00";
      return t.getUTCHours() === 0 ? time + "\n" + day : time;
    });
  }

  function axes(unit) {
    var grid = { stroke: LINE, width: 1 };
    return [
      { stroke: MUTED, grid: grid, ticks: { stroke: LINE }, values: ticks, space: hourly ? 48 : 56 },
      {
        stroke: MUTED,
        grid: grid,
        ticks: { stroke: LINE },
        size: unit.indexOf("ms") >= 0 ? 76 : 56, // "1,000 ms" needs the room
        values: function (u, splits) {
          return splits.map(function (v) { return v == null ? "" : count(v) + unit; });
        },
      },
    ];
  }

  function draw(id, series, data, unit, yMin) {
    var el = document.getElementById(id);
    if (!el) return;
    var opts = {
      width: Math.max(el.clientWidth, 200),
      height: height(),
      tzDate: utc,
      padding: [14, 10, 0, 0],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: function () { return [d.ts[0] - step / 2, d.ts[d.ts.length - 1] + step / 2]; } },
        y: { range: function (u, min, max) { return [yMin, Math.max(max || 0, yMin + 1) * 1.1]; } },
      },
      axes: axes(unit),
      series: [{ value: function (u, ts) { return ts == null ? "—" : when(ts); } }].concat(series),
    };
    charts.push({ chart: new window.uPlot(opts, [d.ts].concat(data), el), el: el });
  }

  var bars = window.uPlot.paths.bars({ size: [0.7, 48], gap: 1 });

  // Stacked by drawing the total behind the successful part: the visible top is the failed.
  draw(
    "chart-requests",
    [
      {
        label: "Failed",
        stroke: ERR,
        fill: ERR,
        paths: bars,
        points: { show: false },
        value: function (u, v, si, i) { return i == null ? "—" : count(d.failed[i]); },
      },
      {
        label: "Successful",
        stroke: BRAND,
        fill: BRAND,
        paths: bars,
        points: { show: false },
        value: function (u, v, si, i) { return i == null ? "—" : count(d.successful[i]); },
      },
    ],
    [total, successful],
    "",
    0
  );
  draw(
    "chart-errors",
    [{
      label: "Error rate",
      stroke: ERR,
      width: 2,
      fill: "rgba(180, 35, 24, .08)",
      points: { show: true, size: 5, fill: ERR },
      value: function (u, v) { return v == null ? "—" : v.toFixed(1) + " %"; },
    }],
    [d.errorRate],
    " %",
    0
  );
  draw(
    "chart-latency",
    [{
      label: "p95",
      stroke: OK,
      width: 2,
      fill: "rgba(18, 122, 74, .08)",
      points: { show: true, size: 5, fill: OK },
      value: function (u, v) { return v == null ? "—" : (v >= 1000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(1) + " ms"); },
    }],
    [d.p95],
    " ms",
    0
  );

  function resize() {
    charts.forEach(function (c) {
      var width = Math.max(c.el.clientWidth, 200);
      if (width !== c.chart.width || height() !== c.chart.height) {
        c.chart.setSize({ width: width, height: height() });
      }
    });
  }
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(function () { window.requestAnimationFrame(resize); });
    charts.forEach(function (c) { ro.observe(c.el); });
  } else {
    window.addEventListener("resize", resize);
  }
})();
