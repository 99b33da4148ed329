"""A realistic, deterministic demo training programme.

Pure data: no streamlit, no database, no global random state. The demo loader
turns what :func:`generate_programme` returns into rows. Every date is relative
to ``today`` so that the demo always looks current: about twenty months of
delivered sessions, the two most recent awaiting their post-mortem, and three
planned in the coming weeks.

Each session follows a "story" taken from the seed blog post (the four-hour
session that overran, the sceptics who demanded to be convinced, the wifi that
failed, the surgery, co-delivery with councillors, ...). The story sets the
mix of councillors in the room, the ratings, the confidence uplift, the
balance and length answers and which comment banks the free text is drawn
from; later sessions show the lessons being applied.

All councils, people and contact details are fictional. Phone numbers use the
Ofcom drama range (07700 900xxx) and e-mail addresses use example domains.
Datetimes are naive local (UK) time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from lessons.privacy_notice import DEFAULT_RETENTION_MONTHS, PrivacySettings

__all__ = [
    "COUNCILS",
    "LESSON_STATUSES",
    "PROGRAMMES",
    "REFLECTION_PROMPTS",
    "THEME_COVERAGE_HINTS",
    "DemoEvidence",
    "DemoFollowup",
    "DemoLesson",
    "DemoProgramme",
    "DemoReflection",
    "DemoResponse",
    "DemoSession",
    "DemoStatusChange",
    "evidence_linked",
    "generate_followups",
    "generate_programme",
]


@dataclass(frozen=True)
class DemoResponse:
    submitted_at: dt.datetime
    overall_rating: int
    usefulness: int | None
    confidence_before: int | None
    confidence_after: int | None
    balance: str | None
    length: str | None
    councillor_type: str | None
    went_well: str
    to_change: str
    help_next: str
    contact_name: str | None
    contact_detail: str | None


@dataclass(frozen=True)
class DemoSession:
    key: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online: bool
    council: str
    programme: str
    format: str
    facilitators: tuple[str, ...]
    councillor_facilitators: tuple[str, ...]
    context_minutes: int
    hands_on_minutes: int
    expected_attendees: int
    status: str
    story: str
    responses: tuple[DemoResponse, ...]


@dataclass(frozen=True)
class DemoReflection:
    """One facilitator's reflection on a delivered session."""

    session_key: str
    author: str
    template: str  # aar, gibbs or rolfe
    status: str  # draft or final
    written_at: dt.datetime
    answers: tuple[tuple[str, str], ...]  # (prompt key, text), in the template's order


@dataclass(frozen=True)
class DemoEvidence:
    """What a lesson rests on: an attendee comment, a reflection answer or a note."""

    kind: str  # comment, reflection or note
    session_key: str
    response_index: int | None  # comment: index into that session's responses
    question: str | None  # comment: went_well, to_change or help_next
    reflection_author: str | None  # reflection: whose reflection on that session
    prompt: str | None  # reflection: which answer
    note: str


@dataclass(frozen=True)
class DemoStatusChange:
    at: dt.datetime
    actor: str
    to_status: str
    reason: str


@dataclass(frozen=True)
class DemoLesson:
    key: str
    title: str
    what_happened: str
    effect: str
    cause: str
    lesson: str
    recommendation: str
    polarity: str
    scope: str
    priority: str
    themes: tuple[str, ...]
    action: str
    owner: str
    due_date: dt.date | None
    status: str
    source_session_key: str
    applied_session_key: str | None
    effectiveness_evidence: str
    rejection_reason: str
    logged_at: dt.datetime
    logged_by: str
    history: tuple[DemoStatusChange, ...]  # every move after logging, in order
    evidence: tuple[DemoEvidence, ...]


@dataclass(frozen=True)
class DemoProgramme:
    sessions: tuple[DemoSession, ...]
    reflections: tuple[DemoReflection, ...] = ()
    lessons: tuple[DemoLesson, ...] = ()


# --------------------------------------------------------------------------------------
# Fictional organisations and people
# --------------------------------------------------------------------------------------

CALDERBROOK = "Calderbrook Metropolitan Borough Council"
WHARFESIDE = "Wharfeside City Council"
HAVERLEIGH = "Haverleigh District Council"
BRACKENMOOR = "Brackenmoor Borough Council"
THORNWICK = "Thornwick and Dale District Council"
SKELBROOK = "Skelbrook Town Council"

COUNCILS: tuple[str, ...] = (CALDERBROOK, WHARFESIDE, HAVERLEIGH, BRACKENMOOR, THORNWICK, SKELBROOK)

# The demo's privacy notice: fictional, like everything here (".example" addresses go nowhere).
DEMO_PRIVACY = PrivacySettings(
    controller=CALDERBROOK,
    team="the Member Development team, for the councils sharing this programme",
    dpo_email="data.protection@calderbrook.example",
    address="Data Protection Officer, Calderbrook Town Hall, Market Street, Calderbrook",
    retention_months=DEFAULT_RETENTION_MONTHS,
)

SOCIAL = "Councillors and Social Media"
WARD = "Digital Ward Work"
PROGRAMMES: tuple[str, ...] = (SOCIAL, WARD)

# Officers: a mix of democratic services and web/communications staff.
WHITAKER = "Joanne Whitaker"
HOLROYD = "Gareth Holroyd"
SANDHU = "Priya Sandhu"
AINSLEY = "Tom Ainsley"
MARSDEN = "Fiona Marsden"
QURESHI = "Imran Qureshi"
BENTLEY = "Rachel Bentley"

# Councillors who co-deliver.
SHACKLETON = "Cllr Dave Shackleton"
AKHTAR = "Cllr Nasreen Akhtar"
CROWTHER = "Cllr Helen Crowther"
OLDROYD = "Cllr Martin Oldroyd"

# Everyone in the story who writes in the app signs in as themselves. The leads are those
# who judge whether a lesson worked (validate, archive); Fiona also runs the app (people,
# themes). The password is shown on the sign-in page while the demo is loaded: the demo
# database is never for real work.
DEMO_PASSWORD = "lessons-demo"
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    (WHITAKER, "joanne.whitaker@councils.example", "lead"),
    (SANDHU, "priya.sandhu@councils.example", "lead"),
    (BENTLEY, "rachel.bentley@councils.example", "lead"),
    (MARSDEN, "fiona.marsden@councils.example", "admin"),
    (HOLROYD, "gareth.holroyd@councils.example", "facilitator"),
    (AINSLEY, "tom.ainsley@councils.example", "facilitator"),
    (QURESHI, "imran.qureshi@councils.example", "facilitator"),
    (SHACKLETON, "dave.shackleton@councils.example", "facilitator"),
    (AKHTAR, "nasreen.akhtar@councils.example", "facilitator"),
    (CROWTHER, "helen.crowther@councils.example", "facilitator"),
    (OLDROYD, "martin.oldroyd@councils.example", "facilitator"),
)

# Attendees who opt in to leave a name, built from these parts.
_CONTACT_FIRST_NAMES: tuple[str, ...] = (
    "Jean",
    "Shabana",
    "Keith",
    "Wendy",
    "Pete",
    "Margaret",
    "Darren",
    "Aisha",
    "Colin",
    "Lorraine",
    "Mohammed",
    "Sue",
)
_CONTACT_SURNAMES: tuple[str, ...] = (
    "Holt",
    "Ahmed",
    "Barraclough",
    "Lumb",
    "Firth",
    "Ibbotson",
    "Sykes",
    "Hussain",
    "Greenwood",
    "Booth",
    "Haigh",
    "Kaur",
)

# --------------------------------------------------------------------------------------
# Theme keyword hints (a cheap check that every default theme is present)
# --------------------------------------------------------------------------------------

THEME_COVERAGE_HINTS: dict[str, tuple[str, ...]] = {
    "pace": (
        "too long",
        "overran",
        "ran out of time",
        "rushed",
        "pace",
        "shorter",
        "break",
        "on time",
        "crammed",
    ),
    "hands_on": (
        "hands-on",
        "practic",
        "practis",
        "have a go",
        "having a go",
        "up and running",
        "set up",
        "setting up",
        "trying it",
        "try it",
        "shown how",
        "surgery",
        "by doing",
        "more doing",
    ),
    "relevance": (
        "why we should bother",
        "worth",
        "convinced",
        "benefit",
        "the point",
        "fuss",
        "why it matters",
        "what's in it",
        "evidence",
    ),
    "risk": (
        "abuse",
        "troll",
        "code of conduct",
        "pre-election",
        "privacy",
        "risk",
        "goes wrong",
        "legal",
    ),
    "tech": (
        "wifi",
        "laptop",
        "log in",
        "logins",
        "projector",
        "password",
        "audio",
        "tech",
        "signal",
        "kicked out",
        "link in the invite",
    ),
    "facilitation": (
        "presenter",
        "facilitator",
        "jargon",
        "helpers",
        "speakers",
        "explained",
        "patient",
        "preachy",
        "lectured",
    ),
    "materials": ("slides", "handout", "guide", "links", "cheat sheet", "notes", "checklist"),
    "level": (
        "basic",
        "advanced",
        "beginner",
        "level",
        "mixed abilities",
        "group too big",
        "daft questions",
        "knew",
    ),
    "platforms": (
        "twitter",
        "facebook",
        "nextdoor",
        "instagram",
        "linkedin",
        "whatsapp",
        "youtube",
        "tiktok",
        "blog",
    ),
    "venue": ("room", "parking", "venue", "lunch", "coffee", "biscuits", "travel", "chairs"),
    "workload": (
        "busy",
        "casework",
        "time it takes",
        "keep it up",
        "minutes a day",
        "swamped",
        "find the time",
        "spare time",
    ),
}

# --------------------------------------------------------------------------------------
# Phrase banks. Hand-written fragments, combined and lightly varied per response.
# "{officer}" and "{cllr}" are filled from the session's facilitators.
# --------------------------------------------------------------------------------------

_WENT_WELL: dict[str, tuple[str, ...]] = {
    "pace": (
        "Good pace",
        "Kept to time, which I appreciated",
        "Didn't drag at all",
        "Two and a half hours was about right",
        "Nice to have a proper break halfway",
        "Shorter than the last one and much better for it",
        "finished on time for once",
        "Well paced, never felt rushed",
        "The hour went quickly",
    ),
    "hands_on": (
        "The hands-on bit",
        "Actually setting up my account on the day",
        "Having a go with someone on hand to help",
        "Practising a few posts with a helper next to me",
        "Getting my Twitter account up and running at last",
        "Being shown how rather than told why",
        "The surgery part at the end was the most useful bit",
        "Practised scheduling a post, finally get it",
        "Practical, we got stuck in straight away",
        "Trying it on my own phone rather than watching slides",
        "Set up and posted my first photo from the ward",
        "learning by doing",
    ),
    "relevance": (
        "Made me see why it matters for ward work",
        "Good examples of councillors reaching residents who never come to surgeries",
        "Understanding the benefits for my ward",
        "Convinced me it's worth a try",
        "Real examples from other councils",
        "Hearing how it helped with a planning consultation",
        "Finally understand what all the fuss is about",
        "the bit about reaching younger residents",
        "Honest about what it can and can't do for a councillor",
    ),
    "risk": (
        "Clear advice on dealing with trolls",
        "Good to talk about the risks openly",
        "The code of conduct part was very helpful",
        "Reassuring about what to do if it goes wrong",
        "Pre-election period rules explained clearly",
        "Knowing I can block and report people",
        "The examples of what not to post",
        "Really helpful on keeping personal and council accounts separate",
        "Advice on privacy settings",
    ),
    "tech": (
        "No tech problems at all",
        "Having spare laptops ready was a good idea",
        "Logins were sorted before we started",
        "Helpers sorted my password problem in two minutes",
        "Could actually see the projector screen this time",
    ),
    "facilitation": (
        "Excellent presenters, knew their stuff",
        "Really patient facilitators",
        "Explained things without the jargon",
        "Friendly and not patronising",
        "Good mix of officers and members leading it",
        "Plenty of helpers round the room",
        "Very clear, easy to follow",
        "Kept everyone involved",
        "{officer} was brilliant",
        "{officer} was really patient with me",
        "Thanks to {officer} for sorting my account out",
    ),
    "councillor_voice": (
        "Hearing from councillors who actually do it",
        "Having a fellow councillor deliver it made all the difference",
        "The councillor perspective was brilliant",
        "{cllr} talking about their own ward was the best bit",
        "Real councillors, real examples, not just officers telling us",
        "cllrs co-presenting made it feel relevant",
        "Good to hear the honest version from another member",
        "{cllr}'s stories made it real",
    ),
    "materials": (
        "The handout is great",
        "Useful step-by-step guide to take away",
        "Slides were clear",
        "Good list of links to follow up",
        "The cheat sheet for privacy settings",
        "Liked the follow-up email with the notes",
        "the printed guide, already used it at home",
    ),
    "level": (
        "Pitched at the right level",
        "Good for a complete beginner like me",
        "Small group so I could ask daft questions",
        "Learnt a lot from other members round the table",
        "Didn't assume we knew everything",
        "Splitting into beginner and confident tables worked",
        "Good discussion with members from other councils",
    ),
    "platforms": (
        "Learning about Facebook groups for the ward",
        "Twitter explained properly at last",
        "Nextdoor was new to me and looks useful",
        "The WhatsApp community groups idea",
        "Good comparison of the different platforms",
        "The bit on blogging",
        "LinkedIn tips",
        "Instagram for ward events",
        "YouTube for short clips of council meetings",
    ),
    "venue": (
        "Nice venue, easy parking",
        "Good lunch!",
        "Comfortable room",
        "Plenty of coffee",
        "Easy to get to on the bus",
        "Good biscuits",
    ),
    "online_ok": (
        "Could join from home, no travel",
        "Lunchtime slot online suits me",
        "Easy to fit in from home",
    ),
    "workload": (
        "Tips on fitting it into a busy week",
        "Scheduling posts will save me time",
        "Realistic about how much time it takes",
        "Useful ideas for handling casework that comes in online",
        "15 minutes a day sounds doable",
        "Nice that it didn't pretend we have loads of spare time",
    ),
    "generic": (
        "Very useful",
        "Really enjoyed it",
        "Good session, thank you",
        "Informative",
        "Lots to think about",
        "Excellent",
        "it was all good",
        "Thank you, very helpful",
        "Useful refresher",
        "Great session",
    ),
    "all": ("All of it", "Everything", "All good", "everything really"),
    "not_much": (
        "Not a lot to be honest",
        "Not much",
        "Meeting other members",
        "The tea break",
        "Some of it",
    ),
    "mixed": (
        "Useful, but far too long",
        "Good content but rushed at the end",
        "Interesting but I still don't see the point for my ward",
        "Liked the practical bit, shame there wasn't more of it",
        "Good speakers, too much talking though",
        "Useful info but a very long afternoon",
    ),
    # Story-specific banks.
    "wifi_failed_ok": (
        "Helpful once the wifi was sorted",
        "The presenters coped well when the tech died",
        "Good demo on the projector even if we couldn't try it ourselves",
        "Officers kept going despite everything",
    ),
    "tech_fixed": (
        "Everything worked from the start, no waiting about",
        "Laptops ready and logged in when we arrived",
        "wifi sorted beforehand, made a big difference",
        "Wifi worked fine this time",
    ),
    "double_booked_ok": (
        "Content was good despite the room",
        "Well done for carrying on in the side hall",
    ),
    "small_group": (
        "Lots of individual attention",
        "Only a few of us so plenty of time for questions",
        "Relaxed and friendly",
    ),
    "one_to_one": (
        "Having someone to myself for an hour",
        "Went at my pace",
        "Left with my page set up and a post done",
    ),
    "surgery_fb": (
        "Got our ward Facebook page set up",
        "Short intro on why, then straight into it",
        "A helper per table",
    ),
}

