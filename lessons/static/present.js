// The presenter screen's live count: asks the server every 5 seconds (a few bytes of JSON).
(function () {
  "use strict";
  var holder = document.querySelector("[data-count-url]");
  var shown = document.getElementById("count");
  if (!holder || !shown || !window.fetch) { return; }
  var url = holder.getAttribute("data-count-url");
  function refresh() {
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (data) {
        if (data && typeof data.responses === "number") {
          var text = String(data.responses);
          if (shown.textContent !== text) { shown.textContent = text; }
        }
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
