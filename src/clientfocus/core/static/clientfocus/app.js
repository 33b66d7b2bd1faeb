/* Behaviour of the staff pages, kept out of the HTML so that the Content-Security-Policy
   allows no inline script. */
(function () {
  /* Times on pages are shown in the reader's own time zone. */
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.indexOf("cf_tz=" + zone) === -1) {
    document.cookie = "cf_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    /* <select data-submit-on-change>: choosing is sending. */
    if (target.matches && target.matches("[data-submit-on-change]") && target.form) {
      target.form.submit();
    }
    /* <input data-fill="id">: copy the chosen value into another field. */
    if (target.matches && target.matches("[data-fill]")) {
      var field = document.getElementById(target.getAttribute("data-fill"));
      if (field) { field.value = target.value; }
    }
  });
})();

/* Charts: <canvas data-chart="ID"> drawn by Chart.js from the JSON in <script id="ID">
   (core/charts.py builds it; the same figures are in the table beside the chart). */
(function () {
  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var config = JSON.parse(source.textContent);
      var unit = config.unit || "";
      config.options.plugins.tooltip = {
        callbacks: {
          label: function (item) {
            var value = item.parsed.y;
            return item.dataset.label + ": " + (value === null ? "—" : value + unit);
          }
        }
      };
      config.options.scales.y.ticks = { callback: function (value) { return value + unit; } };
      canvas.dataset.drawn = "1";
      canvas.chart = new window.Chart(canvas, { type: "bar", data: config.data, options: config.options });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  document.addEventListener("htmx:afterSettle", draw);
})();