_TO_CHANGE: dict[str, tuple[str, ...]] = {
    "pace": (
        "Far too long",
        "Too long, four hours after a full day is a lot",
        "Rushed at the end",
        "Needs a break in the middle",
        "Could be done in half the time",
        "Started late",
        "Shorter please",
        "Too much crammed in",
        "the intro went on a bit",
        "Keep it to two hours max",
    ),
    "too_short": (
        "Could have done with another hour",
        "Too short, just getting going when it ended",
        "Longer next time please",
        "Over too quickly",
    ),
    "overran": (
        "Overran by nearly an hour",
        "Ran out of time before we got to try anything",
        "Four hours and still only scratched the surface",
        "We never got to the surgery bit",
        "Had to leave before the end, it overran",
    ),
    "hands_on": (
        "More hands-on time",
        "Less talk, more doing",
        "Wanted to actually try it",
        "More time to practise",
        "Just show me how to set it up",
        "Needed more help getting started",
        "Would have liked to set up my account on the day",
        "Not enough practical",
        "more time on our own phones",
        "Get us doing it sooner",
    ),
    "relevance": (
        "More on why we should bother",
        "Needs more evidence it actually reaches residents",
        "Didn't explain how it helps with ward work",
        "More on the benefits before the how-to",
        "Wasn't clear what's in it for councillors",
        "Who actually reads this stuff?",
        "Explain the point first",
        "a bit more on why before diving in",
    ),
    "risk": (
        "More on dealing with abuse",
        "Didn't really cover the risks",
        "Needed more on trolls",
        "What about the pre-election period?",
        "Need clearer guidance on the code of conduct",
        "More on what to do when it goes wrong",
        "What about privacy and my home address being online",
        "Legal side was skated over",
        "More real cases of councillors getting into trouble",
    ),
    "tech": (
        "Test the tech before we start",
        "Projector kept cutting out",
        "No phone signal in the room",
        "Could not log in to the council laptop",
        "Needed a spare charger, my phone died halfway",
    ),
    "tech_online": (
        "Sound kept dropping out on Teams",
        "Couldn't hear half of it, audio kept breaking up",
        "Kept getting kicked out of the call",
        "The link in the invite didn't work, missed the first ten minutes",
        "Screen share was too small to read on a laptop",
    ),
    "wifi_failed": (
        "The wifi!!",
        "Wifi didn't work for the first hour",
        "Couldn't log in to anything",
        "Laptops kept freezing",
        "Half of us couldn't get on the wifi",
        "Forgot my password and got stuck for ages",
        "Check the wifi before we arrive",
        "Pointless having laptops with no internet",
        "Sat watching the projector for an hour",
    ),
    "facilitation": (
        "Presenter went too fast",
        "Too much jargon",
        "Some of the speakers went on a bit",
        "Needed more helpers for the practical",
        "A bit preachy",
        "Felt lectured at",
        "Hard to hear at the back",
        "A few people dominated the discussion",
        "More councillors presenting, fewer officers",
    ),
    "materials": (
        "Slides too busy",
        "A handout to take away would help",
        "Send the slides round afterwards",
        "Couldn't read the slides from the back",
        "Need something written down to refer back to",
        "Some of the links in the pack didn't work",
        "Print the guide in a bigger font",
    ),
    "level": (
        "Too basic for me",
        "Too advanced for a beginner",
        "Pitched at the wrong level",
        "Split into beginners and experienced",
        "Group too big",
        "Mixed abilities made it hard to follow",
        "Assumed we knew more than we did",
        "I already knew most of this",
        "Lost me when it got onto analytics",
    ),
    "platforms": (
        "Too much Twitter, not enough Facebook",
        "Nothing on Instagram",
        "Didn't cover Nextdoor",
        "What about TikTok?",
        "More on Facebook pages vs profiles",
        "WhatsApp groups weren't mentioned",
        "less twitter please, none of my residents use it",
    ),
    "venue": (
        "Room too cold",
        "Room too small for the numbers",
        "Parking was a nightmare",
        "No lunch provided",
        "Better chairs",
        "Hard to find the room",
        "Afternoons are hard for those of us who work",
        "Run it in the evening for those of us with day jobs",
    ),
    "double_booked": (
        "Sort the room booking out",
        "The side hall was freezing",
        "Nowhere to park nearby",
        "Couldn't see the screen in that hall",
        "Moving rooms at the last minute wasted 20 minutes",
    ),
    "workload": (
        "Where will I find the time to do this?",
        "Already swamped with casework",
        "Doesn't address the time it takes",
        "Realistically I won't keep it up",
        "Evenings are already full with meetings",
        "Need to know how long this takes each week, I'm busy enough",
    ),
    "nothing": (
        "Nothing",
        "Nothing really",
        "n/a",
        "N/A",
        "Nothing, it was fine",
        "Keep it as it is",
        "Can't think of any changes",
        "nothing",
        "No changes",
        "Not a thing",
    ),
}

_HELP_NEXT: dict[str, tuple[str, ...]] = {
    "hands_on": (
        "A follow-up surgery",
        "One-to-one help setting up my page",
        "Drop-in session to practise",
        "Someone to sit with me for half an hour",
        "A session just on doing it, no slides",
    ),
    "platforms": (
        "Setting up a ward Facebook group",
        "Using Nextdoor",
        "Twitter lists and following the right people",
        "Instagram basics",
        "Making short videos",
        "LinkedIn",
        "WhatsApp for residents' groups",
    ),
    "risk": (
        "Guidance on handling abusive comments",
        "Pre-election rules written down",
        "What to do if I get trolled",
        "Code of conduct and social media on one page",
        "Who to call when it goes wrong",
    ),
    "materials": (
        "A written guide",
        "Copy of the slides",
        "Links to the tools",
        "A simple checklist",
        "Step by step guide with pictures",
    ),
    "relevance": (
        "Evidence of what works",
        "Examples from other councillors",
        "Figures on how many residents use each platform",
    ),
    "workload": (
        "How to manage it in 15 mins a day",
        "Scheduling tools",
        "How to handle casework that comes in by DM",
    ),
    "advanced": (
        "Analytics - who is actually seeing my posts",
        "Advanced tips",
        "Paid promotion and what's allowed",
        "Live streaming a ward surgery",
        "Hootsuite or similar",
    ),
    "peer": (
        "A buddy who is good at it",
        "Peer support group for members",
        "Keep in touch, maybe a WhatsApp group for us",
    ),
    "generic": (
        "More of the same",
        "An advanced session",
        "A refresher in six months",
        "Keep in touch",
    ),
    "none": ("n/a", "Not sure yet", "Nothing for now", "None", "nothing", "Not sure", "-"),
    "callback": (
        "Could someone ring me about a one-to-one?",
        "Please get in touch, happy to help run the next one",
        "Would like a call about setting up a page",
    ),
}

# Fragments that colour a comment by the kind of councillor writing it.
_TYPE_BANKS: dict[str, dict[str, tuple[str, ...]]] = {
    "sceptic": {
        "went_well": (
            "Better than I expected",
            "Some fair points",
            "The honest bit about the downsides",
            "Didn't oversell it",
        ),
        "to_change": (
            "Still not convinced it's worth the time",
            "Most of my ward aren't on Facebook",
            "I have residents who aren't online at all",
            "Show me evidence it changes anything",
            "I'll stick to leaflets and knocking on doors",
            "Seems like a lot of noise for very little",
        ),
        "help_next": ("Evidence it reaches older residents", "Proof it's worth it"),
    },
    "cautious": {
        "went_well": (
            "Felt safer about giving it a go",
            "Reassuring",
            "Less scared of it now",
        ),
        "to_change": (
            "I'm still nervous about abuse",
            "Worried about saying something wrong",
            "More on protecting my family's privacy",
            "Scared of getting it wrong in public",
        ),
        "help_next": (
            "Someone to check my first few posts",
            "A named officer to ask",
            "What to do if the trolls start",
        ),
    },
    "evangelist": {
        "went_well": (
            "Picked up a couple of new tricks",
            "Good to compare notes with other members who use it",
            "Nice to help others on my table",
        ),
        "to_change": (
            "Bit basic for me",
            "Would like an advanced stream",
            "Skip the why, we know why",
            "Let experienced members help the others",
        ),
        "help_next": (
            "Analytics",
            "Advanced tips on video",
            "Scheduling tools",
            "How to grow followers in the ward",
        ),
    },
    "next_generation": {
        "went_well": (
            "Good to meet other new members",
            "Council policy bit was new to me",
            "Useful on the council's rules",
        ),
        "to_change": (
            "Expected this to be basic and it was",
            "I assumed the council had this sorted already",
            "Should be part of induction",
            "Most of us already use these apps daily",
        ),
        "help_next": (
            "Council phone with the apps set up",
            "Guidance on personal vs councillor accounts",
            "The council's official social media policy",
        ),
    },
}

# Answers that stand alone and are never combined with another fragment.
_SOLO_BANKS = frozenset({"all", "nothing", "none", "not_much"})

_PROPER_WORDS = frozenset(
    {
        "I",
        "I'm",
        "I'll",
        "I've",
        "Twitter",
        "Facebook",
        "Nextdoor",
        "Instagram",
        "LinkedIn",
        "WhatsApp",
        "YouTube",
        "TikTok",
        "Teams",
        "Hootsuite",
        "Cllr",
    }
)

_TYPOS: dict[str, str] = {
    "definitely": "definately",
    "separate": "seperate",
    "useful": "usefull",
    "really": "realy",
    "because": "becuase",
    "practise": "practice",
    "their": "there",
    "the": "teh",
    "which": "whcih",
    "would": "woudl",
    "session": "sesion",
}

# --------------------------------------------------------------------------------------
# Stories
# --------------------------------------------------------------------------------------

_TYPE_KEYS: tuple[str, ...] = ("sceptic", "cautious", "evangelist", "next_generation")
_LENGTH_KEYS: tuple[str, ...] = ("too_short", "about_right", "too_long")
_BALANCE_KEYS: tuple[str, ...] = ("more_why", "about_right", "more_how")

_TYPE_RATING = {"sceptic": -0.6, "cautious": 0.0, "evangelist": -0.1, "next_generation": -0.2}
_TYPE_CONFIDENCE = {"sceptic": 2.2, "cautious": 1.8, "evangelist": 4.0, "next_generation": 3.3}
_TYPE_UPLIFT = {"sceptic": 0.6, "cautious": 1.2, "evangelist": 0.5, "next_generation": 0.7}
_LENGTH_RATING = {"too_short": -0.2, "about_right": 0.2, "too_long": -0.5}


@dataclass(frozen=True)
class _Story:
    rating: float  # mean overall rating before per-response adjustments
    uplift: float  # mean confidence gain (after - before)
    length: tuple[float, float, float]  # weights: too_short, about_right, too_long
    balance: tuple[float, float, float]  # weights: more_why, about_right, more_how
    types: tuple[float, float, float, float]  # sceptic, cautious, evangelist, next_generation
    went_well: dict[str, float]
    to_change: dict[str, float]
    help_next: dict[str, float]
    late_minutes: int = 0  # how far past the planned end people were still filling it in


_STORIES: dict[str, _Story] = {
    "overran": _Story(
        rating=4.0,
        uplift=1.1,
        length=(0.02, 0.28, 0.70),
        balance=(0.1, 0.28, 0.62),
        types=(0.3, 0.35, 0.25, 0.1),
        went_well={
            "councillor_voice": 3,
            "relevance": 2,
            "facilitation": 1.5,
            "generic": 2,
            "risk": 1,
            "platforms": 1,
            "mixed": 2,
            "all": 0.5,
        },
        to_change={
            "overran": 3,
            "pace": 2.5,
            "hands_on": 3,
            "level": 0.7,
            "venue": 0.5,
            "facilitation": 0.5,
            "nothing": 0.8,
        },
        help_next={"hands_on": 3, "platforms": 2, "materials": 1.5, "none": 2, "generic": 1},
        late_minutes=35,
    ),
    "sceptics": _Story(
        rating=3.3,
        uplift=0.6,
        length=(0.05, 0.45, 0.5),
        balance=(0.55, 0.3, 0.15),
        types=(0.5, 0.25, 0.15, 0.1),
        went_well={
            "relevance": 1.5,
            "councillor_voice": 1.5,
            "facilitation": 1,
            "generic": 1.5,
            "not_much": 1.5,
            "mixed": 1.5,
            "risk": 1,
        },
        to_change={
            "relevance": 3,
            "workload": 2.5,
            "pace": 1.5,
            "facilitation": 1.5,
            "hands_on": 1,
            "nothing": 0.7,
        },
        help_next={"relevance": 2.5, "none": 3, "workload": 1, "hands_on": 1},
        late_minutes=15,
    ),
    "wifi": _Story(
        rating=3.0,
        uplift=0.5,
        length=(0.05, 0.5, 0.45),
        balance=(0.1, 0.3, 0.6),
        types=(0.2, 0.4, 0.25, 0.15),
        went_well={
            "wifi_failed_ok": 3,
            "facilitation": 2,
            "generic": 1.5,
            "not_much": 1.5,
            "materials": 1,
            "relevance": 1,
        },
        to_change={"wifi_failed": 7, "tech": 1.5, "hands_on": 2, "pace": 1, "nothing": 0.3},
        help_next={"hands_on": 3, "materials": 1.5, "none": 2, "platforms": 1.5},
    ),
    "surgery": _Story(
        rating=4.5,
        uplift=1.3,
        length=(0.3, 0.65, 0.05),
        balance=(0.35, 0.55, 0.1),
        types=(0.15, 0.4, 0.3, 0.15),
        went_well={
            "hands_on": 8,
            "facilitation": 1.5,
            "level": 1.5,
            "generic": 1,
            "all": 0.5,
            "platforms": 1,
        },
        to_change={"relevance": 2.5, "nothing": 3, "materials": 1.5, "venue": 0.5},
        help_next={"relevance": 1.5, "hands_on": 2, "platforms": 2, "none": 2, "materials": 1},
    ),
    "risk": _Story(
        rating=3.9,
        uplift=1.2,
        length=(0.1, 0.75, 0.15),
        balance=(0.35, 0.45, 0.2),
        types=(0.15, 0.55, 0.2, 0.1),
        went_well={"risk": 5, "facilitation": 1.5, "generic": 1.5, "materials": 1},
        to_change={"risk": 3, "hands_on": 1.2, "venue": 0.7, "nothing": 2, "materials": 1},
        help_next={"risk": 3, "materials": 2, "peer": 1, "none": 2},
    ),
    "webinar": _Story(
        rating=3.7,
        uplift=0.8,
        length=(0.1, 0.7, 0.2),
        balance=(0.2, 0.4, 0.4),
        types=(0.2, 0.3, 0.35, 0.15),
        went_well={"platforms": 5, "workload": 1, "generic": 1.5, "online_ok": 1, "pace": 1},
        to_change={
            "tech_online": 3,
            "hands_on": 2,
            "platforms": 1.5,
            "facilitation": 0.8,
            "nothing": 2,
        },
        help_next={"platforms": 3, "hands_on": 2, "none": 2},
    ),
    "small": _Story(
        rating=4.3,
        uplift=1.4,
        length=(0.1, 0.85, 0.05),
        balance=(0.2, 0.6, 0.2),
        types=(0.2, 0.5, 0.1, 0.2),
        went_well={"small_group": 4, "hands_on": 2, "venue": 1.5, "level": 1.5},
        to_change={"nothing": 4, "venue": 1, "materials": 1},
        help_next={"hands_on": 2, "peer": 1.5, "none": 2},
    ),
    "newgen": _Story(
        rating=3.5,
        uplift=0.5,
        length=(0.25, 0.55, 0.2),
        balance=(0.15, 0.35, 0.5),
        types=(0.05, 0.15, 0.25, 0.55),
        went_well={
            "risk": 2,
            "facilitation": 1.5,
            "generic": 1.5,
            "platforms": 1,
            "level": 0.5,
            "mixed": 0.5,
        },
        to_change={"level": 4, "hands_on": 1.5, "platforms": 1.5, "facilitation": 1, "nothing": 1},
        help_next={"advanced": 3, "platforms": 1.5, "risk": 1.5, "none": 2},
    ),
    "evangelist": _Story(
        rating=4.3,
        uplift=0.7,
        length=(0.2, 0.7, 0.1),
        balance=(0.1, 0.5, 0.4),
        types=(0.05, 0.15, 0.65, 0.15),
        went_well={
            "platforms": 3,
            "workload": 1.5,
            "hands_on": 2,
            "councillor_voice": 1,
            "generic": 1,
        },
        to_change={"level": 2.5, "too_short": 1.5, "platforms": 1.5, "nothing": 2},
        help_next={"advanced": 4, "platforms": 2, "generic": 1, "none": 1},
    ),
    "lessons_tech": _Story(
        rating=4.2,
        uplift=1.3,
        length=(0.1, 0.8, 0.1),
        balance=(0.2, 0.55, 0.25),
        types=(0.2, 0.35, 0.25, 0.2),
        went_well={
            "tech_fixed": 3,
            "hands_on": 3,
            "pace": 2,
            "councillor_voice": 1.5,
            "generic": 1.5,
            "all": 0.8,
        },
        to_change={"nothing": 4, "hands_on": 1, "platforms": 1, "materials": 1, "venue": 0.5},
        help_next={"hands_on": 1.5, "platforms": 2, "materials": 1, "none": 2.5},
    ),
    "one_to_one": _Story(
        rating=4.7,
        uplift=1.8,
        length=(0.1, 0.9, 0.0),
        balance=(0.1, 0.8, 0.1),
        types=(0.1, 0.3, 0.1, 0.5),
        went_well={"one_to_one": 4, "hands_on": 2},
        to_change={"nothing": 5, "materials": 0.5},
        help_next={"peer": 1, "none": 2, "platforms": 1},
    ),
    "venue": _Story(
        rating=3.5,
        uplift=0.9,
        length=(0.1, 0.6, 0.3),
        balance=(0.2, 0.5, 0.3),
        types=(0.25, 0.3, 0.25, 0.2),
        went_well={
            "double_booked_ok": 2,
            "platforms": 2,
            "relevance": 1.5,
            "generic": 1.5,
            "facilitation": 1.5,
        },
        to_change={"double_booked": 4, "venue": 3, "nothing": 1, "pace": 1},
        help_next={"platforms": 2, "materials": 1.5, "none": 2.5},
    ),
    "sceptics_won": _Story(
        rating=4.0,
        uplift=1.1,
        length=(0.05, 0.75, 0.2),
        balance=(0.25, 0.55, 0.2),
        types=(0.4, 0.3, 0.2, 0.1),
        went_well={"councillor_voice": 4, "relevance": 4, "hands_on": 1.5, "generic": 1.5},
        to_change={
            "nothing": 2.5,
            "hands_on": 1.5,
            "workload": 1.5,
            "relevance": 0.8,
            "pace": 0.8,
        },
        help_next={"hands_on": 2, "relevance": 1, "peer": 2, "none": 2},
    ),
    "workload": _Story(
        rating=4.1,
        uplift=0.9,
        length=(0.2, 0.7, 0.1),
        balance=(0.2, 0.45, 0.35),
        types=(0.25, 0.3, 0.3, 0.15),
        went_well={"workload": 5, "platforms": 1.5, "pace": 1.5, "online_ok": 1.5, "generic": 1},
        to_change={
            "workload": 2,
            "too_short": 1.5,
            "hands_on": 1.5,
            "tech_online": 1,
            "nothing": 2.5,
        },
        help_next={"workload": 3, "advanced": 1.5, "platforms": 1, "none": 2.5},
    ),
    "rebalanced": _Story(
        rating=4.3,
        uplift=1.4,
        length=(0.08, 0.8, 0.12),
        balance=(0.2, 0.6, 0.2),
        types=(0.25, 0.35, 0.25, 0.15),
        went_well={
            "hands_on": 3,
            "pace": 2.5,
            "councillor_voice": 2.5,
            "tech_fixed": 1.5,
            "tech": 1,
            "facilitation": 1.5,
            "venue": 1.5,
            "all": 1,
            "generic": 1,
        },
        to_change={"nothing": 4, "platforms": 1, "materials": 1, "level": 1, "relevance": 0.5},
        help_next={"platforms": 2, "hands_on": 1.5, "peer": 1.5, "advanced": 1, "none": 2},
    ),
    "pre_election": _Story(
        rating=4.0,
        uplift=1.0,
        length=(0.1, 0.7, 0.2),
        balance=(0.4, 0.4, 0.2),
        types=(0.2, 0.5, 0.2, 0.1),
        went_well={"risk": 5, "facilitation": 1.5, "generic": 1.5},
        to_change={
            "materials": 3,
            "risk": 2,
            "pace": 1,
            "facilitation": 0.7,
            "nothing": 2,
            "venue": 0.5,
        },
        help_next={"risk": 3, "materials": 3, "none": 2},
    ),
    "materials": _Story(
        rating=4.2,
        uplift=1.2,
        length=(0.15, 0.75, 0.1),
        balance=(0.15, 0.55, 0.3),
        types=(0.1, 0.3, 0.4, 0.2),
        went_well={"materials": 4, "platforms": 3, "hands_on": 2, "councillor_voice": 1},
        to_change={"nothing": 3, "platforms": 1, "hands_on": 1.5, "too_short": 1, "level": 0.5},
        help_next={"platforms": 2.5, "advanced": 1.5, "none": 2},
    ),
    "mixed_group": _Story(
        rating=3.8,
        uplift=1.0,
        length=(0.1, 0.7, 0.2),
        balance=(0.3, 0.4, 0.3),
        types=(0.3, 0.3, 0.25, 0.15),
        went_well={"level": 3, "councillor_voice": 2, "hands_on": 2, "generic": 1.5},
        to_change={"level": 3, "pace": 1, "relevance": 1, "facilitation": 1, "nothing": 2},
        help_next={"hands_on": 2, "advanced": 1, "platforms": 1.5, "none": 2},
    ),
    "surgery2": _Story(
        rating=4.4,
        uplift=1.4,
        length=(0.25, 0.7, 0.05),
        balance=(0.15, 0.65, 0.2),
        types=(0.15, 0.35, 0.3, 0.2),
        went_well={
            "surgery_fb": 4,
            "hands_on": 3,
            "councillor_voice": 1.5,
            "relevance": 1,
            "tech": 0.7,
        },
        to_change={"too_short": 2, "nothing": 3, "relevance": 0.5, "venue": 0.5},
        help_next={"platforms": 2, "hands_on": 2, "none": 2},
    ),
}


