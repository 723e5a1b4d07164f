/* The S-curve of a programme page: plotly.js (served from our own static files)
   draws the figure the page carries in a JSON data block. No inline script and no
   inline style: the Content Security Policy allows neither. The page's table
   holds the same figures, so nothing is lost when the chart is not drawn. */
(function () {
  "use strict";

  function draw(el) {
    var source = document.getElementById(el.dataset.figure);
    if (!source || typeof Plotly === "undefined") return;
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      locale: document.documentElement.lang || "zh-Hant-TW"
    });
  }

  function start() {
    var charts = document.querySelectorAll(".s-curve[data-figure]");
    for (var i = 0; i < charts.length; i++) draw(charts[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
