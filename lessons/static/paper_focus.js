// The paper-entry page (pages/paper_entry.py): the blank card's first answer takes the
// cursor, ready for the next card. Served by the app, so its Content-Security-Policy
// ('self' only, no inline script) allows it.
(function () {
  // The day's card starts at the overall rating; the follow-up's at what was done since.
  var first = window.parent.document.querySelector(
    'input[aria-label^="Overall rating"], input[aria-label^="Done since"]'
  );
  if (first) {
    first.focus();
  }
})();