# --------------------------------------------------------------------------------------
# The session plan. Day offsets are relative to ``today``; a session that would land on
# a Friday, weekend or Monday moves to a Tuesday-Thursday, and none falls over Christmas.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    key: str
    days: int
    start: tuple[int, int]
    minutes: int
    context: int
    hands_on: int
    fmt: str
    council: str
    programme: str
    title: str
    venue: str
    online: bool
    facilitators: tuple[str, ...]
    cllrs: tuple[str, ...]
    expected: int
    n_responses: int
    story_key: str  # "" for planned sessions
    story: str


_SPECS: tuple[_Spec, ...] = (
    _Spec(
        key="calderbrook-intro-social-media",
        days=-600,
        start=(13, 30),
        minutes=255,
        context=150,
        hands_on=60,
        fmt="workshop",
        council=CALDERBROOK,
        programme=SOCIAL,
        title="Councillors and social media: an introduction",
        venue="Calderbrook Town Hall, Council Chamber",
        online=False,
        facilitators=(WHITAKER, HOLROYD),
        cllrs=(SHACKLETON, AKHTAR),
        expected=24,
        n_responses=21,
        story_key="overran",
        story=(
            "A four-and-a-quarter-hour session heavy on the why: the co-facilitating "
            "councillors brought the debate to life, but it overran and the surgery part "
            "was squeezed out, so the get-started councillors left wanting more hands-on."
        ),
    ),
    _Spec(
        key="wharfeside-intro-social-media",
        days=-563,
        start=(13, 0),
        minutes=240,
        context=140,
        hands_on=60,
        fmt="workshop",
        council=WHARFESIDE,
        programme=SOCIAL,
        title="Councillors and social media: an introduction",
        venue="Wharfeside Civic Centre, Committee Room 2",
        online=False,
        facilitators=(WHITAKER, HOLROYD),
        cllrs=(CROWTHER,),
        expected=20,
        n_responses=17,
        story_key="sceptics",
        story=(
            "A vocal group of sceptics demanded to be convinced why busy councillors should "
            "bother, and the first hour became a debate about relevance and time."
        ),
    ),
    _Spec(
        key="haverleigh-getting-started",
        days=-529,
        start=(10, 0),
        minutes=210,
        context=100,
        hands_on=80,
        fmt="workshop",
        council=HAVERLEIGH,
        programme=SOCIAL,
        title="Getting started with social media",
        venue="Haverleigh House, Training Suite",
        online=False,
        facilitators=(SANDHU, AINSLEY),
        cllrs=(),
        expected=18,
        n_responses=15,
        story_key="wifi",
        story=(
            "The wifi failed for the first hour and the loan laptops would not log in, so "
            "the hands-on half became a demonstration on the projector."
        ),
    ),
    _Spec(
        key="calderbrook-surgery-bring-your-phone",
        days=-494,
        start=(17, 30),
        minutes=120,
        context=15,
        hands_on=90,
        fmt="surgery",
        council=CALDERBROOK,
        programme=SOCIAL,
        title="Social media surgery: bring your phone",
        venue="Calderbrook Central Library, Community Room",
        online=False,
        facilitators=(HOLROYD, AINSLEY),
        cllrs=(SHACKLETON,),
        expected=12,
        n_responses=9,
        story_key="surgery",
        story=(
            "A drop-in surgery where councillors set up accounts and posted with a helper "
            "each; most loved the practice, a few asked what the point of it all was."
        ),
    ),
    _Spec(
        key="brackenmoor-staying-safe-online",
        days=-460,
        start=(18, 0),
        minutes=90,
        context=70,
        hands_on=10,
        fmt="briefing",
        council=BRACKENMOOR,
        programme=SOCIAL,
        title="Staying safe online: abuse, trolls and the code of conduct",
        venue="Brackenmoor Town Hall, Mayor's Parlour",
        online=False,
        facilitators=(MARSDEN, WHITAKER),
        cllrs=(),
        expected=26,
        n_responses=23,
        story_key="risk",
        story=(
            "A briefing on online abuse, the code of conduct and reputational risk; the "
            "cautious councillors were reassured, though some wanted more real cases."
        ),
    ),
    _Spec(
        key="thornwick-webinar-facebook-nextdoor",
        days=-423,
        start=(18, 30),
        minutes=75,
        context=35,
        hands_on=25,
        fmt="webinar",
        council=THORNWICK,
        programme=WARD,
        title="Facebook groups and Nextdoor for your ward",
        venue="Microsoft Teams",
        online=True,
        facilitators=(QURESHI,),
        cllrs=(),
        expected=30,
        n_responses=18,
        story_key="webinar",
        story=(
            "An evening webinar on Facebook groups and Nextdoor: useful platform tips, but "
            "the audio dropped twice and it was hard to practise along."
        ),
    ),
    _Spec(
        key="skelbrook-town-council-drop-in",
        days=-390,
        start=(10, 0),
        minutes=120,
        context=30,
        hands_on=75,
        fmt="surgery",
        council=SKELBROOK,
        programme=SOCIAL,
        title="Town and parish councillors' drop-in",
        venue="Skelbrook Town Hall, Small Hall",
        online=False,
        facilitators=(AINSLEY,),
        cllrs=(),
        expected=8,
        n_responses=4,
        story_key="small",
        story=(
            "Only four town councillors came on a snowy morning: lots of individual help "
            "and a relaxed feel, but too few responses to break down."
        ),
    ),
    _Spec(
        key="thornwick-new-councillors",
        days=-351,
        start=(18, 0),
        minutes=150,
        context=45,
        hands_on=75,
        fmt="workshop",
        council=THORNWICK,
        programme=SOCIAL,
        title="Social media for new councillors",
        venue="Thornwick and Dale Council Offices, Room 1.04",
        online=False,
        facilitators=(SANDHU, QURESHI),
        cllrs=(OLDROYD,),
        expected=22,
        n_responses=20,
        story_key="newgen",
        story=(
            "Newly elected councillors arrived already using the tools; many found the "
            "basics too basic and wanted council policy and advanced tips instead."
        ),
    ),
    _Spec(
        key="wharfeside-going-further",
        days=-316,
        start=(18, 0),
        minutes=120,
        context=30,
        hands_on=75,
        fmt="workshop",
        council=WHARFESIDE,
        programme=WARD,
        title="Going further: analytics, video and scheduling",
        venue="Wharfeside Civic Centre, IT Suite",
        online=False,
        facilitators=(HOLROYD, BENTLEY),
        cllrs=(CROWTHER,),
        expected=14,
        n_responses=12,
        story_key="evangelist",
        story=(
            "An advanced session for the evangelists on analytics, video and scheduling; "
            "enthusiasm was high, though the two cautious members who came were lost."
        ),
    ),
    _Spec(
        key="haverleigh-getting-started-rerun",
        days=-278,
        start=(10, 0),
        minutes=150,
        context=45,
        hands_on=90,
        fmt="workshop",
        council=HAVERLEIGH,
        programme=SOCIAL,
        title="Getting started with social media (rerun)",
        venue="Haverleigh House, Training Suite",
        online=False,
        facilitators=(SANDHU, AINSLEY),
        cllrs=(AKHTAR,),
        expected=18,
        n_responses=15,
        story_key="lessons_tech",
        story=(
            "The rerun after the wifi failure: officers arrived an hour early to test wifi, "
            "laptops and logins, and the session was cut to two and a half hours with more "
            "hands-on; no tech complaints and better ratings."
        ),
    ),
    _Spec(
        key="thornwick-one-to-ones",
        days=-245,
        start=(9, 30),
        minutes=180,
        context=15,
        hands_on=150,
        fmt="one_to_one",
        council=THORNWICK,
        programme=SOCIAL,
        title="One-to-one set-up sessions for new members",
        venue="Thornwick and Dale Council Offices, Members' Room",
        online=False,
        facilitators=(QURESHI,),
        cllrs=(),
        expected=3,
        n_responses=3,
        story_key="one_to_one",
        story=(
            "Three back-to-back one-to-ones for new members who missed the group session; "
            "each left with accounts set up and a first post done."
        ),
    ),
    _Spec(
        key="brackenmoor-keeping-residents-informed",
        days=-212,
        start=(18, 0),
        minutes=150,
        context=50,
        hands_on=75,
        fmt="workshop",
        council=BRACKENMOOR,
        programme=WARD,
        title="Digital ward work: keeping residents informed",
        venue="Brackenmoor Community Centre, Side Hall",
        online=False,
        facilitators=(MARSDEN, QURESHI),
        cllrs=(),
        expected=20,
        n_responses=16,
        story_key="venue",
        story=(
            "The booked room was double-booked, so the group squeezed into a cold side hall "
            "with nowhere to park; the content landed well despite it."
        ),
    ),
    _Spec(
        key="wharfeside-why-bother",
        days=-174,
        start=(13, 30),
        minutes=150,
        context=50,
        hands_on=80,
        fmt="workshop",
        council=WHARFESIDE,
        programme=SOCIAL,
        title="Why bother? Social media for busy councillors",
        venue="Wharfeside Civic Centre, Committee Room 2",
        online=False,
        facilitators=(WHITAKER, HOLROYD),
        cllrs=(CROWTHER, SHACKLETON),
        expected=22,
        n_responses=19,
        story_key="sceptics_won",
        story=(
            "Rebuilt for sceptics: two councillors opened with their own ward stories before "
            "the hands-on, and several self-declared sceptics left willing to try."
        ),
    ),
    _Spec(
        key="calderbrook-fifteen-minutes-a-day",
        days=-139,
        start=(12, 30),
        minutes=60,
        context=30,
        hands_on=20,
        fmt="webinar",
        council=CALDERBROOK,
        programme=WARD,
        title="Keeping it up in 15 minutes a day",
        venue="Zoom",
        online=True,
        facilitators=(BENTLEY,),
        cllrs=(OLDROYD,),
        expected=45,
        n_responses=30,
        story_key="workload",
        story=(
            "A one-hour lunchtime webinar on fitting social media around casework; liked for "
            "its realism, with several asking for scheduling tools."
        ),
    ),
    _Spec(
        key="calderbrook-intro-rebalanced",
        days=-106,
        start=(10, 0),
        minutes=180,
        context=50,
        hands_on=100,
        fmt="workshop",
        council=CALDERBROOK,
        programme=SOCIAL,
        title="Councillors and social media: getting started",
        venue="Calderbrook Town Hall, Council Chamber",
        online=False,
        facilitators=(WHITAKER, HOLROYD, AINSLEY),
        cllrs=(SHACKLETON, AKHTAR),
        expected=28,
        n_responses=27,
        story_key="rebalanced",
        story=(
            "The introduction rebuilt from the lessons: three hours instead of four, more "
            "than half hands-on with a helper per table and the tech checked an hour "
            "before; few said too long and ratings rose."
        ),
    ),
    _Spec(
        key="thornwick-pre-election-briefing",
        days=-71,
        start=(18, 0),
        minutes=90,
        context=60,
        hands_on=15,
        fmt="briefing",
        council=THORNWICK,
        programme=SOCIAL,
        title="Before the elections: the pre-election period and online abuse",
        venue="Thornwick and Dale Council Offices, Council Chamber",
        online=False,
        facilitators=(MARSDEN, SANDHU),
        cllrs=(),
        expected=30,
        n_responses=24,
        story_key="pre_election",
        story=(
            "Ahead of the elections: pre-election period rules, election-time abuse and "
            "keeping campaign and council accounts apart; many wanted it written down."
        ),
    ),
    _Spec(
        key="haverleigh-photos-video-instagram",
        days=-40,
        start=(13, 30),
        minutes=150,
        context=40,
        hands_on=90,
        fmt="workshop",
        council=HAVERLEIGH,
        programme=WARD,
        title="Digital ward work: photos, video and Instagram",
        venue="Haverleigh House, Training Suite",
        online=False,
        facilitators=(SANDHU, BENTLEY),
        cllrs=(AKHTAR,),
        expected=18,
        n_responses=15,
        story_key="materials",
        story=(
            "A hands-on session on photos, short video and Instagram with a printed "
            "step-by-step guide, which was the most praised part."
        ),
    ),
    _Spec(
        key="brackenmoor-getting-started",
        days=-13,
        start=(18, 0),
        minutes=150,
        context=45,
        hands_on=85,
        fmt="workshop",
        council=BRACKENMOOR,
        programme=SOCIAL,
        title="Councillors and social media: getting started",
        venue="Brackenmoor Town Hall, Committee Room A",
        online=False,
        facilitators=(MARSDEN, HOLROYD),
        cllrs=(CROWTHER,),
        expected=20,
        n_responses=17,
        story_key="mixed_group",
        story=(
            "A very mixed group from sceptics to daily users; splitting into beginner and "
            "confident tables after the break helped, but some still found it too basic."
        ),
    ),
    _Spec(
        key="wharfeside-surgery-ward-facebook",
        days=-5,
        start=(10, 0),
        minutes=120,
        context=25,
        hands_on=80,
        fmt="surgery",
        council=WHARFESIDE,
        programme=WARD,
        title="Social media surgery: ward Facebook pages",
        venue="Wharfeside Central Library, Meeting Room",
        online=False,
        facilitators=(HOLROYD, QURESHI),
        cllrs=(SHACKLETON,),
        expected=15,
        n_responses=11,
        story_key="surgery2",
        story=(
            "A surgery on ward Facebook pages with a short why-bother opener added after "
            "the first surgery's feedback; practice praised, a few wanted it longer."
        ),
    ),
    _Spec(
        key="thornwick-getting-started",
        days=32,
        start=(18, 0),
        minutes=150,
        context=40,
        hands_on=90,
        fmt="workshop",
        council=THORNWICK,
        programme=SOCIAL,
        title="Councillors and social media: getting started",
        venue="Thornwick and Dale Council Offices, Room 1.04",
        online=False,
        facilitators=(SANDHU, QURESHI),
        cllrs=(OLDROYD,),
        expected=20,
        n_responses=0,
        story_key="",
        story=(
            "Planned with the lessons applied: tech check an hour before, a short why "
            "opener from a councillor, then beginner and confident tables."
        ),
    ),
    _Spec(
        key="calderbrook-analytics-webinar",
        days=44,
        start=(12, 30),
        minutes=60,
        context=20,
        hands_on=30,
        fmt="webinar",
        council=CALDERBROOK,
        programme=WARD,
        title="Going further: analytics and short video",
        venue="Microsoft Teams",
        online=True,
        facilitators=(BENTLEY, HOLROYD),
        cllrs=(),
        expected=35,
        n_responses=0,
        story_key="",
        story="Planned in answer to the evangelists' requests for analytics and video tips.",
    ),
    _Spec(
        key="haverleigh-surgery",
        days=52,
        start=(17, 30),
        minutes=120,
        context=15,
        hands_on=95,
        fmt="surgery",
        council=HAVERLEIGH,
        programme=SOCIAL,
        title="Social media surgery: bring your phone",
        venue="Haverleigh Library, Community Room",
        online=False,
        facilitators=(AINSLEY, SANDHU),
        cllrs=(AKHTAR,),
        expected=12,
        n_responses=0,
        story_key="",
        story="Planned as a follow-up surgery for councillors who asked for more practice.",
    ),
)


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


