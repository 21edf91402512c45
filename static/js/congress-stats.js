// The congress statistics chart: ECharts from the option the server put in
// <script type="application/json"> (json_script), no inline script (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-congress-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-congress-chart"));
    if (!source || !window.echarts) { return; }
    var option = JSON.parse(source.textContent);
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      option.animation = false;
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
