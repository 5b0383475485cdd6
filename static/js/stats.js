/*
 * stats.js: the charts of the statistics dashboard (sifasuo/stats/templates/stats/dashboard.html).
 *
 * No inline script (the CSP allows scripts from 'self' only): the figures come from the
 * <script type="application/json" id="stats-chart-data"> block that Django's json_script
 * writes, the charts are declared in the markup, and ECharts (static/vendor/echarts/) draws
 * them with its canvas renderer.
 *
 *   <div data-stats-chart="by_category" data-stats-kind="bar|pie|line">   one chart of one series
 *   <div data-stats-map>   the schematic of Xi'an's districts (data.map: tiles by row and
 *                          column, each coloured by the chosen indicator, linking to the
 *                          district's dashboard); the table under it holds the same values
 *   <form data-stats-autosubmit>   submitted when one of its selects changes
 *
 * Every point carries the URL of the records behind it: a click opens that list, as the
 * link of the same number in the table below does. The tables stay the accessible source
 * of the figures; the charts are a picture of them.
 */
(function () {
  "use strict";

  var BAR_ROW = 30;
  var BAR_MIN = 200;
  var PIE_HEIGHT = 320;
  var LINE_HEIGHT = 240;

  function readData() {
    var node = document.getElementById("stats-chart-data");
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent || "{}");
    } catch (error) {
      return null;
    }
  }

  // The element says when its chart has been painted and its animation has ended, so that a
  // reader (or a test) clicking a point hits what is drawn, not a frame still to come.
  function markDrawn(chart, element) {
    chart.on("finished", function () {
      element.setAttribute("data-stats-drawn", "");
    });
  }

  function open(params) {
    var url = params && params.data && params.data.url;
    if (url) {
      window.location.assign(url);
    }
  }

  function barOption(series, name) {
    var points = series.points.slice();
    return {
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", confine: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: points.map(function (p) { return p.name; }),
        axisLabel: { width: 120, overflow: "truncate" },
      },
      series: [
        {
          name: name,
          type: "bar",
          data: points.map(function (p) { return { value: p.value, name: p.name, url: p.url }; }),
          label: { show: true, position: "right" },
          cursor: "pointer",
        },
      ],
    };
  }

  function pieOption(series, name) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)", confine: true },
      legend: { type: "scroll", bottom: 0 },
      series: [
        {
          name: name,
          type: "pie",
          radius: ["35%", "62%"],
          center: ["50%", "45%"],
          avoidLabelOverlap: true,
          label: { formatter: "{c}" },
          data: series.points.map(function (p) { return { value: p.value, name: p.name, url: p.url }; }),
          cursor: "pointer",
        },
      ],
    };
  }

  function lineOption(series, name) {
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", confine: true },
      xAxis: { type: "category", data: series.points.map(function (p) { return p.name; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        {
          name: name,
          type: "line",
          symbolSize: 10,
          data: series.points.map(function (p) { return { value: p.value, name: p.name, url: p.url }; }),
          cursor: "pointer",
        },
      ],
    };
  }

  var TILE = 56;

  function mapOption(map) {
    var values = map.tiles.map(function (t) { return t.value; });
    var max = Math.max.apply(null, values.concat([0]));
    var rows = [];
    var cols = [];
    var i;
    for (i = 0; i < map.rows; i += 1) { rows.push(String(i)); }
    for (i = 0; i < map.cols; i += 1) { cols.push(String(i)); }
    return {
      tooltip: {
        confine: true,
        formatter: function (params) { return params.data.tileName + "<br>" + params.data.shown; },
      },
      grid: { left: 0, right: 0, top: 0, bottom: 44 },
      xAxis: { type: "category", data: cols, show: false, splitArea: { show: false } },
      yAxis: { type: "category", data: rows, inverse: true, show: false },
      visualMap: {
        min: 0,
        max: max > 0 ? max : 1,
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: 120,
        text: [map.indicator, ""],
        inRange: { color: ["#e8f1fb", "#6ea8e0", "#0b4f9c"] },
      },
      series: [
        {
          name: map.indicator,
          type: "heatmap",
          data: map.tiles.map(function (t) {
            return {
              value: [t.col, t.row, t.value],
              tileName: t.name,
              code: t.code,
              shown: t.shown,
              url: t.url,
            };
          }),
          itemStyle: { borderColor: "#ffffff", borderWidth: 3 },
          label: {
            show: true,
            fontSize: 11,
            formatter: function (params) {
              return params.data.tileName.replace(/司法局$/, "") + "\n" + params.data.shown;
            },
          },
          emphasis: { itemStyle: { borderColor: "#212529", borderWidth: 2 } },
          cursor: "pointer",
        },
      ],
    };
  }

  function drawMap(element, data) {
    var map = data.map;
    if (!map || !map.tiles.length) {
      return null;
    }
    var width = element.clientWidth || map.cols * TILE;
    element.style.height = Math.round((width / map.cols) * 0.8 * map.rows + 44) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    markDrawn(chart, element);
    chart.setOption(mapOption(map));
    chart.on("click", open);
    return chart;
  }

  function autosubmit() {
    document.querySelectorAll("form[data-stats-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.submit();
      });
    });
  }

  function draw(element, data) {
    var series = data[element.getAttribute("data-stats-chart")];
    if (!series) {
      return null;
    }
    if (!series.points.length) {
      element.textContent = data.empty || "";
      element.classList.add("text-body-secondary", "small");
      return null;
    }
    var kind = element.getAttribute("data-stats-kind");
    var name = data.series_name || "";
    // CSSOM, not a style attribute: the CSP allows it.
    element.style.height =
      (kind === "pie" || kind === "line"
        ? (kind === "pie" ? PIE_HEIGHT : LINE_HEIGHT)
        : Math.max(BAR_MIN, series.points.length * BAR_ROW + 40)) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    markDrawn(chart, element);
    var option = kind === "pie" ? pieOption(series, name) : kind === "line" ? lineOption(series, name) : barOption(series, name);
    chart.setOption(option);
    chart.on("click", open);
    return chart;
  }

  function start() {
    autosubmit();
    if (!window.echarts) {
      return;
    }
    var data = readData();
    if (!data) {
      return;
    }
    var charts = [];
    document.querySelectorAll("[data-stats-chart]").forEach(function (element) {
      var chart = draw(element, data);
      if (chart) {
        charts.push(chart);
      }
    });
    document.querySelectorAll("[data-stats-map]").forEach(function (element) {
      var chart = drawMap(element, data);
      if (chart) {
        charts.push(chart);
      }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