def _midweek(day: dt.date) -> dt.date:
    """Move a day onto a Tuesday, Wednesday or Thursday."""
    weekday = day.weekday()
    if weekday == 0:  # Monday -> Tuesday
        return day + dt.timedelta(days=1)
    if weekday >= 4:  # Friday, Saturday, Sunday -> the Thursday before
        return day - dt.timedelta(days=weekday - 3)
    return day


def _in_christmas_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 3)


def _session_date(today: dt.date, days: int) -> dt.date:
    """A Tuesday-Thursday near ``today + days``, outside the Christmas break.

    Past sessions stay in the past; planned ones stay four to eight weeks ahead.
    """
    day = _midweek(today + dt.timedelta(days=days))
    if not _in_christmas_break(day):
        return day
    year = day.year if day.month == 12 else day.year - 1
    before = _midweek(dt.date(year, 12, 18))
    after = dt.date(year + 1, 1, 5)
    while after.weekday() not in (1, 2, 3):
        after += dt.timedelta(days=1)
    if days < 0:
        allowed = [d for d in (before, after) if d < today - dt.timedelta(days=1)]
    else:
        allowed = [d for d in (after, before) if 28 <= (d - today).days <= 56]
    return min(allowed, key=lambda d: abs((d - day).days)) if allowed else day


def _free_day(today: dt.date, day: dt.date, past: bool, taken: set[dt.date]) -> dt.date:
    """``day``, or the nearest usable midweek day when another session already has it."""
    for shift in (0, -1, 1, -2, 2, -7, 7, -8, 8, -9, 9):
        candidate = day + dt.timedelta(days=shift)
        usable = (
            candidate not in taken
            and candidate.weekday() in (1, 2, 3)
            and not _in_christmas_break(candidate)
            and (
                candidate < today - dt.timedelta(days=1)
                if past
                else 28 <= (candidate - today).days <= 56
            )
        )
        if usable:
            return candidate
    return day


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, int(round(value))))


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = [k for k, w in weights.items() if w > 0]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _first_word(text: str) -> str:
    word = text.split(" ", 1)[0]
    word = word.removesuffix("'s")
    return word.rstrip(",.!?")


def _lower_first(text: str, names: frozenset[str]) -> str:
    word = text.split(" ", 1)[0]
    if word in _PROPER_WORDS or _first_word(text) in names or word.startswith("I'"):
        return text
    if len(text) > 1 and text[1].isupper():  # an acronym such as "N/A"
        return text
    return text[:1].lower() + text[1:]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    known = [i for i, w in enumerate(words) if w.lower() in _TYPOS]
    if known:
        i = rng.choice(known)
        replacement = _TYPOS[words[i].lower()]
        if words[i][:1].isupper():
            replacement = replacement[:1].upper() + replacement[1:]
        words[i] = replacement
        return " ".join(words)
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _fill(fragment: str, session: _Spec, rng: random.Random) -> str:
    if "{officer}" in fragment:
        fragment = fragment.replace("{officer}", rng.choice(session.facilitators).split()[0])
    if "{cllr}" in fragment:
        if session.cllrs:
            parts = rng.choice(session.cllrs).split()
            fragment = fragment.replace("{cllr}", f"{parts[0]} {parts[-1]}")
        else:
            fragment = fragment.replace("{cllr}", "the councillor")
    return fragment


def _compose(
    rng: random.Random,
    banks: dict[str, tuple[str, ...]],
    weights: dict[str, float],
    type_fragments: tuple[str, ...],
    session: _Spec,
    sizes: tuple[float, float, float],
) -> str:
    """Pick one to three fragments, join them the way people type on a phone."""
    names = frozenset(name.split()[0] for name in session.facilitators)
    key = _weighted(rng, weights)
    if key in _SOLO_BANKS:
        text = rng.choice(banks[key])
        return text.lower() if rng.random() < 0.15 else text

    count = rng.choices((1, 2, 3), weights=sizes)[0]
    fragments = [_fill(rng.choice(banks[key]), session, rng)]
    non_solo = {k: w for k, w in weights.items() if k not in _SOLO_BANKS}
    attempts = 0
    while len(fragments) < count and non_solo and attempts < 10:
        attempts += 1
        fragment = _fill(rng.choice(banks[_weighted(rng, non_solo)]), session, rng)
        if fragment not in fragments:
            fragments.append(fragment)
    if type_fragments and rng.random() < 0.3:
        # The kind of councillor writing colours what they say.
        fragment = rng.choice(type_fragments)
        if fragment not in fragments:
            if len(fragments) >= 2:
                fragments.pop()
            fragments.insert(rng.randrange(len(fragments) + 1), fragment)

    text = fragments[0]
    for fragment in fragments[1:]:
        joiner = rng.choices((". ", ", ", " - ", " and ", "! "), weights=(4, 3, 2, 1, 0.3))[0]
        if text[-1] in "?!":
            joiner = " "
        if joiner.strip() in ("", ".", "!"):
            text = text + joiner + fragment[:1].upper() + fragment[1:]
        else:
            text = text + joiner + _lower_first(fragment, names)

    roll = rng.random()
    if roll < 0.12:
        text = text.lower()
    elif roll < 0.3:
        text = _lower_first(text, names)
    if rng.random() < 0.06:
        text = _typo(text, rng)
    if text[-1] not in "?!.":
        ending = rng.random()
        if ending < 0.3:
            text += "."
        elif ending < 0.34:
            text += "!"
    return text


def _went_well_weights(story: _Story, rating: int, length: str | None) -> dict[str, float]:
    weights = dict(story.went_well)
    if rating <= 2:
        weights["not_much"] = weights.get("not_much", 0) + 2
        weights.pop("all", None)
    if length == "too_long" and rating >= 3:
        weights["mixed"] = weights.get("mixed", 0) + 1.5
    return weights


def _to_change_weights(
    story: _Story, rating: int, length: str | None, balance: str | None, kind: str
) -> dict[str, float]:
    weights = dict(story.to_change)
    if length == "too_long":
        weights["pace"] = weights.get("pace", 0) + 2.5
    elif length == "too_short":
        weights["too_short"] = weights.get("too_short", 0) + 2.5
    if balance == "more_how":
        weights["hands_on"] = weights.get("hands_on", 0) + 2
    elif balance == "more_why":
        weights["relevance"] = weights.get("relevance", 0) + 1.5
        if kind == "cautious":
            weights["risk"] = weights.get("risk", 0) + 1
    if rating <= 2:
        weights.pop("nothing", None)
    elif rating == 5:
        weights["nothing"] = weights.get("nothing", 0) + 2
    return weights


def _contact(rng: random.Random) -> tuple[str, str | None]:
    """A fictional opt-in contact: e-mail on an example domain or an Ofcom drama number."""
    first, surname = rng.choice(_CONTACT_FIRST_NAMES), rng.choice(_CONTACT_SURNAMES)
    style = rng.random()
    name = f"Cllr {first[0]} {surname}" if style < 0.5 else f"{first} {surname}"
    detail_style = rng.random()
    if detail_style < 0.5:
        detail: str | None = f"cllr.{first[0].lower()}.{surname.lower()}@example.gov.uk"
    elif detail_style < 0.7:
        detail = f"{first.lower()}.{surname.lower()}@example.org.uk"
    elif detail_style < 0.9:
        detail = f"07700 900{rng.randrange(1000):03d}"
    else:
        detail = None
    return name, detail


def _response(rng: random.Random, spec: _Spec, story: _Story, ends_at: dt.datetime) -> DemoResponse:
    kind = rng.choices(_TYPE_KEYS, weights=story.types)[0]
    length = rng.choices(_LENGTH_KEYS, weights=story.length)[0]

    balance_weights = list(story.balance)
    if kind == "sceptic":
        balance_weights[0] *= 2.0
    elif kind == "cautious":
        balance_weights[0] *= 1.3
    else:
        balance_weights[2] *= 1.6
    balance = rng.choices(_BALANCE_KEYS, weights=balance_weights)[0]

    raw = story.rating + _TYPE_RATING[kind] + _LENGTH_RATING[length] + rng.gauss(0, 0.7)
    if balance != "about_right":
        raw -= 0.2
    rating = _clamp(raw)
    usefulness: int | None = _clamp(rating + rng.gauss(0, 0.6))

    felt_before = _clamp(_TYPE_CONFIDENCE[kind] + rng.gauss(0, 0.7))
    gain = story.uplift * _TYPE_UPLIFT[kind] + rng.gauss(0, 0.5) + (rating - 3) * 0.2
    before: int | None = felt_before
    after: int | None = _clamp(felt_before + gain)

    # What was actually answered: every question except the rating is optional.
    if rng.random() < 0.06:
        usefulness = None
    if rng.random() < 0.07:
        before = after = None
    elif rng.random() < 0.02:
        after = None
    shown_balance = None if rng.random() < 0.05 else balance
    shown_length = None if rng.random() < 0.04 else length
    shown_kind = None if rng.random() < 0.18 else kind

    went_well = ""
    if rng.random() > 0.1:
        went_well = _compose(
            rng,
            _WENT_WELL,
            _went_well_weights(story, rating, length),
            _TYPE_BANKS[kind]["went_well"],
            spec,
            (0.68, 0.27, 0.05),
        )
    to_change = ""
    if rng.random() > 0.18:
        to_change = _compose(
            rng,
            _TO_CHANGE,
            _to_change_weights(story, rating, length, balance, kind),
            _TYPE_BANKS[kind]["to_change"],
            spec,
            (0.72, 0.25, 0.03),
        )

    contact_name, contact_detail = _contact(rng) if rng.random() < 0.04 else (None, None)

    help_next = ""
    help_weights = dict(story.help_next)
    if contact_name is not None:
        help_weights.pop("none", None)
        if contact_detail is not None:
            help_weights = {"callback": 4.0, **help_weights}
    if contact_name is not None or rng.random() > 0.48:
        help_next = _compose(
            rng, _HELP_NEXT, help_weights, _TYPE_BANKS[kind]["help_next"], spec, (0.85, 0.15, 0.0)
        )

    delay = rng.uniform(-10, 15) if rng.random() < 0.65 else rng.uniform(15, 100)
    delay += story.late_minutes * rng.random()
    submitted_at = ends_at + dt.timedelta(minutes=delay, seconds=rng.randrange(60))
    submitted_at = submitted_at.replace(microsecond=0)

    return DemoResponse(
        submitted_at=submitted_at,
        overall_rating=rating,
        usefulness=usefulness,
        confidence_before=before,
        confidence_after=after,
        balance=shown_balance,
        length=shown_length,
        councillor_type=shown_kind,
        went_well=went_well,
        to_change=to_change,
        help_next=help_next,
        contact_name=contact_name,
        contact_detail=contact_detail,
    )


def generate_programme(today: dt.date, seed: int = 2010) -> DemoProgramme:
    """Build the demo programme around ``today``; same arguments, same programme."""
    rng = random.Random(seed)
    dated = []
    taken: set[dt.date] = set()
    for spec in _SPECS:
        day = _free_day(today, _session_date(today, spec.days), spec.days < 0, taken)
        taken.add(day)
        starts_at = dt.datetime.combine(day, dt.time(*spec.start))
        ends_at = starts_at + dt.timedelta(minutes=spec.minutes)
        dated.append((starts_at, ends_at, spec))
    dated.sort(key=lambda item: item[0])

    delivered = [item for item in dated if item[2].story_key]
    awaiting = {item[2].key for item in delivered[-2:]}

    sessions = []
    for starts_at, ends_at, spec in dated:
        responses: tuple[DemoResponse, ...] = ()
        if not spec.story_key:
            status = "planned"
        else:
            status = "delivered" if spec.key in awaiting else "reviewed"
            story = _STORIES[spec.story_key]
            drawn = [_response(rng, spec, story, ends_at) for _ in range(spec.n_responses)]
            responses = tuple(sorted(drawn, key=lambda r: r.submitted_at))
        sessions.append(
            DemoSession(
                key=spec.key,
                title=spec.title,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=spec.venue,
                online=spec.online,
                council=spec.council,
                programme=spec.programme,
                format=spec.fmt,
                facilitators=spec.facilitators,
                councillor_facilitators=spec.cllrs,
                context_minutes=spec.context,
                hands_on_minutes=spec.hands_on,
                expected_attendees=spec.expected,
                status=status,
                story=spec.story,
                responses=responses,
            )
        )
    built = tuple(sessions)
    reflections = _reflections(built, today)
    return DemoProgramme(
        sessions=built, reflections=reflections, lessons=_lessons(built, reflections, today)
    )


# --------------------------------------------------------------------------------------
# Reflections: what the facilitators wrote a day or two after their sessions
# --------------------------------------------------------------------------------------

LESSON_STATUSES: tuple[str, ...] = (
    "observed",
    "identified",
    "actioned",
    "embedded",
    "validated",
    "archived",
    "rejected",
)
_NEXT_STATUS: dict[str, str] = dict(zip(LESSON_STATUSES[:5], LESSON_STATUSES[1:6], strict=True))

# The prompt keys of each reflection template (lessons.reflections.TEMPLATES; kept here so
# that this module stays free of the database, and checked against it by the tests).
REFLECTION_PROMPTS: dict[str, tuple[str, ...]] = {
    "aar": ("planned", "happened", "why_different", "sustain", "improve"),
    "gibbs": ("description", "feelings", "evaluation", "analysis", "conclusion", "action_plan"),
    "rolfe": ("what", "so_what", "now_what"),
}

