// ECharts from data the server put in <script type="application/json" id="..."> (json_script).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) { return; }
    var option = JSON.parse(source.textContent);
    // No growing bars for people who asked for less motion (and for screenshots, which would catch
    // the bars mid-animation, shorter than their axis says).
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      option.animation = false;
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    if (option.links) {
      chart.on("click", function (params) {
        var url = option.links[params.dataIndex];
        if (url) { window.location.href = url; }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
