/* 台账总览: draws the two charts from the json_script data on the page with Apache ECharts
   (served from /static/vendor/echarts/). Without JavaScript the tables on the page carry the
   same figures; each chart container has role="img" and a text summary in aria-label. */
(function () {
  "use strict";

  var COLORS = { due: "#0b5cad", done: "#1a7f37", open: "#b08000", rate: "#b3121c" };

  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function monthOption(d) {
    return {
      color: [COLORS.due, COLORS.done],
      tooltip: { trigger: "axis" },
      legend: { data: ["应完成", "已完成"], top: 0 },
      grid: { left: 40, right: 20, top: 36, bottom: 30 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", name: "项", minInterval: 1 },
      series: [
        { name: "应完成", type: "bar", data: d.due, barMaxWidth: 28 },
        { name: "已完成", type: "line", data: d.completed, smooth: false, symbolSize: 7 }
      ]
    };
  }

  function unitOption(d) {
    var rotate = d.units.length > 6 ? 30 : 0;
    return {
      color: [COLORS.done, COLORS.open, COLORS.rate],
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return v == null ? "—" : String(v); }
      },
      legend: { data: ["已完成", "未完成", "按时完成率"], top: 0 },
      grid: { left: 40, right: 50, top: 36, bottom: rotate ? 70 : 30 },
      xAxis: { type: "category", data: d.units, axisLabel: { interval: 0, rotate: rotate } },
      yAxis: [
        { type: "value", name: "项", minInterval: 1 },
        { type: "value", name: "按时完成率", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
      ],
      series: [
        { name: "已完成", type: "bar", stack: "tasks", data: d.completed, barMaxWidth: 36 },
        { name: "未完成", type: "bar", stack: "tasks", data: d.open, barMaxWidth: 36 },
        {
          name: "按时完成率", type: "line", yAxisIndex: 1, data: d.on_time_rate, symbolSize: 7,
          tooltip: { valueFormatter: function (v) { return v + "%"; } }
        }
      ]
    };
  }

  function draw(containerId, dataId, build, charts) {
    var el = document.getElementById(containerId);
    var data = readJson(dataId);
    if (!el || !data) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(data));
    charts.push(chart);
  }

  function init() {
    if (!window.echarts) return; // the tables still show every figure
    var charts = [];
    draw("chart-month", "chart-month-data", monthOption, charts);
    draw("chart-unit", "chart-unit-data", unitOption, charts);
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (c) { c.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
