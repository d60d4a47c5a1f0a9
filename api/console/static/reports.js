// The reports page: draws the chart from the canvas's data-chart (no inline script: CSP), and
// switches between the chart and the same numbers as a table.
(function () {
  "use strict";

  function draw(canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var config;
    if (spec.kind === "calibration") {
      config = {
        type: "scatter",
        data: {
          datasets: [
            { label: spec.datasets[0].label, data: spec.datasets[0].data, pointRadius: 5 },
            { label: spec.datasets[1].label, data: spec.datasets[1].data, type: "line",
              showLine: true, borderDash: [6, 4], pointRadius: 0, fill: false },
          ],
        },
        options: {
          animation: false, maintainAspectRatio: false,
          scales: { x: { min: 0, max: 1 }, y: { min: 0, max: 1 } },
        },
      };
    } else {
      config = {
        type: "bar",
        data: { labels: spec.labels, datasets: spec.datasets },
        options: { animation: false, maintainAspectRatio: false },
      };
    }
    canvas.chart = new window.Chart(canvas, config);
    canvas.dataset.drawn = "true";
  }

  function toggle(button) {
    var table = document.getElementById(button.getAttribute("aria-controls"));
    var chart = document.querySelector(".rep-chart");
    if (!table) return;
    var showTable = table.hidden;
    table.hidden = !showTable;
    if (chart) chart.classList.toggle("rep-hidden", showTable);
    button.setAttribute("aria-expanded", String(showTable));
    button.textContent = showTable ? button.dataset.chartLabel : button.dataset.tableLabel;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
    document.querySelectorAll(".rep-toggle").forEach(function (button) {
      button.addEventListener("click", function () { toggle(button); });
    });
  });
})();
