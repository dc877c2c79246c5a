/* Workbench home, leaders' section: the completion rate of each plan of the year, drawn with
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
      color: ["#1a7f37", "#b3121c"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["完成率", "逾期任务"], top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
      xAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        { type: "value", minInterval: 1, show: false }
      ],
      yAxis: {
        type: "category", data: d.plans, inverse: true,
        axisLabel: { width: 140, overflow: "truncate" }
      },
      series: [
        {
          name: "完成率", type: "bar", data: d.rate, barMaxWidth: 22,
          label: { show: true, position: "right", formatter: "{c}%" }
        },
        { name: "逾期任务", type: "bar", xAxisIndex: 1, data: d.overdue, barMaxWidth: 22 }
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
