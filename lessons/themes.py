"""The theme taxonomy as data, and a fast, explainable matcher for it.

A theme is a set of include terms (single words, matched on their Porter
stem so "laptops" finds "laptop"), phrases (several words, matched in order,
each word on its stem: "setting up" finds "set up") and exclude terms (when
one of them appears in a clause, the theme is not tagged in that clause:
"room for improvement" is not about the venue).

Matching works clause by clause, so every tag can show the words that
triggered it and the clause they sit in. Everything here is pure and needs no
NLTK data: tokens come from a regular expression and the Porter stemmer is
rule-based.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from nltk.stem import PorterStemmer


@dataclass(frozen=True)
class ThemeDefinition:
    id: str
    name: str
    description: str
    include_terms: tuple[str, ...]
    phrases: tuple[str, ...]
    exclude_terms: tuple[str, ...] = ()


def _terms(text: str) -> tuple[str, ...]:
    """Terms written one after another, separated by commas (easier to read than a tuple)."""
    return tuple(term.strip() for term in text.split(",") if term.strip())


@dataclass(frozen=True)
class ThemeMatch:
    """One theme found in a text: the words that matched and the clauses they sit in."""

    theme_id: str
    evidence: tuple[str, ...]
    clauses: tuple[str, ...]


DEFAULT_THEMES: tuple[ThemeDefinition, ...] = (
    ThemeDefinition(
        id="pace",
        name="Pace & length",
        description=(
            "Session length, timing, overrunning, rushed, too fast or too slow, keeping up, breaks."
        ),
        include_terms=_terms(
            "pace, paced, pacing, rushed, rush, rushing, hurried, slow, slowly, slower, slowed, "
            "fast, faster, quick, quicker, quickly, length, lengthy, long, longer, short, "
            "shorter, overran, overrun, overrunning, timing, timings, duration, break, breaks, "
            "pause, pauses, dragged, drag, dragging, timekeeping, condensed, speed, intense, "
            "intensive, squeezed, crammed, cram, behind"
        ),
        phrases=_terms(
            "too fast, too quick, too quickly, ran over, run over, running over, over ran, "
            "out of time, short of time, more time, enough time, lack of time, time management, "
            "time keeping, time constraints, time constraint, time pressure, time was tight, "
            "tight for time, went on too long, went on a bit, dragged on, finished late, "
            "finish on time, started late, start on time, started on time, late start, "
            "finished early, half day, full day, whole day, two days, three days, few days, "
            "more days, fewer days, too few days, time for questions, too much in, "
            "too much content, too much information, info overload, information overload, "
            "too many things, too much at once, at once, keep up, keeping up, keep up with, "
            "catch up, catch back up, caught up, left behind, fell behind, got behind, "
            "lost track, hard to follow along, slowed down, slow down, speed up"
        ),
        exclude_terms=_terms(
            "long term, long-term, as long as, in short, short term, short notice, long time, "
            "how long, long run, quick question, keep up the good work, keep it up, "
            "time for exercises, time on exercises, time for practice, time to practise, "
            "time to practice, time on examples, time on problems, time for case, "
            "time to try, quickly answered, answered quickly"
        ),
    ),
    ThemeDefinition(
        id="hands_on",
        name="Hands-on practice",
        description=(
            "Practical exercises, worked examples, trying the tools, following along, "
            "'show me how', getting started, surgery-style help."
        ),
        include_terms=_terms(
            "hands-on, practical, practicals, practice, practise, practising, exercise, "
            "exercises, example, examples, demo, demos, demonstration, demonstrated, "
            "walkthrough, surgery, surgeries, interactive, activity, activities, lab, labs, "
            "project, projects, workshop-style, challenge, challenges, lecture, lectures, "
            "lecturing"
        ),
        phrases=_terms(
            "hands on, have a go, had a go, having a go, try it, try out, tried out, trying out, "
            "try things, trying things, test out, show me how, show us how, showed us how, "
            "shown how, walk through, walked through, worked through, working through, "
            "step by step, set up, setting up, getting started, get started, one to one, "
            "1 to 1, 1 2 1, drop in, do it ourselves, doing it, play around, playing around, "
            "live demo, live coding, coding live, programmed live, code along, coding along, "
            "type along, typing along, follow along, following along, in real time, "
            "our own accounts, own account, own phone, own device, own laptop, write a post, "
            "writing a post, create a post, creating posts, post something, posted something, "
            "actually doing, learn by doing, just show me, the activity, the activities, "
            "group activity, group exercise, group work, pair work, pair programming, "
            "work in pairs, working in pairs, work in groups, independent work, have a play, "
            "had a play, too much theory, more theory, less theory, theory and practice, "
            "theory and hands, case study, case studies, open ended problems, problem solving, "
            "practice problems, real problems, difficult problems, more problems"
        ),
        exclude_terms=_terms(
            "best practice, good practice, in practice, working practices, coding practices, "
            "good practices, best practices, for example, example of why, examples of why"
        ),
    ),
    ThemeDefinition(
        id="relevance",
        name="Purpose & relevance",
        description=(
            "Why bother, benefits, usefulness, the case for it, relevance to the role and "
            "one's own work, being convinced."
        ),
        include_terms=_terms(
            "relevant, relevance, irrelevant, benefit, benefits, beneficial, purpose, "
            "worthwhile, value, valuable, convinced, convince, convincing, persuaded, persuade, "
            "residents, constituents, ward, wards, resident, audience, reach, context, strategy, "
            "pointless, motivation, motivated, inspired, inspiring, useful, usefulness, "
            "applicable, applicability, apply, applying, applied, tailored, transferable"
        ),
        phrases=_terms(
            "why bother, the point of, point of it, the case for, worth it, worth my time, "
            "worth the time, worth doing, real examples, real life examples, real world, "
            "real life, case for, my role, our role, as a councillor, as councillors, "
            "councillor role, role of a councillor, local issues, engage with residents, "
            "engaging with residents, reach people, reach residents, make a difference, "
            "apply to, applies to, what's in it for me, the big picture, big picture, "
            "why it matters, why we should, the why, why use, why i should, why councillors, "
            "why better, see why, reasons to, reasons why, good reason, local community, "
            "our community, my community, the community, applicable to, my field, our field, "
            "my research, our research, my work, our work, my job, my data, my projects, "
            "my own work, everyday work, day to day, in practice, use it, use them, use this, "
            "use in, using it, put into practice, specific to, more specific, more targeted, "
            "target the, got what i came for, what i came for, my area, their area"
        ),
        exclude_terms=_terms("reach out, within reach"),
    ),
    ThemeDefinition(
        id="risk",
        name="Risks & safety",
        description=(
            "Online abuse, trolls, reputation, code of conduct, legal, privacy, "
            "pre-election period."
        ),
        include_terms=_terms(
            "risk, risks, risky, abuse, abusive, troll, trolls, trolling, harassment, harassed, "
            "threat, threats, threatening, safety, safe, safely, security, secure, hacked, "
            "hacking, hacker, privacy, private, gdpr, reputation, reputational, legal, legally, "
            "libel, defamation, defamatory, purdah, pre-election, misinformation, "
            "disinformation, scam, scams, fake, hostile, hostility, backlash, block, blocking, "
            "blocked, mute, muting, doxxing, impersonation, dangers, danger, pitfalls, "
            "vulnerable, intimidation, bullying, boundaries, controversial, screenshot, "
            "screenshots, abused, anonymous, anonymity, confidential, confidentiality"
        ),
        phrases=_terms(
            "code of conduct, personal data, data protection, monitoring officer, "
            "standards committee, pre election, election period, purdah period, "
            "negative comments, nasty comments, abusive comments, online abuse, pile on, "
            "what not to post, dos and don'ts, do's and don'ts, personal safety, keep safe, "
            "staying safe, stay safe, home address, personal and political, personal account, "
            "council account, get it wrong, going wrong, go wrong, come back to bite, "
            "land in trouble, get into trouble, report abuse, reporting abuse, deal with trolls, "
            "dealing with trolls, dealing with abuse, dealing with negative"
        ),
        exclude_terms=_terms(
            "safe space, safe to ask, felt safe, block booking, time block, blocked out"
        ),
    ),
    ThemeDefinition(
        id="tech",
        name="Technology & set-up",
        description=(
            "Wifi, laptops and devices, installing and setting up, logins and accounts, "
            "projector and sound, things not working."
        ),
        include_terms=_terms(
            "wifi, wi-fi, internet, connection, connectivity, broadband, signal, 4g, 5g, laptop, "
            "laptops, ipad, ipads, tablet, tablets, device, devices, smartphone, smartphones, "
            "iphone, android, login, logins, logon, password, passwords, username, projector, "
            "projectors, audio, microphone, mic, mics, speakers, hdmi, cable, adapter, charger, "
            "chargers, battery, technology, technical, tech, helpdesk, app, apps, download, "
            "downloaded, downloading, install, installed, installing, installation, "
            "installations, installer, setup, authenticator, 2fa, browser, crashed, crashing, "
            "froze, frozen, glitch, glitches, glitchy, lag, laggy, bandwidth, volume, webcam, "
            "camera, equipment, kit, wireless, clicker, buffering, crash, machine, machines, "
            "computer, computers, pc, pcs, mac, macs, linux, environment, environments, "
            "a/v, av, firewall, admin rights, permissions"
        ),
        phrases=_terms(
            "wi fi, not working, did not work, didn't work, does not work, doesn't work, "
            "wasn't working, weren't working, stopped working, would not connect, "
            "wouldn't connect, could not connect, couldn't connect, couldn't log in, "
            "could not log in, can't log in, log in, logging in, logged in, log on, sign in, "
            "signing in, teams link, zoom link, meeting link, it support, it team, "
            "it department, it help, it issues, technical issues, technical problems, "
            "technical difficulties, tech issues, two factor, verification code, mobile phone, "
            "my phone, our phones, phone signal, council laptop, council phone, council ipad, "
            "the sound, sound quality, sound system, couldn't hear, could not hear, "
            "hard to hear, screen froze, screen freezing, kept freezing, virtual machine, "
            "virtual machines, text editor, operating system, software setup, set up the "
            "software, connect to the wifi, connect to the internet, connecting to the wifi, "
            "on windows, windows pc, windows laptop, windows machine, windows 10, windows 11"
        ),
        exclude_terms=_terms(
            "screen time, too technical, technical language, technical jargon, technical terms, "
            "machine learning"
        ),
    ),
    ThemeDefinition(
        id="facilitation",
        name="Facilitators & delivery",
        description=(
            "Presenter and helper quality, clarity, structure, stories, engagement, "
            "co-delivery with councillors, getting help."
        ),
        include_terms=_terms(
            "facilitator, facilitators, facilitation, facilitated, trainer, trainers, presenter, "
            "presenters, presentation, presented, presenting, speaker, speakers, delivery, "
            "delivered, explained, explaining, explanation, explanations, clearly, clear, "
            "unclear, knowledgeable, expert, experts, expertise, enthusiastic, enthusiasm, "
            "approachable, patient, patience, host, hosts, hosted, helper, helpers, tutor, "
            "tutors, instructor, instructors, teacher, teachers, teaching, taught, lecturer, "
            "lecturers, ta, tas, volunteers, jargon, humour, humor, funny, engaging, engaged, "
            "engagement, energy, energetic, atmosphere, listened, co-delivered, co-presented, "
            "co-facilitated, led, waffle, waffled, rambling, patronising, condescending, "
            "answered, questions, q&a, confusing, confused, stories, story, anecdotes, "
            "anecdote, structure, structured, organisation, organization, encouraged, "
            "encouraging, feedback, signposting, friendly, glossed"
        ),
        phrases=_terms(
            "q a, q and a, q & a, the team, comms team, communications team, digital team, "
            "co delivered, co delivery, co presented, well explained, explained well, "
            "easy to follow, hard to follow, difficult to follow, easy to understand, "
            "hard to understand, went too fast, read from the slides, reading from slides, "
            "answered questions, answering questions, took time to, made it fun, made us feel, "
            "put us at ease, fellow councillor, councillor colleague, the officers, the trainer, "
            "the presenter, the facilitator, council officer, council officers, comms officer, "
            "officers who, officer who, teaching style, presenting style, delivery style, "
            "talked through, sticky notes, post it notes, post-it notes, one on one, "
            "one-on-one, get help, got help, getting help, ask for help, asking for help, "
            "summon help, help from, the staff, staff were, the people"
        ),
        exclude_terms=_terms("clear desk, at present, present day, at the present"),
    ),
    ThemeDefinition(
        id="materials",
        name="Materials & follow-up",
        description=(
            "Slides, handouts, guides, instructions, websites and shared notes, links, "
            "further support, keeping in touch."
        ),
        include_terms=_terms(
            "slides, slide, powerpoint, handout, handouts, guide, guides, guidance, notes, "
            "checklist, links, link, resources, resource, toolkit, booklet, workbook, template, "
            "templates, printed, printout, printouts, recording, recorded, pdf, materials, "
            "material, leaflet, crib, factsheet, follow-up, newsletter, documentation, summary, "
            "summaries, videos, video, webpage, intranet, website, websites, tutorial, "
            "tutorials, syllabus, etherpad, handbook, manual, references, reading, info"
        ),
        phrases=_terms(
            "slide deck, cheat sheet, crib sheet, follow up, followed up, further support, "
            "ongoing support, more support, keep in touch, stay in touch, contact details, "
            "send the slides, copy of the slides, copy of, one pager, step by step guide, "
            "written guide, something to take away, take away, refer back, refer to later, "
            "quick reference, further reading, useful links, top tips, tip sheet, info pack, "
            "information pack, welcome pack, training pack, web site, where to find, "
            "places to go, more info, more information, further information, pre course, "
            "pre-course, read before, reading list, google doc, google docs, shared document, "
            "shared folder, in the chat, written instructions, the instructions, "
            "install instructions, installation instructions, clear instructions, "
            "clearer instructions, instructions for, step by step instructions"
        ),
        exclude_terms=_terms(
            "link with residents, link up, sticky notes, post it notes, links between"
        ),
    ),
    ThemeDefinition(
        id="level",
        name="Level & group mix",
        description=(
            "Too basic or too advanced, depth, prior experience, mixed abilities, pitched "
            "right, group size, peer discussion."
        ),
        include_terms=_terms(
            "advanced, beginner, beginners, novice, novices, newbie, newbies, pitched, pitch, "
            "level, levels, simplistic, complicated, peer, peers, discussion, discussions, "
            "breakout, breakouts, intermediate, beginner's, dumbed, depth, background, "
            "backgrounds, proficient, experienced, inexperienced, ratio, escalation, "
            "repetitive, repeated, jump, newcomers"
        ),
        phrases=_terms(
            "mixed ability, mixed abilities, mix of abilities, mix of levels, "
            "mix of backgrounds, mix of experience, mixed group, mixed levels, different levels, "
            "different abilities, ability levels, pitched right, pitched at, over my head, "
            "over our heads, too technical, too basic, too simple, too easy, too hard, "
            "too advanced, very basic, already knew, already know, assumed knowledge, "
            "assumed we knew, prior knowledge, previous knowledge, background knowledge, "
            "no experience, prior experience, previous experience, programming experience, "
            "new to, never used, complete beginner, group size, class size, small group, "
            "smaller group, smaller groups, large group, bigger group, number of people, "
            "other councillors, fellow councillors, learning from others, "
            "learn from each other, learning from each other, sharing experiences, "
            "share experiences, dumbed down, right level, wrong level, for beginners, "
            "not for beginners, knew nothing, know nothing, more advanced, next level, "
            "sharing ideas, share ideas, shared experiences, already use, already using, "
            "already on, already have, more experienced, less experienced, experienced users, "
            "seen before, more depth, in depth, big jump"
        ),
        exclude_terms=_terms(
            "level of abuse, high level of, level playing field, group chat, facebook group, "
            "facebook groups, whatsapp group, whatsapp groups, community group, "
            "community groups, residents group, residents groups, in advance, advance notice, "
            "level of service, level of care"
        ),
    ),
    ThemeDefinition(
        id="platforms",
        name="Platforms & tools",
        description=(
            "Named platforms and tools: social media (Twitter/X, Facebook, LinkedIn, "
            "Instagram, WhatsApp, YouTube, Nextdoor, blogs), office and video-call software "
            "(Word, Excel, Outlook, Teams, Zoom), and other software tools and languages."
        ),
        include_terms=_terms(
            "twitter, tweet, tweets, tweeting, retweet, facebook, fb, linkedin, instagram, "
            "insta, whatsapp, youtube, nextdoor, tiktok, blog, blogs, blogging, blogger, "
            "snapchat, threads, bluesky, mastodon, reddit, hootsuite, canva, buffer, meta, "
            "messenger, podcast, podcasts, vlog, flickr, pinterest, hashtag, hashtags, chatgpt, "
            "copilot, mailchimp, telegram, friendfeed, zoom, skype, webex, slack, outlook, "
            "excel, spreadsheet, spreadsheets, powerpoint, sharepoint, onedrive, dropbox, "
            "trello, miro, mentimeter, padlet, eventbrite, tool, tools, software, language, "
            "languages, python, ipython, jupyter, numpy, scipy, pandas, matplotlib, r, "
            "rstudio, matlab, perl, java, javascript, sql, sqlite, mysql, postgres, database, "
            "databases, git, github, gitlab, svn, subversion, shell, bash, unix, linux, "
            "terminal, grep, regex, makefile, makefiles, anaconda, conda, cygwin, openrefine, "
            "stackoverflow, google"
        ),
        phrases=_terms(
            "on x, x formerly twitter, x twitter, twitter x, x account, x accounts, x post, "
            "x posts, post on x, posting on x, use x, using x, x com, facebook group, "
            "facebook groups, facebook page, whatsapp group, whatsapp groups, google business, "
            "google my business, ai tools, scheduling tool, scheduling tools, microsoft teams, "
            "on teams, via teams, teams call, teams meeting, microsoft word, word document, "
            "google meet, google docs, google sheets, google drive, office 365, microsoft 365, "
            "version control, command line, regular expressions, regular expression, "
            "text editor, source control, open source, conditional formatting, pivot tables"
        ),
        exclude_terms=_terms("x factor, x number, x amount"),
    ),
    ThemeDefinition(
        id="venue",
        name="Venue & logistics",
        description=(
            "Room, location, parking, refreshments and food, temperature, time of day, "
            "booking, things to write with, seeing the screen from the room."
        ),
        include_terms=_terms(
            "room, rooms, venue, venues, location, parking, refreshments, tea, coffee, biscuits, "
            "lunch, lunchtime, breakfast, food, sandwiches, snacks, snack, donuts, doughnuts, "
            "cookies, pizza, fruit, drinks, temperature, heating, seats, seating, "
            "layout, tables, toilets, lift, stairs, acoustics, noise, noisy, chamber, evening, "
            "evenings, morning, mornings, afternoon, afternoons, daytime, booking, booked, "
            "invitation, invite, travel, signage, reception, cramped, crowded, stuffy, "
            "draughty, catering, hybrid, in-person, remotely, remote, pens, "
            "inconvenient, cold, hot, chilly, warm"
        ),
        phrases=_terms(
            "car park, town hall, civic centre, council chamber, committee room, meeting room, "
            "time of day, hearing loop, air conditioning, too cold, too hot, in person, "
            "face to face, start time, earlier start, later start, calendar invite, more notice, "
            "short notice, getting there, hard to find, online session, online sessions, "
            "do it online, online version, online instead, rather than online, "
            "wheelchair access, step free, accessible venue, disabled access, the building, "
            "council building, directions to, the chairs, uncomfortable chairs, "
            "room was freezing, freezing cold, freezing room, time set, hard to read, "
            "hard to see, wind tunnel"
        ),
        exclude_terms=_terms(
            "room for improvement, room to improve, chat room, cold calling, cold feet, "
            "warm welcome, hot topic, hot topics, hard to see how, hard to see why"
        ),
    ),
    ThemeDefinition(
        id="workload",
        name="Time & capacity",
        description=(
            "Councillors' busy diaries, time away from work, homework, time to keep it up, "
            "casework."
        ),
        include_terms=_terms(
            "busy, diary, diaries, capacity, workload, casework, commitments, time-consuming, "
            "juggling, juggle, burden, admin, sustainable, sustain, routine, demands, "
            "demanding, homework, assignments, assignment"
        ),
        phrases=_terms(
            "time consuming, case work, ward work, keep on top, find the time, "
            "finding the time, find time, finding time, time to post, time to do, no time, "
            "not enough hours, don't have time, don't have the time, haven't got time, "
            "haven't got the time, day job, full time job, work full time, spare time, 24 7, "
            "always on, little and often, minutes a day, schedule posts, scheduling posts, "
            "how often, how much time, time it takes, time commitment, too much time, "
            "take up time, takes up time, eat into, out of hours, more manageable, "
            "away from work, time off work, time away from, personal time, learning curve, "
            "keep it going, keeping it going"
        ),
        exclude_terms=(),
    ),
)


# Tokens are runs of letters and digits, with an inner apostrophe kept
# ("don't"); everything else separates. "wi-fi" and "wi fi" both become
# ["wi", "fi"], so terms and texts are always cut the same way.
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|&")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})

# A stem shorter than this is too general to trust: "timing" stems to "time",
# "basically" to "basic", "adapter" to "adapt". Such words must match as
# written, so the taxonomy lists their variants ("troll", "trolls", "trolling").
_MIN_STEM_LEN = 6

_STEMMER = PorterStemmer()


# Endings that make a word of another kind with another meaning: the stemmer cuts
# "knowledgeable" and "knowledge", "interactive" and "interaction", "refresher" and
# "refreshments" to the same stem, but a comment about the trainer being
# knowledgeable is not one about the knowledge it gave. Two words match on their
# stem only when they also end the same way, after their inflections are set aside.
_DERIVATIONS = (
    "ability", "ibility", "ively", "ingly", "ation", "ment", "ness", "able", "ible", "ive",
    "ion", "ity", "ism", "ist", "ful", "less", "ous", "ally", "ly", "al", "er", "or",
)  # fmt: skip


@lru_cache(maxsize=65536)
def match_key(token: str) -> str:
    """What a token is matched on: its Porter stem, or the token itself when that is too short.

    A possessive matches its owner ("instructor's" is "instructor"), and a stem
    carries the word's derivational ending, so "knowledgeable" never matches
    "knowledge". Cached, since the same words recur across thousands of comments.
    """
    if token.endswith("'s"):
        token = token[:-2]
    if not token.isalpha():
        return token  # "4g", "didn't", "&"
    stem = _STEMMER.stem(token, to_lowercase=False)
    if len(stem) < _MIN_STEM_LEN:
        return _singular(token)
    ending = _derivation(token)
    return f"{stem}/{ending}" if ending else stem


def _derivation(token: str) -> str:
    """The derivational ending of a word once a plural, "-ed" or "-ing" is set aside."""
    word = token
    if len(word) > 4:
        if word.endswith("ies"):
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        elif word.endswith("ed"):
            word = word[:-2]
        elif word.endswith("ing"):
            word = word[:-3]
    return next((ending for ending in _DERIVATIONS if word.endswith(ending)), "")


def _singular(token: str) -> str:
    """A light touch for short words the stemmer would over-reach on: plurals only, so
    "rooms" finds "room" and "apps" finds "app", but "timing" never finds "time"."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def normalise(text: str) -> str:
    """Lower-case text with typographic apostrophes made plain, the same length as the text.

    Keeping the length lets a clause found in the normalised text be shown in
    the words the person wrote.
    """
    plain = text
    if "\u2019" in text or "\u2018" in text or "`" in text:  # (_APOSTROPHES)
        plain = text.translate(_APOSTROPHES)  # looking first is many times faster
    lowered = plain.lower()
    if len(lowered) != len(plain):
        # A few characters grow when lower-cased ("İ"); leave those as written.
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in plain)
    return lowered