_OVERRAN = "calderbrook-intro-social-media"
_SCEPTICS = "wharfeside-intro-social-media"
_WIFI = "haverleigh-getting-started"
_SURGERY = "calderbrook-surgery-bring-your-phone"
_WEBINAR = "thornwick-webinar-facebook-nextdoor"
_NEWGEN = "thornwick-new-councillors"
_RERUN = "haverleigh-getting-started-rerun"
_VENUE = "brackenmoor-keeping-residents-informed"
_WHY_BOTHER = "wharfeside-why-bother"
_FIFTEEN = "calderbrook-fifteen-minutes-a-day"
_REBALANCED = "calderbrook-intro-rebalanced"
_PRE_ELECTION = "thornwick-pre-election-briefing"
_PHOTOS = "haverleigh-photos-video-instagram"
_MIXED = "brackenmoor-getting-started"
_SURGERY2 = "wharfeside-surgery-ward-facebook"
_NEXT_WORKSHOP = "thornwick-getting-started"
_NEXT_WEBINAR = "calderbrook-analytics-webinar"


@dataclass(frozen=True)
class _ReflectionSpec:
    session_key: str
    author: str
    template: str
    status: str
    days_after: int
    time: tuple[int, int]
    answers: tuple[tuple[str, str], ...]


_REFLECTION_SPECS: tuple[_ReflectionSpec, ...] = (
    # The four-hour introduction that overran.
    _ReflectionSpec(
        _OVERRAN,
        WHITAKER,
        "aar",
        "final",
        1,
        (9, 40),
        (
            (
                "planned",
                "A four-hour introduction in the Council Chamber: two and a half hours on why "
                "councillors might bother, the benefits and the risks, then an hour of "
                "surgery-style practice on their own phones and the loan laptops. Dave and "
                "Nasreen were to lead the why from a councillor's point of view, with Gareth "
                "and me covering the how and the council's guidance.",
            ),
            (
                "happened",
                "The why took the whole first half and more. Dave and Nasreen were brilliant "
                "and the debate came alive, but every question opened another, and we did not "
                "reach the practical until after five. We overran and the surgery part was "
                "squeezed into twenty minutes; several people had to leave before it started.",
            ),
            (
                "why_different",
                "We tried to cover everything for everyone in one sitting. The room was a mix "
                "of sceptics, cautious members and a few who already use it daily, and we let "
                "the discussion follow whoever spoke loudest. Nobody was keeping time and we "
                "had no plan for what to cut if we ran over.",
            ),
            (
                "sustain",
                "Councillors co-delivering: the feedback singled out Dave and Nasreen again "
                "and again. The honest discussion of the risks also landed well with the "
                "cautious members.",
            ),
            (
                "improve",
                "Shorter sessions with the hands-on at the heart, not tacked on at the end. "
                "Cap the why at under an hour, give someone the job of keeping time, and "
                "protect the practice whatever happens. Four hours after a full day is too "
                "much for anyone.",
            ),
        ),
    ),
    _ReflectionSpec(
        _OVERRAN,
        HOLROYD,
        "gibbs",
        "final",
        2,
        (11, 5),
        (
            (
                "description",
                "I ran the practical part and the loan laptops. We started the hands-on about "
                "an hour later than planned, so I had twenty minutes to help people set up "
                "accounts that needed at least forty-five.",
            ),
            (
                "feelings",
                "Frustrated, honestly. I watched people who had sat patiently through the "
                "discussion wait for the bit they came for, then pack up to catch their buses. "
                "I also felt like a spare part for the first two hours.",
            ),
            (
                "evaluation",
                "The debate was good and members clearly valued hearing from Dave and "
                "Nasreen. The practical was rushed, and the people who just wanted to get "
                "started left with little more than a login.",
            ),
            (
                "analysis",
                "We designed the session around what we wanted to say, not around what they "
                "wanted to do. The councillors who wanted to roll their sleeves up are the ones "
                "we lost, and they were probably the easiest to help.",
            ),
            (
                "conclusion",
                "We could have split the room at the break, with a discussion table for those "
                "still asking why and practice tables for the rest. We could also have agreed "
                "a time to close the debate and stuck to it.",
            ),
            (
                "action_plan",
                "Next time the hands-on starts within the first hour, with a helper per table. "
                "And we should hold a proper post-mortem within a week, all four of us, rather "
                "than swapping emails.",
            ),
        ),
    ),
    _ReflectionSpec(
        _OVERRAN,
        SHACKLETON,
        "rolfe",
        "final",
        2,
        (8, 20),
        (
            (
                "what",
                "Nasreen and I opened with our own stories of using Twitter and Facebook in "
                "the ward, then took questions. The questions kept coming and we never really "
                "closed that part down.",
            ),
            (
                "so_what",
                "Members listen to other members in a way they don't always listen to "
                "officers. The sceptics argued with us, but they argued as equals, and a couple "
                "came round by the end. That only happens if a councillor is in the room.",
            ),
            (
                "now_what",
                "I'm happy to do it again, but shorter: ten minutes of stories, not an hour. I'd "
                "rather stay on for the hands-on and sit with the nervous ones, because that is "
                "where I can help most.",
            ),
        ),
    ),
    # The sceptics who demanded to be convinced.
    _ReflectionSpec(
        _SCEPTICS,
        WHITAKER,
        "rolfe",
        "final",
        1,
        (10, 15),
        (
            (
                "what",
                "A group of sceptics set the tone from the first slide: why should busy "
                "councillors bother with this at all? The first hour turned into a debate "
                "about relevance and time, and I abandoned most of the plan to let it run.",
            ),
            (
                "so_what",
                "They were right to demand to be convinced; they are busy people and we had "
                "assumed the case was already made. We had national examples but nothing from "
                "their own area, and that is what they kept asking for. Letting the debate run "
                "was the right call, but it squeezed the hands-on again.",
            ),
            (
                "now_what",
                "Bring local evidence: how many residents use each platform, a councillor "
                "from their own council. Keep the plan loose and be ready to swap sections "
                "round, but decide beforehand what we protect.",
            ),
        ),
    ),
    _ReflectionSpec(
        _SCEPTICS,
        CROWTHER,
        "aar",
        "final",
        2,
        (19, 30),
        (
            (
                "planned",
                "The officers would give the overview and I would talk about how I use Facebook"
                " in my ward. The second half was for practice on the laptops.",
            ),
            (
                "happened",
                "I barely got through my first example before the questions started: who "
                "reads it, where do you find the time, what happens when someone is abusive. "
                "The debate took the first hour and the practical was rushed.",
            ),
            (
                "why_different",
                "The people in the room weren't sure it was worth their time, and nobody had "
                "asked them before they came. They wanted proof, and they wanted it from "
                "someone who does the job, which is why the questions came to me rather than "
                "to the officers.",
            ),
            (
                "sustain",
                "Having a councillor at the front. Several members told me afterwards that they "
                "only stayed because I was honest about the downsides.",
            ),
            (
                "improve",
                "Open with a councillor's story and some local figures, answer the why bother "
                "question head-on in the first twenty minutes, then get everyone doing "
                "something. And be straight about how much time it takes each week.",
            ),
        ),
    ),
    # The wifi that failed.
    _ReflectionSpec(
        _WIFI,
        SANDHU,
        "aar",
        "final",
        1,
        (14, 10),
        (
            (
                "planned",
                "A morning getting-started session: an hour and a half on the why and the how. "
                "Then practice on the council's loan laptops, setting up accounts and posting "
                "for the first time.",
            ),
            (
                "happened",
                "The guest wifi was down when people arrived and the loan laptops would not "
                "accept the temporary logins. We lost the first hour trying to fix it, and the "
                "practical became me demonstrating on the projector while everyone watched.",
            ),
            (
                "why_different",
                "We arrived twenty minutes before the start and assumed the training suite was "
                "ready, as it is for staff courses. Nobody had tested the guest network or the "
                "laptop accounts since an IT update, and neither of us had the access to fix "
                "either.",
            ),
            (
                "sustain",
                "Tom and I kept going and members were gracious about it. The demonstration at "
                "least showed them what is possible.",
            ),
            (
                "improve",
                "Get there an hour early and test everything: the wifi from a personal phone, "
                "every laptop login, the projector. Have a fallback that doesn't need the wifi, "
                "such as phone hotspots and a printed walkthrough.",
            ),
        ),
    ),
    _ReflectionSpec(
        _WIFI,
        AINSLEY,
        "gibbs",
        "final",
        2,
        (9, 30),
        (
            (
                "description",
                "Priya and I spent most of the first hour on the phone to IT while councillors "
                "waited. In the end we gave up on the laptops and did a demonstration on the "
                "projector instead.",
            ),
            (
                "feelings",
                "Embarrassed and a bit helpless. We were the council's face for the day and we "
                "couldn't make the basics work.",
            ),
            (
                "evaluation",
                "The content was sound and people were patient, but the whole point was "
                "hands-on practice and almost nobody got any. Several wrote that they sat "
                "watching the projector for an hour.",
            ),
            (
                "analysis",
                "Two democratic services officers ran a session that depended on the council's "
                "network, and neither of us could fix it. Someone from the web team would have "
                "known the guest network and had the rights to reset the laptops. We need a "
                "balance of democratic services and web team support on the day, not one or the "
                "other.",
            ),
            (
                "conclusion",
                "We could have checked the room the day before, or brought our own hotspots. "
                "We could also have asked the web team to be on call for the morning.",
            ),
            (
                "action_plan",
                "Rerun the session for those who came, with a full tech check an hour before "
                "and a web team officer booked. Ask Nasreen or another councillor to co-deliver "
                "the rerun.",
            ),
        ),
    ),
    # The webinar whose audio dropped.
    _ReflectionSpec(
        _WEBINAR,
        QURESHI,
        "rolfe",
        "final",
        1,
        (12, 45),
        (
            (
                "what",
                "An evening Teams webinar on Facebook groups and Nextdoor. The audio dropped "
                "out twice, a few people were thrown out of the call, and the link in the "
                "calendar invite was wrong, so some missed the first ten minutes.",
            ),
            (
                "so_what",
                "The platform tips were welcomed, but the technical problems ate into the "
                "practical part, and practising along on your phone while squinting at a small "
                "screen share doesn't really work. Online is no different from a room: the "
                "tech has to be tested first.",
            ),
            (
                "now_what",
                "Do a dry run the day before with a colleague on an ordinary laptop, click the "
                "joining link from the invite itself, and have a second host to watch the chat "
                "and let people back in. Keep the real practice for a follow-up surgery.",
            ),
        ),
    ),
    # The rerun: the tech lesson applied.
    _ReflectionSpec(
        _RERUN,
        SANDHU,
        "aar",
        "final",
        1,
        (15, 0),
        (
            (
                "planned",
                "The getting-started session rebuilt, two and a half hours instead of three and"
                " a half. Nasreen would lead forty-five minutes of why, then an hour and a half"
                " of practice with helpers.",
            ),
            (
                "happened",
                "Tom and I arrived an hour early with someone from the web team, tested the "
                "wifi from a personal phone, logged in to every laptop and left them on the "
                "sign-in page. Everything worked from the first minute and we finished on time.",
            ),
            (
                "why_different",
                "This time it went to plan because we checked the plan could work before anyone "
                "arrived. Having Nasreen open with her ward stories also meant we didn't have to "
                "argue the case ourselves.",
            ),
            (
                "sustain",
                "The tech check an hour before, a web team officer on the day, and a councillor "
                "co-delivering. The shorter format suited a morning session.",
            ),
            (
                "improve",
                "A few people wanted something written to take away, a checklist or a "
                "step-by-step guide for setting things up at home. We should print one for the "
                "next hands-on session.",
            ),
        ),
    ),
    _ReflectionSpec(
        _RERUN,
        AKHTAR,
        "rolfe",
        "final",
        2,
        (18, 50),
        (
            (
                "what",
                "I opened the rerun with ten minutes on how I use Facebook and WhatsApp in my "
                "ward. Then I went round the tables helping people set up their accounts.",
            ),
            (
                "so_what",
                "People relaxed when they heard that a councillor had made mistakes and "
                "survived. Being at the tables mattered more than being at the front: members "
                "asked me things they would not ask an officer.",
            ),
            (
                "now_what",
                "Keep the councillor story short and spend the rest of my time on the tables. "
                "I'd like a printed guide to leave with people, because several asked how they "
                "would remember it all at home.",
            ),
        ),
    ),
    # The double-booked room.
    _ReflectionSpec(
        _VENUE,
        MARSDEN,
        "rolfe",
        "final",
        1,
        (9, 15),
        (
            (
                "what",
                "We arrived to find our room double-booked, so the group squeezed into the "
                "side hall. It was cold, the screen was hard to see and the car park was full.",
            ),
            (
                "so_what",
                "The content landed well and members were good-humoured, but we lost twenty "
                "minutes moving and it undermined the message that the council takes their "
                "development seriously. The booking had been made months ago and never "
                "confirmed.",
            ),
            (
                "now_what",
                "Confirm every room booking a week before and again the day before, with the "
                "venue manager by name. Visit unfamiliar venues in advance and put the parking "
                "details in the invitation.",
            ),
        ),
    ),
    _ReflectionSpec(
        _VENUE,
        QURESHI,
        "aar",
        "final",
        2,
        (13, 20),
        (
            (
                "planned",
                "A workshop on keeping residents informed: ward updates on Facebook, Nextdoor "
                "and WhatsApp. The second half was practice on people's own phones in the main "
                "hall.",
            ),
            (
                "happened",
                "The main hall was double-booked, so we moved to the side hall after a "
                "twenty-minute delay. It was cold and too small, people at the back could not "
                "see the screen, and several had struggled to park.",
            ),
            (
                "why_different",
                "The booking went through the community centre's old system and was never "
                "confirmed, and nobody checked it in the week before. We had no plan B for "
                "losing the room.",
            ),
            (
                "sustain",
                "The practical examples of ward updates went down well, and the group coped "
                "brilliantly. An evening slot suited the members with day jobs.",
            ),
            (
                "improve",
                "Confirm bookings a week ahead and the day before. One member asked for every "
                "session to move to the evening; worth discussing, but daytime sessions suit "
                "others, so I would rather keep a mix.",
            ),
        ),
    ),
    # The introduction rebuilt from the lessons.
    _ReflectionSpec(
        _REBALANCED,
        WHITAKER,
        "aar",
        "final",
        1,
        (16, 30),
        (
            (
                "planned",
                "The introduction rebuilt from the lessons of the first one: three hours rather "
                "than four and a quarter, fifty minutes of why with Dave and Nasreen, then a "
                "hundred minutes of hands-on with a helper on every table. Tom checked the tech "
                "an hour before.",
            ),
            (
                "happened",
                "It ran to time. The why was short and sharp, the practical started before the "
                "break, and nearly everyone left with an account set up. Far fewer said it was "
                "too long, and nobody mentioned the wifi.",
            ),
            (
                "why_different",
                "Very little differed from the plan, which was the point. We had a timekeeper, "
                "a fixed end to the discussion and enough helpers to make the practice real.",
            ),
            (
                "sustain",
                "The councillor-led why opener, kept short, and a helper per table. Some "
                "confident members asked us to skip the why altogether, but the sceptics in the "
                "room needed it, so I would keep it.",
            ),
            (
                "improve",
                "A few confident members found the basics slow, so next time offer them their "
                "own table. Send the slides and links round afterwards, as several asked.",
            ),
        ),
    ),
    _ReflectionSpec(
        _REBALANCED,
        AINSLEY,
        "rolfe",
        "final",
        2,
        (10, 0),
        (
            (
                "what",
                "I ran the tech check an hour before and then helped on a beginners' table. "
                "Every laptop was logged in and the wifi tested from a phone before the first "
                "member arrived.",
            ),
            (
                "so_what",
                "An hour of checking bought us three hours without a single tech complaint. "
                "Compared with the first Haverleigh session it felt like a different programme.",
            ),
            (
                "now_what",
                "Write the tech check down as a checklist so anyone can run it. I'd also like "
                "to give people a way to keep in touch afterwards, as a few asked about a peer "
                "group for members.",
            ),
        ),
    ),
    # The pre-election briefing.
    _ReflectionSpec(
        _PRE_ELECTION,
        MARSDEN,
        "gibbs",
        "final",
        1,
        (11, 30),
        (
            (
                "description",
                "A ninety-minute briefing ahead of the elections on the pre-election period, "
                "abuse during campaigns and keeping campaign and council accounts apart. The "
                "chamber was full and the questions ran right to the end.",
            ),
            (
                "feelings",
                "Relieved that the cautious members found it reassuring. But uneasy that so "
                "many questions were about specific situations we could only answer with 'it "
                "depends'.",
            ),
            (
                "evaluation",
                "The advice on trolls and the examples of what not to post went down well. The "
                "weakness was that everything was spoken: members left with nothing in writing, "
                "and several asked for the rules written down.",
            ),
            (
                "analysis",
                "Pre-election rules are exactly what people need to check late at night before "
                "posting, not something to recall from a briefing weeks earlier. A session "
                "alone cannot carry guidance like this.",
            ),
            (
                "conclusion",
                "We should have had a one-page guide ready to hand out, agreed with the "
                "monitoring officer. Failing that, we could have sent it round the next "
                "morning.",
            ),
            (
                "action_plan",
                "Draft a one-page guide to social media in the pre-election period, get it "
                "signed off by legal and send it to all members well before the next election. "
                "Name an officer for questions.",
            ),
        ),
    ),
    _ReflectionSpec(
        _PRE_ELECTION,
        SANDHU,
        "rolfe",
        "final",
        2,
        (9, 50),
        (
            (
                "what",
                "I co-presented the abuse and reporting part. Most of the questions I took were"
                " about separating personal, campaign and council accounts.",
            ),
            (
                "so_what",
                "Members were far more worried about getting it wrong in public than about the "
                "technology. What reassured them was concrete: how to block and report, who to "
                "call, what not to post.",
            ),
            (
                "now_what",
                "Get the guidance written down, and add real cases of councillors getting into "
                "trouble, which several asked for. I'll help Fiona with the one-page guide.",
            ),
        ),
    ),
    # The mixed group, awaiting its post-mortem.
    _ReflectionSpec(
        _MIXED,
        MARSDEN,
        "aar",
        "final",
        1,
        (10, 20),
        (
            (
                "planned",
                "Getting started for a mixed group, using the lessons: room confirmed the week "
                "before and tech checked an hour early. Helen would open with her ward stories,"
                " then practice with beginner and confident tables after the break.",
            ),
            (
                "happened",
                "The room and the tech were fine for once. The group was very mixed, from firm "
                "sceptics to daily users, and the first half was hard to pitch. After the break "
                "we split the tables and the mood lifted, though some confident members still "
                "found it too basic and the beginners' table needed more helpers.",
            ),
            (
                "why_different",
                "We split too late: by the break the confident members had sat through forty "
                "minutes they didn't need. Two helpers were not enough for a beginners' table "
                "of that size.",
            ),
            (
                "sustain",
                "Helen's stories, and the room and tech checks, which meant nothing went wrong "
                "before we started. Splitting the tables worked and should stay.",
            ),
            (
                "improve",
                "Split from the start, using a question on the booking form about how people "
                "use social media now. Put two helpers on the beginners' table.",
            ),
        ),
    ),
    _ReflectionSpec(
        _MIXED,
        CROWTHER,
        "gibbs",
        "draft",
        2,
        (20, 10),
        (
            (
                "description",
                "I opened with how I use Facebook in my ward. After the break I sat with the "
                "beginners.",
            ),
            (
                "feelings",
                "Much more comfortable than at Wharfeside, when the sceptics took me apart. "
                "Tired by the end, as the beginners' table was busy.",
            ),
            (
                "evaluation",
                "Splitting the room worked for the beginners. The confident ones at my end of "
                "the table were itching to get going long before we split.",
            ),
        ),
    ),
    # The latest surgery, awaiting its post-mortem.
    _ReflectionSpec(
        _SURGERY2,
        HOLROYD,
        "rolfe",
        "draft",
        1,
        (16, 40),
        (
            (
                "what",
                "A surgery on ward Facebook pages. Dave gave a ten-minute why bother opener, "
                "which we added after the first surgery's feedback, then everyone worked on "
                "their own page with a helper.",
            ),
            (
                "so_what",
                "The opener worked: hardly anyone asked what the point was this time. But "
                "setting up a page properly takes longer than we allowed, and a few members "
                "left with unfinished pages and asked for longer.",
            ),
        ),
    ),
)


