/* 月度通报: on-time and late tasks per unit as a stacked bar chart (Apache ECharts from
   /static/vendor/echarts/). The table on the page carries the same figures. */
(function () {
  "use strict";
  var el = document.getElementById("bulletin-chart");
  var data = document.getElementById("bulletin-data");
  if (!el || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    color: ["#1a7f37", "#b3121c", "#0b5cad"],
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["按时完成", "逾期", "发布信息"], top: 0 },
    grid: { left: 40, right: 20, top: 36, bottom: 70 },
    xAxis: { type: "category", data: d.units, axisLabel: { rotate: d.units.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "按时完成", type: "bar", stack: "tasks", data: d.on_time, barMaxWidth: 28 },
      { name: "逾期", type: "bar", stack: "tasks", data: d.late, barMaxWidth: 28 },
      { name: "发布信息", type: "line", data: d.published }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
