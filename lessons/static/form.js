// Optional: the form works without it. Counts the characters of each answer as it is typed,
// and brings the error summary into view for screen readers and keyboards.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var areas = document.querySelectorAll("textarea[data-limit]");
  var lang = document.documentElement.lang.slice(0, 2);
  var words = lang === "cy"
    ? { left: " nod ar ôl", over: " nod yn ormod: torrwch nhw i anfon yr ateb" }
    : { left: " characters left", over: " characters too many: cut them to send this answer" };
  Array.prototype.forEach.call(areas, function (area) {
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var count = document.getElementById(area.id + "-count");
    if (!count) { return; }
    function update() {
      var used = Array.from(area.value).length;
      var left = limit - used;
      count.textContent = left >= 0
        ? left.toLocaleString("en-GB") + words.left
        : (-left).toLocaleString("en-GB") + words.over;
      count.className = left >= 0 ? "hint count" : "hint count over";
    }
    area.addEventListener("input", update);
    if (area.value) { update(); }
  });
})();
