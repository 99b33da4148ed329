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

__all__ = [
    "COUNCILS",
    "PROGRAMMES",
    "THEME_COVERAGE_HINTS",
    "DemoProgramme",
    "DemoResponse",
    "DemoSession",
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
class DemoProgramme:
    sessions: tuple[DemoSession, ...]


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
    return DemoProgramme(sessions=tuple(sessions))
