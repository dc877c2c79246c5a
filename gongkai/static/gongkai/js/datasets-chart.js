/* The chart of a published dataset period, drawn with Apache ECharts (served from
   /static/vendor/echarts/) from the json_script data on the page. Without JavaScript the table
   below carries every figure. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("dataset-chart");
    var src = document.getElementById("dataset-chart-data");
    if (!el || !src || !window.echarts) return;
    var data = JSON.parse(src.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: data.levels ? "item" : "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 30 : 0 } },
      // an ordered class (水质类别 Ⅰ类 … 劣Ⅴ类) is a category axis, best at the bottom
      yAxis: data.levels ? { type: "category", data: data.levels, inverse: false } : { type: "value" },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.type, data: s.data, stack: data.stack ? "total" : undefined, smooth: data.type === "line" };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
