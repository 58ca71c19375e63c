/* The leaders' measures chart (ECharts), fed by the page's json_script #kpi-data. A file, not an
 * inline <script>: the Content-Security-Policy runs no inline script. */
(function () {
  var data = JSON.parse(document.getElementById("kpi-data").textContent);
  var el = document.getElementById("kpi-chart");
  if (!window.echarts || !el) return;
  var rows = data.by_region;
  var chart = echarts.init(el);
  chart.setOption({
    // richText: the tooltip is drawn on the canvas, not as HTML with inline styles the CSP refuses.
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { data: ["受理数", "办结数", "办结率"] },
    grid: { left: 40, right: 50, bottom: 60 },
    xAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: [{ type: "value", name: "件" }, { type: "value", name: "%", max: 100 }],
    series: [
      { name: "受理数", type: "bar", data: rows.map(function (r) { return r.received; }) },
      { name: "办结数", type: "bar", data: rows.map(function (r) { return r.completed; }) },
      { name: "办结率", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.completion_rate; }) }
    ]
  });
  chart.on("click", function (p) {
    var row = rows[p.dataIndex];
    if (row && row.code) { location.search = "?region=" + encodeURIComponent(row.code) + "&start=" + data.period.start + "&end=" + data.period.end; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
