// The paper-entry page (pages/paper_entry.py): the blank card's first answer takes the
// cursor, ready for the next card. Served by the app, so its Content-Security-Policy
// ('self' only, no inline script) allows it.
(function () {
  // The day's card starts at the overall rating; the follow-up's at what was done since.
  // On a busy machine this frame can load before the card is drawn: look again for a while.
  var tries = 0;
  function focusFirstAnswer() {
    var first = window.parent.document.querySelector(
      'input[aria-label^="Overall rating"], input[aria-label^="Done since"]'
    );
    if (first) {
      first.focus();
    } else if (tries < 50) {
      tries += 1;
      window.setTimeout(focusFirstAnswer, 100);
    }
  }
  focusFirstAnswer();
})();