def tokenise(text: str) -> list[str]:
    """Lower-case word tokens of already-normalised text."""
    if is_plain(text):
        return text.split()  # the same tokens, several times faster
    return _TOKEN_RE.findall(text)


def is_plain(text: str) -> bool:
    """Is the text only lower-case letters, digits and spaces? Then its words are its
    tokens, and `str.split` finds them."""
    return text.isascii() and text.islower() and text.replace(" ", "").isalnum()


def _term_keys(term: str) -> tuple[str, ...]:
    return tuple(match_key(token) for token in tokenise(normalise(term)))


# Clauses end at sentence punctuation, commas and dashes, and before words that
# turn the sense of what follows ("useful, but too long").
_CONTRAST_WORDS = (
    "but", "however", "although", "though", "whereas", "except", "apart from", "other than",
    "otherwise", "unfortunately", "sadly",
)  # fmt: skip
_CLAUSE_BREAK_RE = re.compile(
    r"(?:(?<!\d)\.|\.(?!\d)|[!?;:\n\u2026()])+|,|\s[-\u2013\u2014]+\s"
    rf"|\b(?=(?:{'|'.join(_CONTRAST_WORDS)})\b)"
)
# Where a break may start: each alternative begins with a character or a word, which the
# engine skips to quickly; `_CLAUSE_BREAK_RE` then says whether a break starts there.
_BREAK_START_RE = re.compile(
    r"[.!?;:\n\u2026(),]|\s[-\u2013\u2014]|" + "|".join(rf"{w}\b" for w in _CONTRAST_WORDS)
)


