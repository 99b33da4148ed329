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

QUESTION_KIND: dict[str, str] = {
    "went_well": "went_well",
    "to_change": "to_change",
    "help_next": "general",
}

MAX_ANSWER_CHARS = 2000
