// The agent console's timer: time on the call, shown once the page has script.
// Without script the page still says when the call started; nothing else depends on it.
(function () {
  "use strict";
  if (window.htmx) {
    // The page's content security policy allows no inline styles.
    window.htmx.config.includeIndicatorStyles = false;
  }
  var timer = document.getElementById("call-timer");
  if (!timer) {
    return;
  }
  var started = Date.parse(timer.getAttribute("data-started"));
  if (isNaN(started)) {
    return;
  }
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function show() {
    var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    timer.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
  }
  show();
  timer.parentNode.hidden = false;
  window.setInterval(show, 1000);
})();