def split_clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the non-empty clauses of normalised text.

    The breaks are those `_CLAUSE_BREAK_RE.finditer` finds, found faster."""
    spans: list[tuple[int, int]] = []
    start = 0
    search, exact = _BREAK_START_RE.search, _CLAUSE_BREAK_RE.match
    at = 0
    while (candidate := search(text, at)) is not None:
        match = exact(text, candidate.start())
        if match is None:
            at = candidate.start() + 1
            continue
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
        at = start if start > match.start() else start + 1  # after a break of no width
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


@dataclass(frozen=True)
class _Pattern:
    """One include term, phrase or exclude term, as a sequence of match keys."""

    theme_index: int
    keys: tuple[str, ...]
    exclude: bool


@dataclass(frozen=True)
class ThemeMatcher:
    """Themes compiled for fast matching: single-word patterns by their word's key, and
    longer ones by the keys of their first two words."""

    themes: tuple[ThemeDefinition, ...]
    singles: dict[str, tuple[_Pattern, ...]]
    pairs: dict[tuple[str, str], tuple[_Pattern, ...]]
    # Filled as texts are matched: a token as written -> its key, the one-word patterns,
    # and whether a longer pattern starts with it.
    by_token: dict[str, tuple[str, tuple[_Pattern, ...], bool]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # The keys that longer patterns start with.
    pair_starts: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    # Filled with `by_token`: the tokens that may start a match (a one-word pattern, or the
    # first word of a longer one), so a clause with none of them is passed over at once.
    hot_tokens: set[str] = field(default_factory=set, compare=False, repr=False)


def compile_themes(themes: Iterable[ThemeDefinition] = DEFAULT_THEMES) -> ThemeMatcher:
    """Precompute the keys of every term so that matching many texts is cheap."""
    theme_tuple = tuple(themes)
    singles: dict[str, list[_Pattern]] = {}
    pairs: dict[tuple[str, str], list[_Pattern]] = {}
    for theme_index, theme in enumerate(theme_tuple):
        terms = [(term, False) for term in (*theme.include_terms, *theme.phrases)]
        terms += [(term, True) for term in theme.exclude_terms]
        for term, exclude in terms:
            keys = _term_keys(term)
            pattern = _Pattern(theme_index, keys, exclude)
            if len(keys) == 1:
                singles.setdefault(keys[0], []).append(pattern)
            elif keys:
                pairs.setdefault((keys[0], keys[1]), []).append(pattern)
    return ThemeMatcher(
        themes=theme_tuple,
        singles={key: tuple(patterns) for key, patterns in singles.items()},
        pairs={key: tuple(patterns) for key, patterns in pairs.items()},
        pair_starts=frozenset(first for first, _second in pairs),
    )


# Tokens remembered per matcher, so a long-running process does not grow without end.
_MAX_REMEMBERED_TOKENS = 200_000


def match_clause(
    matcher: ThemeMatcher, clause: str, keys: list[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """Theme id -> the words of one normalised clause that matched it, in text order.

    `keys`, when given, gets the match keys of the clause's words appended, in order."""
    return match_tokens(matcher, tokenise(clause), keys)


