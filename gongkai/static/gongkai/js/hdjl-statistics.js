/* 互动交流 statistics: one chart of the monthly figures (Apache ECharts, served from
   /static/vendor/echarts/). The table on the page carries the same figures without JavaScript. */
(function () {
  "use strict";
  var el = document.getElementById("hdjl-chart");
  var data = document.getElementById("hdjl-chart-data");
  if (!el || !data || typeof echarts === "undefined") return;
  var d;
  try { d = JSON.parse(data.textContent); } catch (e) { return; }
  var chart = echarts.init(el);
  chart.setOption({
    color: ["#0b5cad", "#1a7f37", "#b08000", "#b3121c"],
    tooltip: { trigger: "axis" },
    legend: { data: ["收到", "已答复", "按期答复", "满意率"], top: 0 },
    grid: { left: 40, right: 40, top: 36, bottom: 30 },
    xAxis: { type: "category", data: d.months },
    yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "%", max: 100 }],
    series: [
      { name: "收到", type: "bar", data: d.received, barMaxWidth: 24 },
      { name: "已答复", type: "bar", data: d.answered, barMaxWidth: 24 },
      { name: "按期答复", type: "line", data: d.on_time },
      { name: "满意率", type: "line", yAxisIndex: 1, data: d.satisfaction, connectNulls: true }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
