/* Workbench home, leaders' section: each plan of the year's tasks (completed, open but not overdue,
   overdue) as one stacked bar, drawn with
   Apache ECharts (served from /static/vendor/echarts/) from the json_script data on the page.
   The table below the chart carries the same figures; the container has role="img" and a text
   summary in aria-label. */
(function () {
  "use strict";

  function init() {
    var el = document.getElementById("chart-plans");
    var src = document.getElementById("chart-plans-data");
    if (!el || !src || !window.echarts) return;
    var d;
    try {
      d = JSON.parse(src.textContent);
    } catch (e) {
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#1a7f37", "#0b5cad", "#b3121c"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["已完成", "未完成（未逾期）", "已逾期"], top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", data: d.plans, inverse: true,
        axisLabel: { width: Math.min(160, Math.round(el.clientWidth * 0.3)), overflow: "truncate" }
      },
      series: [
        { name: "已完成", type: "bar", stack: "tasks", data: d.completed, barMaxWidth: 28 },
        { name: "未完成（未逾期）", type: "bar", stack: "tasks", data: d.open, barMaxWidth: 28 },
        { name: "已逾期", type: "bar", stack: "tasks", data: d.overdue, barMaxWidth: 28 }
      ]
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () { chart.resize(); }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
