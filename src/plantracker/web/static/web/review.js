// Review: "Select all" for bulk approval. Shown only when this script runs (the page
// works without it: each update's own checkbox); a file, as the CSP allows no inline script.
(function () {
  "use strict";
  var box = document.querySelector("[data-select-all]");
  var all = document.getElementById("select-all");
  if (!box || !all) {
    return;
  }
  var boxes = document.querySelectorAll('input[name="entry"][form="bulk-approve"]');
  box.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (each) {
      each.checked = all.checked;
    });
  });
  boxes.forEach(function (each) {
    each.addEventListener("change", function () {
      all.checked = Array.prototype.every.call(boxes, function (one) {
        return one.checked;
      });
    });
  });
})();