def match_tokens(
    matcher: ThemeMatcher, tokens: list[str], keys: list[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """`match_clause` of a clause already cut into tokens (`tokenise`)."""
    by_token = matcher.by_token
    try:
        # Every token seen before (the usual case): the lookups run without a Python loop.
        known = list(map(by_token.__getitem__, tokens))
    except KeyError:
        known = [by_token.get(token) or _token_entry(matcher, token) for token in tokens]
    if keys is not None:
        keys.extend(map(_first, known))
    hot = matcher.hot_tokens
    if hot.isdisjoint(tokens):
        return {}
    found: dict[int, list[str]] = {}
    excluded: set[int] = set()
    pairs = matcher.pairs
    last = len(tokens) - 1
    for position, token in enumerate(tokens):
        if token not in hot:
            continue  # most words of a clause start no pattern
        key, patterns, starts_pair = known[position]
        if starts_pair and position < last:
            longer = pairs.get((key, known[position + 1][0]))
            if longer:
                patterns = (*patterns, *longer)
        for pattern in patterns:
            size = len(pattern.keys)
            if size > 2 and (tuple(map(_first, known[position : position + size])) != pattern.keys):
                continue  # (also when the clause ends first: the slice is then shorter)
            if pattern.exclude:
                excluded.add(pattern.theme_index)
                continue
            words = token if size == 1 else " ".join(tokens[position : position + size])
            hits = found.get(pattern.theme_index)
            if hits is None:
                found[pattern.theme_index] = [words]
            elif words not in hits:
                hits.append(words)
    if not found:
        return {}
    themes = matcher.themes
    return {
        themes[i].id: _drop_contained(tuple(words)) if len(words) > 1 else tuple(words)
        for i, words in sorted(found.items())
        if i not in excluded
    }


_first = itemgetter(0)


def _token_entry(matcher: ThemeMatcher, token: str) -> tuple[str, tuple[_Pattern, ...], bool]:
    """A token's key, its one-word patterns and whether a longer pattern starts with it,
    remembered in `matcher.by_token` while there is room."""
    key = match_key(token)
    entry = (key, matcher.singles.get(key, ()), key in matcher.pair_starts)
    if entry[1] or entry[2]:
        matcher.hot_tokens.add(token)  # always: `match_tokens` trusts it (and few are hot)
    if len(matcher.by_token) < _MAX_REMEMBERED_TOKENS:
        matcher.by_token[token] = entry
    return entry


def _drop_contained(words: tuple[str, ...]) -> tuple[str, ...]:
    """Keep "not working" rather than both "not working" and "working"."""
    if len(words) < 2:
        return words
    padded = [f" {w} " for w in words]  # each padded once, not once per pair
    kept = []
    for word, alone in zip(words, padded, strict=True):
        for other in padded:
            if alone != other and alone in other:
                break
        else:
            kept.append(word)
    return tuple(kept)


def match_themes(matcher: ThemeMatcher, text: str) -> list[ThemeMatch]:
    """Every theme in the text, with its matched words and the clauses they sit in."""
    normalised = normalise(text)
    evidence: dict[str, list[str]] = {}
    clauses: dict[str, list[str]] = {}
    for start, end in split_clauses(normalised):
        clause = normalised[start:end]
        for theme_id, words in match_clause(matcher, clause).items():
            theme_words = evidence.setdefault(theme_id, [])
            theme_words.extend(w for w in words if w not in theme_words)
            clauses.setdefault(theme_id, []).append(text[start:end].strip())
    order = [theme.id for theme in matcher.themes]
    return [
        ThemeMatch(theme_id, tuple(evidence[theme_id]), tuple(clauses[theme_id]))
        for theme_id in order
        if theme_id in evidence
    ]
