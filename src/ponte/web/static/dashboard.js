/* The dashboard's charts: each <div class="chart" data-chart="..."> holds an ECharts option built by the
 * server (axes, legends, series), one tooltip per point (formatted there, in the viewer's language) and the
 * address of the orders behind each point. No inline script: this file is all the page runs. */
(function () {
  "use strict";
  var TZ_COOKIE = "ponte_tz";

  function rememberZone() {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && document.cookie.indexOf(TZ_COOKIE + "=" + encodeURIComponent(zone)) === -1) {
        document.cookie = TZ_COOKIE + "=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
      }
    } catch (e) { /* no Intl: times stay in UTC */ }
  }

  function compact(lang) {
    var format = new Intl.NumberFormat(lang || "en", { notation: "compact", maximumFractionDigits: 1 });
    return function (value) { return format.format(value); };
  }

  function draw(el) {
    if (el.dataset.drawn || typeof echarts === "undefined") { return; }
    var spec = JSON.parse(el.dataset.chart);
    var option = spec.option;
    var label = compact(document.documentElement.lang);
    (Array.isArray(option.yAxis) ? option.yAxis : [option.yAxis]).concat(
      Array.isArray(option.xAxis) ? option.xAxis : [option.xAxis]
    ).forEach(function (axis) {
      if (axis && axis.type === "value") { axis.axisLabel = { formatter: label }; }
    });
    option.tooltip = option.tooltip || {};
    option.tooltip.formatter = function (params) {
      var p = Array.isArray(params) ? params[0] : params;
      return spec.tips[p.dataIndex] || "";
    };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    // A click anywhere in a category's band (not only on a thin bar) opens the orders behind it.
    var horizontal = !Array.isArray(option.yAxis) && option.yAxis.type === "category";
    chart.getZr().on("click", function (event) {
      var point = [event.offsetX, event.offsetY];
      if (!chart.containPixel({ gridIndex: 0 }, point)) { return; }
      var at = chart.convertFromPixel({ gridIndex: 0 }, point);
      var index = Math.round(horizontal ? at[1] : at[0]);
      var target = spec.drill[index];
      if (target) { window.location.assign(target); }
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  rememberZone();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
