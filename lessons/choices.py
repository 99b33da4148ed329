"""The fixed vocabularies the form, the store and the analysis share.

Codes are stored in the database; labels are what people read. Keep codes
stable: changing one is a migration.
"""

from __future__ import annotations

SESSION_STATUSES: dict[str, str] = {
    "planned": "Planned",
    "delivered": "Delivered",
    "reviewed": "Reviewed",
}

SESSION_FORMATS: dict[str, str] = {
    "workshop": "Workshop (in person)",
    "webinar": "Webinar (online)",
    "surgery": "Drop-in surgery",
    "briefing": "Briefing",
    "one_to_one": "One-to-one",
}

RATING_LABELS: dict[int, str] = {
    1: "Poor",
    2: "Fair",
    3: "Good",
    4: "Very good",
    5: "Excellent",
}

CONFIDENCE_LABELS: dict[int, str] = {
    1: "Not at all",
    2: "A little",
    3: "Fairly",
    4: "Very",
    5: "Completely",
}

BALANCE_CHOICES: dict[str, str] = {
    "more_why": "I wanted more of the why (context, benefits, risks)",
    "about_right": "About right",
    "more_how": "I wanted more of the how (hands-on practice)",
}

LENGTH_CHOICES: dict[str, str] = {
    "too_short": "Too short",
    "about_right": "About right",
    "too_long": "Too long",
}

# The four kinds of councillor from the seed blog post, in the attendees' own words.
COUNCILLOR_TYPES: dict[str, str] = {
    "sceptic": "I'm not convinced social media is worth my time",
    "cautious": "Curious, but cautious about the risks",
    "evangelist": "I already use it and want to do more",
    "next_generation": "I expected these tools to be part of the job",
}

# Short names for charts and tables.
COUNCILLOR_TYPE_SHORT: dict[str, str] = {
    "sceptic": "Sceptic",
    "cautious": "Curious but cautious",
    "evangelist": "Evangelist",
    "next_generation": "Next generation",
}

# The three free-text questions, and the question kind the analysis reads them as.
QUESTIONS: dict[str, str] = {
    "went_well": "What worked well for you?",
    "to_change": "What should we change for next time?",
    "help_next": "What help would you like next?",
}
# The day's questions: every figure of the day (post-mortem, verdicts, trends, the programme
# report) counts only the comments answering them, never the follow-up's.
DAY_QUESTIONS: tuple[str, ...] = tuple(QUESTIONS)

# The follow-up's two free-text questions (issue 16), stored as comments beside the day's and
# analysed the same way: what got in the way reads like "what should we change?" ("Nothing"
# is no complaint there).
FOLLOWUP_QUESTIONS: dict[str, str] = {
    "fu_barriers": "Anything else that got in the way?",
    "fu_help_next": "What help would you like next?",
}
# Every question a comment can answer, with the words people read beside the comment.
COMMENT_QUESTIONS: dict[str, str] = {
    **QUESTIONS,
    "fu_barriers": "Follow-up: what got in the way?",
    "fu_help_next": "Follow-up: what help next?",
}

# When a comment was said: on the day (the day's form, paper card or import) or weeks on (the
# follow-up), and the questions each answers. The Comments page shows the day's unless asked.
COMMENT_MOMENTS: dict[str, str] = {"day": "On the day", "weeks_on": "Weeks on (follow-up)"}
MOMENT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "day": DAY_QUESTIONS,
    "weeks_on": tuple(FOLLOWUP_QUESTIONS),
}

QUESTION_KIND: dict[str, str] = {
    "went_well": "went_well",
    "to_change": "to_change",
    "help_next": "general",
    "fu_barriers": "to_change",
    "fu_help_next": "general",
}

# The languages the attendees' form speaks: the code stored with a session and a response.
LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg (Welsh)"}
DEFAULT_LANGUAGE = "en"

# A session's feedback link and code (and its follow-up's): 31 characters, no 0/O, 1/I/L, so a
# code read off a projector can be typed on a phone; 128-bit tokens, so only people given
# the link can answer.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
TOKEN_BYTES = 16

