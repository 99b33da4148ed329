// The paper-entry page (pages/paper_entry.py): the blank card's first answer takes the
// cursor, ready for the next card. Served by the app, so its Content-Security-Policy
// ('self' only, no inline script) allows it.
(function () {
  var first = window.parent.document.querySelector('input[aria-label^="Overall rating"]');
  if (first) {
    first.focus();
  }
})();
