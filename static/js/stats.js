/*
 * stats.js: the charts of the statistics dashboard (sifasuo/stats/templates/stats/dashboard.html).
 *
 * No inline script (the CSP allows scripts from 'self' only): the figures come from the
 * <script type="application/json" id="stats-chart-data"> block that Django's json_script
 * writes, the charts are declared in the markup, and ECharts (static/vendor/echarts/) draws
 * them with its canvas renderer.
 *
 *   <div data-stats-chart="by_category" data-stats-kind="bar|pie">   one chart of one series
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
    // CSSOM, not a style attribute: the CSP allows it.
    element.style.height =
      (kind === "pie" ? PIE_HEIGHT : Math.max(BAR_MIN, series.points.length * BAR_ROW + 40)) + "px";
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(kind === "pie" ? pieOption(series, data.series_name) : barOption(series, data.series_name));
    chart.on("click", open);
    return chart;
  }

  function start() {
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