def _reflections(sessions: tuple[DemoSession, ...], today: dt.date) -> tuple[DemoReflection, ...]:
    by_key = {s.key: s for s in sessions}
    latest = today - dt.timedelta(days=1)
    reflections = []
    for spec in _REFLECTION_SPECS:
        session = by_key[spec.session_key]
        day = min(session.starts_at.date() + dt.timedelta(days=spec.days_after), latest)
        reflections.append(
            DemoReflection(
                session_key=spec.session_key,
                author=spec.author,
                template=spec.template,
                status=spec.status,
                written_at=dt.datetime.combine(day, dt.time(*spec.time)),
                answers=spec.answers,
            )
        )
    return tuple(sorted(reflections, key=lambda r: (r.written_at, r.author)))


# --------------------------------------------------------------------------------------
# The lessons register: what was learnt, the evidence it rests on, and its history
# --------------------------------------------------------------------------------------


class _Facts:
    """Dates, figures and evidence drawn from the generated sessions."""

    def __init__(
        self,
        sessions: tuple[DemoSession, ...],
        reflections: tuple[DemoReflection, ...],
        today: dt.date,
    ) -> None:
        self.sessions = {s.key: s for s in sessions}
        self.reflections = {(r.session_key, r.author): dict(r.answers) for r in reflections}
        self.today = today
        # Nothing in the register happened later than yesterday afternoon.
        self.latest = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(17, 0))

    def day(self, key: str, days: int) -> dt.date:
        """``days`` after the session ``key`` (after ``today`` when ``key`` is empty)."""
        base = self.today if not key else self.sessions[key].starts_at.date()
        return base + dt.timedelta(days=days)

    def at(self, key: str, days: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.day(key, days), dt.time(hour, minute))

    def count(self, key: str, fields: tuple[str, ...], phrases: tuple[str, ...]) -> int:
        """Responses with any of ``phrases`` in any of ``fields``."""
        return sum(
            any(p in getattr(r, f).lower() for f in fields for p in phrases)
            for r in self.sessions[key].responses
        )

    def n(self, key: str) -> int:
        return len(self.sessions[key].responses)

    def chose(self, key: str, field: str, value: str) -> tuple[int, int]:
        """(how many chose ``value``, how many answered ``field``)."""
        answered = [getattr(r, field) for r in self.sessions[key].responses]
        answered = [a for a in answered if a is not None]
        return sum(a == value for a in answered), len(answered)

    def mean_rating(self, key: str) -> str:
        ratings = [r.overall_rating for r in self.sessions[key].responses]
        return f"{sum(ratings) / len(ratings):.1f}"

    def comment(self, key: str, question: str, phrases: tuple[str, ...], note: str) -> DemoEvidence:
        """The first comment in the session saying one of ``phrases``; a note if none does."""
        for index, response in enumerate(self.sessions[key].responses):
            text = getattr(response, question).lower()
            if any(p in text for p in phrases):
                return DemoEvidence("comment", key, index, question, None, None, note)
        return DemoEvidence("note", key, None, None, None, None, note)

    def reflection(self, key: str, author: str, prompt: str, note: str) -> DemoEvidence:
        if prompt not in self.reflections[(key, author)]:
            raise KeyError(f"{author} wrote no '{prompt}' answer on {key}")
        return DemoEvidence("reflection", key, None, None, author, prompt, note)


def _of(part: tuple[int, int]) -> str:
    return f"{part[0]} of {part[1]}"


def _lesson(
    facts: _Facts,
    *,
    key: str,
    title: str,
    what_happened: str,
    effect: str,
    cause: str,
    lesson: str,
    recommendation: str,
    polarity: str,
    scope: str,
    priority: str,
    themes: tuple[str, ...],
    source: str,
    logged: tuple[dt.datetime, str],
    steps: tuple[tuple[dt.datetime, str, str, str], ...] = (),
    evidence: tuple[DemoEvidence, ...],
    action: str = "",
    owner: str = "",
    due_date: dt.date | None = None,
    applied: str | None = None,
    effectiveness: str = "",
) -> DemoLesson:
    # Keep the timeline in order and in the past whatever ``today`` is.
    times = [logged[0], *(step[0] for step in steps)]
    times[-1] = min(times[-1], facts.latest)
    for i in range(len(times) - 2, -1, -1):
        times[i] = min(times[i], times[i + 1] - dt.timedelta(minutes=10))
    history = tuple(
        DemoStatusChange(at=at, actor=actor, to_status=status, reason=reason)
        for at, (_, actor, status, reason) in zip(times[1:], steps, strict=True)
    )
    status = history[-1].to_status if history else "observed"
    return DemoLesson(
        key=key,
        title=title,
        what_happened=what_happened,
        effect=effect,
        cause=cause,
        lesson=lesson,
        recommendation=recommendation,
        polarity=polarity,
        scope=scope,
        priority=priority,
        themes=themes,
        action=action,
        owner=owner,
        due_date=due_date,
        status=status,
        source_session_key=source,
        applied_session_key=applied,
        effectiveness_evidence=effectiveness,
        rejection_reason=history[-1].reason if status == "rejected" else "",
        logged_at=times[0],
        logged_by=logged[1],
        history=history,
        evidence=evidence,
    )


