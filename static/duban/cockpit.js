/* 驾驶舱 charts (ECharts, vendored under static/vendor/echarts/). The data comes from the page's
 * <script type="application/json" id="cockpit-data"> (Django's json_script); every bar or point
 * carries the URL of the filtered task list it stands for, and a click opens it. The tables under
 * each chart hold the same numbers for screen readers and when scripts do not run. */
(function () {
  "use strict";

  var source = document.getElementById("cockpit-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var COLORS = { red: "#c0392b", yellow: "#d69e2e", green: "#2f855a", none: "#b8bfc9", finished: "#64748b" };
  var charts = [];

  function open(params) {
    var url = params && params.data && params.data.url;
    if (url) {
      window.location.assign(url);
    }
  }

  function mount(id, option, rows) {
    var node = document.getElementById(id);
    if (!node) {
      return;
    }
    if (rows) {
      node.style.height = Math.max(220, rows * 30 + 90) + "px";
    }
    // The canvas stays aria-hidden: the table under each chart is what screen readers read.
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    option.animation = false;
    option.textStyle = { fontFamily: "inherit" };
    chart.setOption(option);
    chart.on("click", open);
    // A pointer cursor only over items that lead somewhere.
    chart.getZr().on("mousemove", function (e) {
      chart.getZr().setCursorStyle(e.target ? "pointer" : "default");
    });
    charts.push(chart);
  }

  function names(rows, key) {
    return rows.map(function (r) { return r[key]; });
  }

  var grid = { left: 8, right: 24, top: 36, bottom: 8, containLabel: true };
  // Category labels take at most a third of a narrow (phone) chart.
  var sample = document.getElementById("chart-departments");
  var room = sample ? sample.clientWidth : 600;
  var labelWidth = { width: Math.min(140, Math.round(room / 3)), overflow: "truncate" };
  var docLabelWidth = { width: Math.min(180, Math.round(room / 3)), overflow: "truncate" };

  // 各部门亮灯情况: horizontal stacked bars, one series per light.
  var depts = data.departments.slice().reverse(); // first department at the top
  if (depts.length) {
    mount("chart-departments", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names(depts, "name"), axisLabel: labelWidth },
      series: data.lights.map(function (light) {
        return {
          name: light.label, type: "bar", stack: "lights", barMaxWidth: 22,
          itemStyle: { color: COLORS[light.key] },
          data: depts.map(function (d) { return { value: d[light.key], url: d.urls[light.key] }; })
        };
      })
    }, depts.length);
  }

  // 红灯数量月度趋势: bars per month (history), the current month highlighted.
  mount("chart-months", {
    tooltip: { trigger: "axis" },
    grid: grid,
    xAxis: { type: "category", data: data.months.map(function (m) { return m.label.replace("（当前）", ""); }),
             axisLabel: { rotate: 45 } },
    yAxis: { type: "value", minInterval: 1, name: "红灯任务数" },
    series: [{
      name: "红灯", type: "bar", barMaxWidth: 28,
      data: data.months.map(function (m) {
        return {
          value: m.red, url: m.red === null ? null : m.url,
          itemStyle: { color: m.live ? "#e57368" : COLORS.red }
        };
      })
    }]
  });

  // 各文件推进情况: completion rate and average progress per document.
  var docs = data.documents.slice().reverse();
  if (docs.length) {
    mount("chart-documents", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: grid,
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names(docs, "title"), axisLabel: docLabelWidth },
      series: [
        { name: "办结率", type: "bar", barMaxWidth: 16, itemStyle: { color: COLORS.green },
          data: docs.map(function (d) { return { value: d.completion_rate, url: d.url }; }) },
        { name: "平均进度", type: "bar", barMaxWidth: 16, itemStyle: { color: "#3b7dd8" },
          data: docs.map(function (d) { return { value: d.avg_percent, url: d.url }; }) }
      ]
    }, docs.length * 1.6);
  }

  // 逾期任务最多的部门
  var overdue = data.overdue_departments.slice().reverse();
  if (overdue.length) {
    mount("chart-overdue", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: grid,
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names(overdue, "name"), axisLabel: labelWidth },
      series: [{
        name: "逾期任务", type: "bar", barMaxWidth: 22, itemStyle: { color: COLORS.red },
        label: { show: true, position: "right" },
        data: overdue.map(function (d) { return { value: d.overdue, url: d.url }; })
      }]
    }, overdue.length);
  }

  // A chart without data is not drawn; its table says 暂无….
  ["chart-departments", "chart-documents", "chart-overdue"].forEach(function (id) {
    var node = document.getElementById(id);
    if (node && !node.hasAttribute("_echarts_instance_")) {
      node.hidden = true;
    }
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c) { c.resize(); });
    }, 150);
  });
})();