MAX_FEEDBACK_ANSWER_CHARS = 2000  # each free-text answer on the attendees' form

# The anonymity rule: a figure built on fewer responses (or comments) than this is not shown
# or exported, and no breakdown is made of a smaller group, so no one can be picked out.
MIN_GROUP_SIZE = 5

# --- the lessons register ---------------------------------------------------------------
# The lifecycle: observed → identified → actioned → embedded → validated → archived, and
# rejected from any open stage.

STATUSES: dict[str, str] = {
    "observed": "Observed",
    "identified": "Identified",
    "actioned": "Actioned",
    "embedded": "Embedded",
    "validated": "Validated",
    "archived": "Archived",
    "rejected": "Rejected",
}
STATUS_MEANING: dict[str, str] = {
    "observed": "Something happened worth learning from.",
    "identified": "The lesson and what to do about it are agreed.",
    "actioned": "Someone owns an action with a due date.",
    "embedded": "Applied in a named later session.",
    "validated": "That session's feedback or a reflection shows it worked.",
    "archived": "Done with: kept for the record.",
    "rejected": "Not taken forward, with the reason.",
}
NEXT_STATUS: dict[str, str] = {
    "observed": "identified",
    "identified": "actioned",
    "actioned": "embedded",
    "embedded": "validated",
    "validated": "archived",
}
POLARITIES: dict[str, str] = {
    "sustain": "Sustain (keep doing)",
    "improve": "Improve (do differently)",
}
SCOPES: dict[str, str] = {
    "session": "This session",
    "programme": "The programme",
    "organisation": "The organisation",
}
PRIORITIES: dict[str, str] = {"high": "High", "medium": "Medium", "low": "Low"}

# --- the follow-up, weeks after a session (issue 16) ------------------------------------
# What people went on to do (Kirkpatrick level 3). Each action is tied to the themes it is
# evidence for: the form offers those that fit the session's themes, and a lesson's verdict
# counts the actions tied to its own themes.

FOLLOWUP_WEEKS_DEFAULT = 6
FOLLOWUP_WEEKS_MAX = 52
# The follow-up form stays open this long after it opens.
FOLLOWUP_OPEN_WEEKS = 8

FOLLOWUP_ACTIONS: dict[str, str] = {
    "page": "Set up or updated a page or profile",
    "posted": "Posted about ward or council work",
    "replied": "Replied to residents or joined a local conversation online",
    "safety": "Used the advice on abuse, safety or the pre-election period",
    "materials": "Went back to the guides, slides or links",
    "helped": "Helped a colleague get started",
    "nothing_yet": "Nothing yet",
}
NOTHING_YET = "nothing_yet"
# An action offered whatever the session was about (besides "nothing yet").
FOLLOWUP_GENERAL_ACTIONS = ("page", "posted")
FOLLOWUP_ACTION_THEMES: dict[str, tuple[str, ...]] = {
    "page": ("platforms", "hands_on"),
    "posted": ("platforms", "relevance", "hands_on"),
    "replied": ("platforms", "workload", "relevance"),
    "safety": ("risk",),
    "materials": ("materials",),
    "helped": ("level",),
}

FOLLOWUP_FREQUENCY: dict[str, str] = {
    "weekly": "Every week or more",
    "monthly": "Every month or so",
    "once": "Once or twice",
    "not_yet": "Not yet",
}

FOLLOWUP_BARRIERS: dict[str, str] = {
    "time": "Not enough time",
    "start": "Not sure how to start",
    "tech": "Logins, devices or technology",
    "risk": "Worried about abuse or getting it wrong",
    "support": "No one to ask for help",
    "relevance": "Not sure it is worth it for my ward",
    "nothing": "Nothing got in the way",
}
NOTHING_IN_THE_WAY = "nothing"
FOLLOWUP_BARRIER_THEMES: dict[str, str] = {
    "time": "workload",
    "start": "hands_on",
    "tech": "tech",
    "risk": "risk",
    "support": "materials",
    "relevance": "relevance",
}