def _lessons(
    sessions: tuple[DemoSession, ...], reflections: tuple[DemoReflection, ...], today: dt.date
) -> tuple[DemoLesson, ...]:
    f = _Facts(sessions, reflections, today)
    tech = THEME_COVERAGE_HINTS["tech"]
    councillors = ("councillor", "cllr", "another member")
    written = ("written", "checklist", "guide", "handout")
    lessons = [
        _lesson(
            f,
            key="shorter-sessions-more-hands-on",
            title="Shorter sessions with the hands-on at the heart",
            what_happened=(
                "The first Calderbrook introduction ran to four and a quarter hours, two and a "
                "half of them on the why. The debate overran and the surgery part was squeezed "
                "into the last twenty minutes."
            ),
            effect=(
                "Most of the room said it was too long and wanted more hands-on; councillors "
                "who came to get started left with little more than a login."
            ),
            cause=(
                "We tried to cover everything for everyone in one sitting, with nobody keeping "
                "time and no plan for what to cut."
            ),
            lesson=(
                "Councillors give up an afternoon or an evening after a full day: three hours "
                "is the most a session should ask, and the practice is what they remember."
            ),
            recommendation=(
                "Keep sessions to three hours at most, cap the why at under an hour, start the "
                "hands-on before the break and name a timekeeper."
            ),
            polarity="improve",
            scope="programme",
            priority="high",
            themes=("pace", "hands_on"),
            source=_OVERRAN,
            logged=(f.at(_OVERRAN, 6, 14, 30), WHITAKER),
            action=(
                "Redesign the introduction as a three-hour session: why capped at fifty "
                "minutes, hands-on before the break, a timekeeper named in the plan."
            ),
            owner=WHITAKER,
            due_date=f.day(_REBALANCED, -28),
            applied=_REBALANCED,
            steps=(
                (
                    f.at(_OVERRAN, 6, 15, 10),
                    WHITAKER,
                    "identified",
                    "Agreed at the post-mortem with Gareth, Dave and Nasreen",
                ),
                (
                    f.at(_REBALANCED, -75, 10, 0),
                    WHITAKER,
                    "actioned",
                    "The next Calderbrook introduction is booked",
                ),
                (f.at(_REBALANCED, 1, 9, 30), WHITAKER, "embedded", ""),
                (
                    f.at(_REBALANCED, 7, 14, 0),
                    WHITAKER,
                    "validated",
                    "Checked at the rebalanced session's post-mortem",
                ),
            ),
            effectiveness=(
                f"'Too long' fell from {_of(f.chose(_OVERRAN, 'length', 'too_long'))} who "
                f"answered to {_of(f.chose(_REBALANCED, 'length', 'too_long'))}; wanting more "
                f"hands-on from {_of(f.chose(_OVERRAN, 'balance', 'more_how'))} to "
                f"{_of(f.chose(_REBALANCED, 'balance', 'more_how'))}; mean rating "
                f"{f.mean_rating(_OVERRAN)} → {f.mean_rating(_REBALANCED)}."
            ),
            evidence=(
                f.comment(
                    _OVERRAN,
                    "to_change",
                    ("overran",),
                    "One of many who said it overran before the practice.",
                ),
                f.reflection(
                    _OVERRAN, WHITAKER, "improve", "Joanne's reflection on the same afternoon."
                ),
                f.comment(
                    _REBALANCED,
                    "went_well",
                    ("shorter than the last",),
                    "After the change: a returning member noticed.",
                ),
            ),
        ),
        _lesson(
            f,
            key="co-deliver-with-councillors",
            title="Co-deliver with councillors",
            what_happened=(
                "At the first Calderbrook introduction Cllr Shackleton and Cllr Akhtar led the "
                "why from their own ward experience, and the feedback praised them again and "
                "again."
            ),
            effect=(
                "Members engaged with the case for social media, and even the sceptics argued "
                "as equals rather than switching off."
            ),
            cause="Members listen to other members in a way they do not always listen to officers.",
            lesson=(
                "Councillors who use social media have the unique understanding of a "
                "councillor's perspective; officers cannot replace it."
            ),
            recommendation=(
                "Every workshop and surgery has a co-delivering councillor, who opens briefly "
                "and then helps on the tables."
            ),
            polarity="sustain",
            scope="programme",
            priority="high",
            themes=("facilitation", "relevance"),
            source=_OVERRAN,
            logged=(f.at(_OVERRAN, 6, 14, 40), HOLROYD),
            action=(
                "Ask a councillor to co-deliver every session, starting with the Haverleigh "
                "rerun (Cllr Akhtar)."
            ),
            owner=SANDHU,
            due_date=f.day(_RERUN, -30),
            applied=_RERUN,
            steps=(
                (f.at(_OVERRAN, 6, 15, 15), HOLROYD, "identified", "Agreed at the post-mortem"),
                (
                    f.at(_WIFI, 8, 11, 0),
                    SANDHU,
                    "actioned",
                    "Haverleigh had no councillor co-delivering; Cllr Akhtar asked for the rerun",
                ),
                (f.at(_RERUN, 1, 9, 0), SANDHU, "embedded", ""),
                (
                    f.at(_RERUN, 6, 15, 0),
                    SANDHU,
                    "validated",
                    "Checked at the rerun's post-mortem",
                ),
                (
                    f.at(_REBALANCED, 12, 11, 0),
                    WHITAKER,
                    "archived",
                    "Now standard: the programme plan names a co-delivering councillor for "
                    "every workshop and surgery",
                ),
            ),
            effectiveness=(
                f"At the rerun, the first Haverleigh session with a councillor co-delivering, "
                f"{f.count(_RERUN, ('went_well',), councillors)} of {f.n(_RERUN)} named the "
                f"councillors as what worked ({f.count(_WIFI, ('went_well',), councillors)} of "
                f"{f.n(_WIFI)} at the first run); mean rating {f.mean_rating(_WIFI)} → "
                f"{f.mean_rating(_RERUN)}, with the tech check also in place."
            ),
            evidence=(
                f.comment(
                    _OVERRAN,
                    "went_well",
                    ("councillor perspective",),
                    "What worked, in an attendee's words.",
                ),
                f.reflection(_OVERRAN, SHACKLETON, "so_what", "Cllr Shackleton on why it matters."),
                f.comment(
                    _RERUN,
                    "went_well",
                    ("co-presenting", "councillors who actually"),
                    "At the rerun with Cllr Akhtar.",
                ),
            ),
        ),
        _lesson(
            f,
            key="demand-to-be-convinced",
            title="Expect councillors to DEMAND to be convinced",
            what_happened=(
                "At the first Wharfeside introduction a vocal group of sceptics asked why busy "
                "councillors should bother at all, and the first hour became a debate about "
                "relevance and time."
            ),
            effect=(
                "Most of the room wanted more of the why, the practical was rushed and the "
                "mean rating was the lowest of the programme so far."
            ),
            cause=(
                "We assumed the case was already made and had only national examples; they "
                "wanted local proof from someone who does the job."
            ),
            lesson=(
                "Be prepared for a hard time: given how busy councillors are, demanding to be "
                "convinced is reasonable, and a councillor answers it best."
            ),
            recommendation=(
                "Open with a councillor's ward stories and local figures, answer why bother in "
                "the first twenty minutes, be straight about the time it takes, then get "
                "everyone doing something."
            ),
            polarity="improve",
            scope="programme",
            priority="high",
            themes=("relevance", "facilitation", "workload"),
            source=_SCEPTICS,
            logged=(f.at(_SCEPTICS, 2, 11, 0), WHITAKER),
            action=(
                "Rebuild the Wharfeside introduction for sceptics as 'Why bother?': two "
                "councillors' ward stories and local figures first, then hands-on."
            ),
            owner=HOLROYD,
            due_date=f.day(_WHY_BOTHER, -14),
            applied=_WHY_BOTHER,
            steps=(
                (
                    f.at(_SCEPTICS, 8, 14, 0),
                    WHITAKER,
                    "identified",
                    "Agreed with Cllr Crowther at the post-mortem",
                ),
                (
                    f.at(_WHY_BOTHER, -60, 10, 30),
                    HOLROYD,
                    "actioned",
                    "Wharfeside asked for a second session",
                ),
                (f.at(_WHY_BOTHER, 1, 9, 45), HOLROYD, "embedded", ""),
                (
                    f.at(_WHY_BOTHER, 7, 15, 30),
                    WHITAKER,
                    "validated",
                    "Checked at the 'Why bother?' post-mortem",
                ),
            ),
            effectiveness=(
                f"Wanting more of the why fell from "
                f"{_of(f.chose(_SCEPTICS, 'balance', 'more_why'))} who answered to "
                f"{_of(f.chose(_WHY_BOTHER, 'balance', 'more_why'))}; mean rating "
                f"{f.mean_rating(_SCEPTICS)} → {f.mean_rating(_WHY_BOTHER)}; "
                f"{f.count(_WHY_BOTHER, ('went_well',), councillors)} of {f.n(_WHY_BOTHER)} "
                f"named the councillors' stories as what worked."
            ),
            evidence=(
                f.comment(
                    _SCEPTICS,
                    "to_change",
                    ("reaches residents",),
                    "The sceptics' question: show us it works.",
                ),
                f.reflection(
                    _SCEPTICS, CROWTHER, "why_different", "Cllr Crowther on why they pushed back."
                ),
                f.comment(
                    _WHY_BOTHER,
                    "went_well",
                    ("fellow councillor", "councillor perspective"),
                    "After the change.",
                ),
            ),
        ),
        _lesson(
            f,
            key="flexible-plans",
            title="Be flexible with the plan, but decide what to protect",
            what_happened=(
                "At Wharfeside the plan went out of the window when the sceptics wanted to "
                "debate the why; letting it run was right, but the hands-on was squeezed."
            ),
            effect="The debate was good; the members who wanted practice got very little.",
            cause=(
                "Our plans fix a running order but not which part is protected when the room "
                "takes us somewhere else."
            ),
            lesson=(
                "Every group is different: plans have to bend to the room, so decide before the "
                "session which part survives if time runs short."
            ),
            recommendation=(
                "Add a 'what we protect' line to every session plan, and agree on the day who "
                "calls time on a debate."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("pace", "relevance"),
            source=_SCEPTICS,
            logged=(f.at(_SCEPTICS, 2, 11, 20), WHITAKER),
            action="Add a 'what we protect' line to the session plan template.",
            steps=(
                (
                    f.at(_SCEPTICS, 8, 14, 10),
                    WHITAKER,
                    "identified",
                    "Agreed at the post-mortem; needs an owner for the plan template",
                ),
            ),
            evidence=(
                f.reflection(_SCEPTICS, WHITAKER, "now_what", "Joanne's reflection."),
                f.comment(
                    _SCEPTICS,
                    "went_well",
                    ("rushed at the end",),
                    "Good, but the practice was squeezed.",
                ),
            ),
        ),
        _lesson(
            f,
            key="tech-check-an-hour-early",
            title="Get there early to make sure the technology works",
            what_happened=(
                "At the first Haverleigh getting-started session the guest wifi was down and the "
                "loan laptops would not log in; the hands-on half became a demonstration on the "
                "projector."
            ),
            effect=(
                "Nearly every comment on what to change was about the tech, and almost nobody "
                "got the practice they came for."
            ),
            cause=(
                "We arrived twenty minutes before the start, nobody had tested the network or "
                "the laptop accounts since an IT update, and neither officer could fix them."
            ),
            lesson=(
                "A hands-on session is only as good as its wifi and logins; checking them is "
                "part of the session, not a favour from IT."
            ),
            recommendation=(
                "Arrive an hour early: test the wifi from a personal phone, log in to every "
                "laptop, check the projector, and bring phone hotspots as a fallback."
            ),
            polarity="improve",
            scope="programme",
            priority="high",
            themes=("tech", "venue"),
            source=_WIFI,
            logged=(f.at(_WIFI, 2, 16, 0), SANDHU),
            action=(
                "Write a tech checklist and run it an hour before every in-person session, "
                "starting with the Haverleigh rerun."
            ),
            owner=AINSLEY,
            due_date=f.day(_RERUN, -7),
            applied=_RERUN,
            steps=(
                (
                    f.at(_WIFI, 2, 16, 30),
                    SANDHU,
                    "identified",
                    "Agreed with Tom at the post-mortem",
                ),
                (f.at(_WIFI, 5, 10, 0), AINSLEY, "actioned", "Rerun booked for the same room"),
                (f.at(_RERUN, 1, 9, 30), AINSLEY, "embedded", ""),
                (
                    f.at(_RERUN, 6, 14, 30),
                    SANDHU,
                    "validated",
                    "Checked at the rerun's post-mortem",
                ),
            ),
            effectiveness=(
                f"Tech complaints fell from {f.count(_WIFI, ('to_change',), tech)} of "
                f"{f.n(_WIFI)} responses to {f.count(_RERUN, ('to_change',), tech)} of "
                f"{f.n(_RERUN)}; mean rating {f.mean_rating(_WIFI)} → {f.mean_rating(_RERUN)}."
            ),
            evidence=(
                f.comment(_WIFI, "to_change", ("wifi",), "Typical of the tech complaints."),
                f.reflection(_WIFI, SANDHU, "improve", "Priya's reflection."),
                f.comment(
                    _RERUN,
                    "went_well",
                    ("wifi sorted beforehand", "wifi worked", "everything worked"),
                    "At the rerun, after the check.",
                ),
            ),
        ),
        _lesson(
            f,
            key="democratic-services-and-web-team",
            title="Balance democratic services and web team support on the day",
            what_happened=(
                "The Haverleigh session was run by two democratic services officers; when the "
                "wifi and laptops failed, neither had the access or the know-how to fix them."
            ),
            effect="An hour lost on the phone to IT while members waited.",
            cause=(
                "Sessions are staffed by whoever organises them, and the web team is not "
                "routinely asked."
            ),
            lesson=(
                "Democratic services bring the councillor context; the web team brings the tools "
                "and the access. A hands-on session needs both in the room."
            ),
            recommendation=(
                "Book a web team officer alongside democratic services for every hands-on "
                "session, agreed with web team managers across the councils."
            ),
            polarity="improve",
            scope="organisation",
            priority="medium",
            themes=("facilitation", "tech"),
            source=_WIFI,
            logged=(f.at(_WIFI, 2, 16, 10), AINSLEY),
            action=(
                "Agree with the web team managers that an officer joins every hands-on session."
            ),
            steps=(
                (
                    f.at(_WIFI, 9, 12, 0),
                    WHITAKER,
                    "identified",
                    "Agreed in principle; needs the web team managers' agreement across the "
                    "councils",
                ),
            ),
            evidence=(
                f.reflection(_WIFI, AINSLEY, "analysis", "Tom's reflection."),
                f.comment(
                    _WIFI,
                    "to_change",
                    ("council laptop", "log in"),
                    "The logins nobody on the day could reset.",
                ),
            ),
        ),
        _lesson(
            f,
            key="why-opener-in-surgeries",
            title="Keep a short 'why' opener even in hands-on surgeries",
            what_happened=(
                "The first Calderbrook surgery went straight into practice. Most loved it, but "
                "a few asked what the point of it all was for their ward work."
            ),
            effect=("Those members set up accounts without knowing what they would use them for."),
            cause="We assumed anyone coming to a surgery was already convinced.",
            lesson=(
                "Even the keenest session needs ten minutes of why, ideally from a councillor, "
                "so the practice has a purpose."
            ),
            recommendation=(
                "Open every surgery with a ten-minute councillor story about ward use, then go "
                "straight into practice."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("relevance", "hands_on"),
            source=_SURGERY,
            logged=(f.at(_SURGERY, 3, 15, 0), HOLROYD),
            action="Add a ten-minute councillor opener to the surgery plan.",
            owner=HOLROYD,
            due_date=f.day(_SURGERY2, -7),
            applied=_SURGERY2,
            steps=(
                (f.at(_SURGERY, 3, 15, 30), HOLROYD, "identified", "Agreed with Tom"),
                (
                    f.at(_SURGERY2, -40, 11, 0),
                    HOLROYD,
                    "actioned",
                    "Wharfeside surgery booked, Cllr Shackleton to open",
                ),
                (f.at(_SURGERY2, 1, 17, 0), HOLROYD, "embedded", ""),
            ),
            evidence=(
                f.comment(
                    _SURGERY,
                    "to_change",
                    ("ward work",),
                    "The question a few were left with.",
                ),
                f.comment(
                    _SURGERY,
                    "to_change",
                    ("explain the point",),
                    "The same point from another member.",
                ),
                f.reflection(
                    _SURGERY2, HOLROYD, "so_what", "Gareth's first thoughts after the new surgery."
                ),
            ),
        ),
        _lesson(
            f,
            key="webinar-dry-run",
            title="Dry-run every webinar: audio, joining link and a second host",
            what_happened=(
                "The Thornwick evening webinar lost its audio twice, some were thrown out of the "
                "call and the link in the invitation was wrong."
            ),
            effect="Members missed parts of it and could not practise along.",
            cause=("One host ran everything, with no test of the link or the sound beforehand."),
            lesson="Online sessions need the same tech check as rooms do.",
            recommendation=(
                "Do a dry run the day before on an ordinary laptop, click the link in the "
                "invitation itself, and have a second host for the chat and the lobby."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("tech",),
            source=_WEBINAR,
            logged=(f.at(_WEBINAR, 2, 11, 0), QURESHI),
            action="Dry-run the next webinar and host it with two officers.",
            owner=BENTLEY,
            due_date=f.day(_FIFTEEN, -2),
            applied=_FIFTEEN,
            steps=(
                (f.at(_WEBINAR, 2, 11, 30), QURESHI, "identified", "Agreed with Rachel"),
                (
                    f.at(_WEBINAR, 14, 10, 0),
                    BENTLEY,
                    "actioned",
                    "Rachel hosts the next webinar",
                ),
                (f.at(_FIFTEEN, 1, 10, 0), BENTLEY, "embedded", ""),
                (
                    f.at(_FIFTEEN, 7, 12, 0),
                    BENTLEY,
                    "validated",
                    "Checked against the lunchtime webinar's feedback",
                ),
            ),
            effectiveness=(
                f"Complaints about the audio, the joining link or being thrown out fell from "
                f"{f.count(_WEBINAR, ('to_change',), ('audio', 'kicked out', 'link in the'))} "
                f"of {f.n(_WEBINAR)} responses to "
                f"{f.count(_FIFTEEN, ('to_change',), ('audio', 'kicked out', 'link in the'))} "
                f"of {f.n(_FIFTEEN)}; mean rating {f.mean_rating(_WEBINAR)} → "
                f"{f.mean_rating(_FIFTEEN)}."
            ),
            evidence=(
                f.comment(_WEBINAR, "to_change", ("audio",), "The audio."),
                f.comment(_WEBINAR, "to_change", ("link in the invite",), "The joining link."),
                f.reflection(_WEBINAR, QURESHI, "now_what", "Imran's reflection."),
            ),
        ),
        _lesson(
            f,
            key="beginner-and-confident-tables",
            title="All councillors are different: beginner and confident tables",
            what_happened=(
                "New councillors at Thornwick arrived already using the tools; many found the "
                "basics too basic, while a few beginners were lost."
            ),
            effect="Both ends of the room were frustrated by a session pitched at the middle.",
            cause="One running order for a group with very different starting points.",
            lesson=(
                "All councillors come to this from different starting points; the session has "
                "to manage that, not average it."
            ),
            recommendation=(
                "Split into beginner and confident tables for the practical, with a confident "
                "member helping on each."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("level", "hands_on"),
            source=_NEWGEN,
            logged=(f.at(_NEWGEN, 3, 14, 0), SANDHU),
            action=(
                "Plan the Brackenmoor getting-started session with beginner and confident tables "
                "after the break."
            ),
            owner=MARSDEN,
            due_date=f.day(_MIXED, -7),
            applied=_MIXED,
            steps=(
                (f.at(_NEWGEN, 3, 14, 30), SANDHU, "identified", "Agreed with Imran"),
                (
                    f.at(_MIXED, -30, 10, 0),
                    MARSDEN,
                    "actioned",
                    "Brackenmoor's mixed group booked",
                ),
                (f.at(_MIXED, 1, 11, 0), MARSDEN, "embedded", ""),
            ),
            evidence=(
                f.comment(
                    _NEWGEN, "to_change", ("split into beginners",), "A member's own suggestion."
                ),
                f.comment(_NEWGEN, "to_change", ("bit basic",), "The confident end of the room."),
                f.reflection(_MIXED, MARSDEN, "happened", "How the split went at Brackenmoor."),
            ),
        ),
        _lesson(
            f,
            key="printed-step-by-step-guide",
            title="Give people a printed step-by-step guide to take home",
            what_happened=(
                "After the Haverleigh rerun several members asked for something written down: a "
                "checklist or a guide for setting things up at home."
            ),
            effect="People forget the steps between the session and their first post.",
            cause="Everything was shown on screen and nothing went home with them.",
            lesson=(
                "Post your learning, and give it to the learners too: a guide outlasts a session."
            ),
            recommendation=(
                "Print a step-by-step guide with pictures for every hands-on session, and send "
                "it round afterwards."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("materials", "hands_on"),
            source=_RERUN,
            logged=(f.at(_RERUN, 3, 10, 0), SANDHU),
            action="Write and print a step-by-step guide for the photos and Instagram session.",
            owner=BENTLEY,
            due_date=f.day(_PHOTOS, -10),
            applied=_PHOTOS,
            steps=(
                (f.at(_RERUN, 3, 10, 30), SANDHU, "identified", "Agreed at the post-mortem"),
                (
                    f.at(_PHOTOS, -45, 14, 0),
                    BENTLEY,
                    "actioned",
                    "Rachel to write it with the web team",
                ),
                (f.at(_PHOTOS, 1, 9, 0), BENTLEY, "embedded", ""),
                (
                    f.at(_PHOTOS, 7, 15, 0),
                    SANDHU,
                    "validated",
                    "The guide was the most praised part",
                ),
            ),
            effectiveness=(
                f"Requests for something written (a guide, checklist or handout) fell from "
                f"{f.count(_RERUN, ('to_change', 'help_next'), written)} of {f.n(_RERUN)} "
                f"responses to {f.count(_PHOTOS, ('to_change', 'help_next'), written)} of "
                f"{f.n(_PHOTOS)}, and "
                f"{f.count(_PHOTOS, ('went_well',), ('handout', 'guide', 'notes'))} of "
                f"{f.n(_PHOTOS)} named the handout or notes as what worked."
            ),
            evidence=(
                f.comment(_RERUN, "to_change", ("written down",), "Asked for at the rerun."),
                f.reflection(
                    _RERUN, AKHTAR, "now_what", "Cllr Akhtar heard the same at the tables."
                ),
                f.comment(_PHOTOS, "went_well", ("handout",), "After the change."),
            ),
        ),
        _lesson(
            f,
            key="check-room-bookings",
            title="Confirm the room booking a week before and the day before",
            what_happened=(
                "At Brackenmoor Community Centre the booked room was double-booked; the group "
                "squeezed into a cold side hall with nowhere to park."
            ),
            effect=(
                "Twenty minutes lost, the screen hard to see, and members wondering whether the "
                "council took their development seriously."
            ),
            cause="The booking was made months before and never confirmed.",
            lesson="Getting there early starts with knowing the room is ours.",
            recommendation=(
                "Confirm every booking by name with the venue a week before and the day before, "
                "and put parking details in the invitation."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("venue",),
            source=_VENUE,
            logged=(f.at(_VENUE, 2, 14, 0), MARSDEN),
            action="Add booking confirmation and parking details to the session checklist.",
            owner=MARSDEN,
            due_date=f.day(_VENUE, 30),
            applied=_MIXED,
            steps=(
                (f.at(_VENUE, 2, 14, 20), MARSDEN, "identified", "Agreed with Imran"),
                (f.at(_VENUE, 9, 10, 0), MARSDEN, "actioned", "Checklist updated"),
                (f.at(_MIXED, 1, 11, 10), MARSDEN, "embedded", ""),
            ),
            evidence=(
                f.comment(_VENUE, "to_change", ("room booking",), "The room booking."),
                f.reflection(_VENUE, MARSDEN, "now_what", "Fiona's reflection."),
            ),
        ),
        _lesson(
            f,
            key="evening-sessions-only",
            title="Move every session to the evening",
            what_happened=(
                "At Brackenmoor a member with a day job asked for every session to run in the "
                "evening."
            ),
            effect="Afternoon sessions are hard for working members.",
            cause="The programme had run mostly daytime sessions at first.",
            lesson="Time of day shuts some members out, whichever time is chosen.",
            recommendation="Run all sessions in the evening.",
            polarity="improve",
            scope="programme",
            priority="low",
            themes=("venue", "workload"),
            source=_VENUE,
            logged=(f.at(_VENUE, 2, 14, 40), QURESHI),
            steps=(
                (
                    f.at(_VENUE, 9, 10, 30),
                    MARSDEN,
                    "rejected",
                    "Daytime sessions suit members who are retired or work shifts; the "
                    "programme keeps a mix of morning, evening and lunchtime slots instead",
                ),
            ),
            evidence=(
                f.comment(_VENUE, "to_change", ("evening",), "The request."),
                DemoEvidence(
                    "note",
                    _VENUE,
                    None,
                    None,
                    None,
                    None,
                    "Fiona's note: at the post-mortem we counted the complaints about the time "
                    "of day across the programme; there were only a handful, from both sides.",
                ),
            ),
        ),
        _lesson(
            f,
            key="webinar-slides-and-screen-share",
            title="Send webinar slides beforehand and enlarge the screen share",
            what_happened=(
                "At the lunchtime webinar, and at the Thornwick webinar before it, members found "
                "the screen share too small to read on a laptop."
            ),
            effect="People following on small screens could not see the steps being shown.",
            cause="Slides built for a projector, shared at normal size.",
            lesson="What works on a projector does not work on a laptop or a phone.",
            recommendation=(
                "Send the slides and links the day before, zoom the screen share, and keep text "
                "large."
            ),
            polarity="improve",
            scope="programme",
            priority="medium",
            themes=("tech", "materials"),
            source=_FIFTEEN,
            logged=(f.at(_FIFTEEN, 3, 11, 0), BENTLEY),
            action=(
                "For the analytics webinar: send slides and links the day before, zoom the "
                "screen share to 150% and test it on a phone."
            ),
            owner=BENTLEY,
            due_date=f.day(_NEXT_WEBINAR, -7),
            steps=(
                (f.at(_FIFTEEN, 3, 11, 30), BENTLEY, "identified", "Agreed with Cllr Oldroyd"),
                (
                    f.at("", -12, 10, 0),
                    BENTLEY,
                    "actioned",
                    "The analytics and short video webinar is booked",
                ),
            ),
            evidence=(
                f.comment(_FIFTEEN, "to_change", ("screen share",), "At the lunchtime webinar."),
                f.comment(_WEBINAR, "to_change", ("screen share",), "And at the one before."),
            ),
        ),
        _lesson(
            f,
            key="skip-the-why",
            title="Skip the 'why' for experienced councillors",
            what_happened=(
                "At the rebalanced Calderbrook introduction some confident members asked us to "
                "skip the why altogether and go straight to the practice."
            ),
            effect="Confident members sat through a part they did not need.",
            cause="The why opener is pitched at the sceptics.",
            lesson="Not every member needs to be convinced.",
            recommendation="Drop the why opener for groups with experienced users.",
            polarity="improve",
            scope="session",
            priority="low",
            themes=("relevance", "level"),
            source=_REBALANCED,
            logged=(f.at(_REBALANCED, 7, 14, 30), HOLROYD),
            steps=(
                (
                    f.at(_REBALANCED, 7, 14, 45),
                    WHITAKER,
                    "identified",
                    "Discussed at the post-mortem",
                ),
                (
                    f.at(_REBALANCED, 7, 15, 0),
                    WHITAKER,
                    "rejected",
                    f"The sceptics in the same room still wanted more of the why "
                    f"({_of(f.chose(_REBALANCED, 'balance', 'more_why'))} who answered), and "
                    f"the councillor-led opener is what won the Wharfeside sceptics round; "
                    f"confident members get their own table instead",
                ),
            ),
            evidence=(
                f.comment(_REBALANCED, "to_change", ("skip the why",), "The request."),
                f.reflection(_REBALANCED, WHITAKER, "sustain", "Joanne's view: keep the opener."),
            ),
        ),
        _lesson(
            f,
            key="keep-in-touch",
            title="Post your learning and keep in touch: a peer group for members",
            what_happened=(
                "Members at Calderbrook and Wharfeside asked for a way to keep in touch after the "
                "session, such as a peer support group."
            ),
            effect="Members lose momentum once the session ends.",
            cause="The programme ends at the door; there is no follow-up.",
            lesson="Learning sticks when members can keep asking each other.",
            recommendation=(
                "Set up a members' peer group, with the evangelists as buddies for the cautious."
            ),
            polarity="improve",
            scope="programme",
            priority="low",
            themes=("materials", "level"),
            source=_REBALANCED,
            logged=(f.at(_REBALANCED, 9, 11, 0), AINSLEY),
            evidence=(
                f.comment(_REBALANCED, "help_next", ("peer",), "Asked for at Calderbrook."),
                f.reflection(_REBALANCED, AINSLEY, "now_what", "Tom's reflection."),
                f.comment(_WHY_BOTHER, "help_next", ("keep in touch",), "And at Wharfeside."),
            ),
        ),
        _lesson(
            f,
            key="pre-election-guidance-in-writing",
            title="Put the pre-election guidance in writing",
            what_happened=(
                "The pre-election briefing at Thornwick was well received, but everything was "
                "spoken and many members asked for the rules written down."
            ),
            effect=(
                "Members will have to recall the rules from memory in the middle of a campaign."
            ),
            cause="No written guidance had been agreed with the monitoring officer.",
            lesson="Guidance people need at the moment of posting has to be in writing.",
            recommendation=(
                "A one-page guide to social media in the pre-election period, signed off by the "
                "monitoring officer and sent to all members."
            ),
            polarity="improve",
            scope="organisation",
            priority="high",
            themes=("risk", "materials"),
            source=_PRE_ELECTION,
            logged=(f.at(_PRE_ELECTION, 2, 15, 0), MARSDEN),
            action=(
                "Draft the one-page pre-election guide, get legal sign-off and send it to all "
                "members."
            ),
            owner=MARSDEN,
            due_date=f.day(_PRE_ELECTION, 28),
            steps=(
                (
                    f.at(_PRE_ELECTION, 2, 15, 30),
                    MARSDEN,
                    "identified",
                    "Agreed with Priya at the post-mortem",
                ),
                (
                    f.at(_PRE_ELECTION, 6, 10, 0),
                    MARSDEN,
                    "actioned",
                    "Fiona to draft, monitoring officer to sign off",
                ),
            ),
            evidence=(
                f.comment(
                    _PRE_ELECTION, "help_next", ("written down",), "What members asked for next."
                ),
                f.comment(_PRE_ELECTION, "to_change", ("written down",), "And what to change."),
                f.reflection(_PRE_ELECTION, MARSDEN, "action_plan", "Fiona's action plan."),
            ),
        ),
        _lesson(
            f,
            key="tables-from-the-start",
            title="Seat beginner and confident tables from the start",
            what_happened=(
                "At the photos and Instagram session members asked to be split into beginners "
                "and experienced; some found it basic while others felt we assumed too much."
            ),
            effect=(
                "Confident members waited while beginners caught up, and beginners felt rushed."
            ),
            cause="Everyone started together and the split, where we made one, came late.",
            lesson=(
                "Splitting the room works, but only if it starts before the confident members "
                "have switched off."
            ),
            recommendation=(
                "Ask on the booking form how each member uses social media now, seat beginner "
                "and confident tables from the start, and put two helpers on the beginners' "
                "table."
            ),
            polarity="improve",
            scope="programme",
            priority="high",
            themes=("level", "hands_on"),
            source=_PHOTOS,
            logged=(f.at(_PHOTOS, 3, 14, 0), SANDHU),
            action=(
                "For the Thornwick getting-started session: add the booking-form question and "
                "seat the tables from the start, two helpers on the beginners' table."
            ),
            owner=SANDHU,
            due_date=f.day(_NEXT_WORKSHOP, -7),
            steps=(
                (f.at(_PHOTOS, 3, 14, 30), SANDHU, "identified", "Agreed with Rachel"),
                (
                    f.at("", -6, 11, 0),
                    SANDHU,
                    "actioned",
                    "Brackenmoor showed a late split is not enough",
                ),
            ),
            evidence=(
                f.comment(
                    _PHOTOS, "to_change", ("split into beginners",), "A member's suggestion."
                ),
                f.comment(_PHOTOS, "to_change", ("basic",), "The confident end of the room."),
                f.reflection(_MIXED, MARSDEN, "improve", "Fiona after Brackenmoor."),
            ),
        ),
        _lesson(
            f,
            key="longer-surgeries",
            title="Surgeries need longer to set up a page properly",
            what_happened=(
                "At the Wharfeside surgery on ward Facebook pages a few members left with "
                "unfinished pages and said it was over too quickly."
            ),
            effect="Pages half set up, which members may not finish alone.",
            cause="Two hours is not long enough to set up and post on a ward page.",
            lesson="Setting up a page properly takes longer than we allow.",
            recommendation="Allow longer for surgeries, or book a follow-up slot.",
            polarity="improve",
            scope="session",
            priority="medium",
            themes=("pace", "hands_on"),
            source=_SURGERY2,
            logged=(f.at(_SURGERY2, 2, 16, 0), HOLROYD),
            evidence=(
                f.comment(_SURGERY2, "to_change", ("over too quickly",), "Over too quickly."),
                f.reflection(_SURGERY2, HOLROYD, "so_what", "Gareth's draft reflection."),
            ),
        ),
    ]
    return tuple(sorted(lessons, key=lambda lesson: (lesson.logged_at, lesson.key)))


def evidence_linked(
    programme: DemoProgramme, lesson: DemoLesson, evidence: DemoEvidence
) -> tuple[dt.datetime, str]:
    """When, and by whom, ``evidence`` was linked to ``lesson``.

    Evidence that existed when the lesson was logged was linked then; evidence from a later
    session at the move it supported: the validation when the lesson was validated,
    otherwise the first move after the evidence existed.
    """
    session = next(s for s in programme.sessions if s.key == evidence.session_key)
    ready = session.ends_at
    if evidence.kind == "comment" and evidence.response_index is not None:
        ready = session.responses[evidence.response_index].submitted_at
    elif evidence.kind == "reflection":
        ready = next(
            r.written_at
            for r in programme.reflections
            if r.session_key == evidence.session_key and r.author == evidence.reflection_author
        )
    if ready <= lesson.logged_at:
        return lesson.logged_at, lesson.logged_by
    after = [change for change in lesson.history if change.at >= ready]
    # The feedback that showed a lesson working is linked when it was validated.
    chosen = next((c for c in after if c.to_status == "validated"), after[0] if after else None)
    if chosen is None:
        raise ValueError(f"{lesson.key}: evidence from {evidence.session_key} postdates it")
    return chosen.at, chosen.actor


# --------------------------------------------------------------------------------------
# Follow-ups: what councillors went on to do, six weeks after (issue 16)
# --------------------------------------------------------------------------------------

FOLLOWUP_WEEKS = 6  # the demo's sessions keep the default


@dataclass(frozen=True)
class DemoFollowup:
    """One attendee's follow-up answer, weeks after a session."""

    session_key: str
    submitted_at: dt.datetime
    actions: tuple[str, ...]
    frequency: str | None
    barriers: tuple[str, ...]
    fu_barriers: str
    confidence_now: int | None
    fu_help_next: str


# How likely an attendee was to do something afterwards, by session: the early sessions that
# overran, left sceptics unconvinced or lost the wifi turned fewer into users; those that
# applied the lessons (more hands-on, co-delivered, a printed guide) turned more.
_FOLLOWUP_DID: dict[str, float] = {
    _OVERRAN: 0.4,
    _SCEPTICS: 0.3,
    _WIFI: 0.35,
    _SURGERY: 0.75,
    _RERUN: 0.8,
    _WHY_BOTHER: 0.65,
    _FIFTEEN: 0.85,
    _REBALANCED: 0.85,
    _PRE_ELECTION: 0.7,
}
# What people did, by how likely it was to be ticked by someone who did something.
_FOLLOWUP_ACTION_ODDS: dict[str, float] = {
    "page": 0.55,
    "posted": 0.7,
    "replied": 0.35,
    "safety": 0.25,
    "materials": 0.3,
    "helped": 0.12,
}
# Sessions where one barrier stood out: (barrier, how much more often it was ticked).
_FOLLOWUP_BARRIER_LEAN: dict[str, tuple[str, float]] = {
    _OVERRAN: ("start", 2.5),
    _SCEPTICS: ("relevance", 3.0),
    _WIFI: ("tech", 3.0),
    _PRE_ELECTION: ("risk", 2.0),
    _FIFTEEN: ("time", 0.5),
}
_FOLLOWUP_BARRIER_ODDS: dict[str, float] = {
    "time": 0.45,
    "start": 0.15,
    "tech": 0.12,
    "risk": 0.12,
    "support": 0.1,
    "relevance": 0.08,
}
_FOLLOWUP_BARRIER_WORDS: dict[str, tuple[str, ...]] = {
    "time": (
        "Casework takes every evening, and posting is the first thing to slip.",
        "Honestly just time. Full council, two committees and the day job.",
        "I meant to post weekly but the budget meetings ate March.",
        "Not enough hours. A ready-made weekly template would help.",
    ),
    "start": (
        "I was not sure what to post first, so I did nothing.",
        "Setting up the page was fine, knowing what to say on it was the hard part.",
        "Once I was home on my own I could not remember the steps.",
    ),
    "tech": (
        "Two-factor login on my council phone kept locking me out.",
        "The council laptop blocks Facebook, so I can only do it on my own phone.",
        "Lost the password for the page we set up and could not get back in.",
    ),
    "risk": (
        "A nasty reply on a planning post put me off for a few weeks.",
        "Nervous about saying the wrong thing so close to the elections.",
        "Worried about being trolled over the bin collection changes.",
    ),
    "support": (
        "Nobody to ask when it went wrong. A named contact would help.",
        "The officers were busy and I did not want to bother them.",
    ),
    "relevance": (
        "Still not convinced my older residents are online.",
        "Most of my ward would rather I knocked on the door.",
    ),
}
_FOLLOWUP_HELP: tuple[str, ...] = (
    "A half-hour surgery on scheduling posts please.",
    "A one-page guide to replying to complaints online.",
    "Could we have a refresher on the pre-election rules before May?",
    "Someone to look over my first few posts.",
    "More worked examples of good ward updates, please.",
    "A WhatsApp group with the other councillors from the session.",
    "Help with photos and short videos on my phone.",
    "",
    "",
    "",
)


def generate_followups(
    programme: DemoProgramme, today: dt.date, seed: int = 2016
) -> tuple[DemoFollowup, ...]:
    """Follow-up answers for every session whose follow-up opened at least a week ago: about
    half of each session's respondents answer, over the three weeks after it opens (or until
    yesterday). Same arguments, same answers."""
    rng = random.Random(seed)
    answers: list[DemoFollowup] = []
    for session in programme.sessions:
        opens = dt.datetime.combine(
            session.starts_at.date() + dt.timedelta(weeks=FOLLOWUP_WEEKS), dt.time()
        )
        if session.status == "planned" or opens.date() > today - dt.timedelta(days=7):
            continue
        last = min(opens + dt.timedelta(weeks=3), dt.datetime.combine(today, dt.time()))
        did_rate = _FOLLOWUP_DID.get(session.key, 0.6)
        lean, weight = _FOLLOWUP_BARRIER_LEAN.get(session.key, ("", 1.0))
        day_confidence = [r.confidence_after for r in session.responses if r.confidence_after]
        count = max(len(session.responses) * 11 // 20, 3 if session.responses else 0)
        for _ in range(count):
            did = rng.random() < did_rate
            actions = tuple(a for a, odds in _FOLLOWUP_ACTION_ODDS.items() if rng.random() < odds)
            if did and not actions:
                actions = ("posted",)
            barriers = tuple(
                b
                for b, odds in _FOLLOWUP_BARRIER_ODDS.items()
                if rng.random() < odds * (weight if b == lean else 1.0) * (1.6 if not did else 1)
            )
            then = rng.choice(day_confidence) if day_confidence else 3
            now = _clamp(then + (rng.choice((0, 0, 1)) if did else rng.choice((-1, 0, 0))))
            barrier_text = ""
            if barriers and rng.random() < 0.45:
                barrier_text = rng.choice(_FOLLOWUP_BARRIER_WORDS[rng.choice(barriers)])
            answers.append(
                DemoFollowup(
                    session_key=session.key,
                    submitted_at=opens + (last - opens) * rng.random(),
                    actions=actions if did else ("nothing_yet",),
                    frequency=rng.choice(("weekly", "monthly", "monthly", "once"))
                    if did
                    else ("not_yet" if rng.random() < 0.8 else None),
                    barriers=barriers or (("nothing",) if did and rng.random() < 0.6 else ()),
                    fu_barriers=barrier_text,
                    confidence_now=None if rng.random() < 0.08 else now,
                    fu_help_next=rng.choice(_FOLLOWUP_HELP),
                )
            )
    return tuple(answers)
