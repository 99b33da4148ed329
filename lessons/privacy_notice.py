"""The privacy notice attendees read from the form: its fixed words, with the parts each
council fills in on the Privacy settings page, as a document (lessons.document) that
renders to the HTML page at /privacy and to Markdown inside the form.

Pure: the settings come in as a value; what staff typed there is escaped like any
other typed text.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessons.choices import MIN_GROUP_SIZE
from lessons.document import (
    Block,
    Bullets,
    Heading,
    Paragraph,
    Span,
    html_page,
    inline,
    ours,
    to_html,
    typed,
)
from lessons.i18n import N_, Translator, translator

DEFAULT_RETENTION_MONTHS = 24
# The nightly backups kept (lessons.backups; LESSONS_BACKUP_KEEP), one a day.
DEFAULT_BACKUP_DAYS = 14
NOTICE_PATH = "/privacy"
NOTICE_TITLE = N_("Privacy notice: feedback on councillor training")
ENGLISH = translator("en")


@dataclass(frozen=True)
class PrivacySettings:
    """What a council fills in: who the controller is, who runs the training, how to reach
    its data protection officer, and how long answers are kept."""

    controller: str = ""
    team: str = ""
    dpo_email: str = ""
    address: str = ""
    retention_months: int = DEFAULT_RETENTION_MONTHS

    @property
    def complete(self) -> bool:
        return bool(self.controller.strip() and self.dpo_email.strip())


def _controller(settings: PrivacySettings, t: Translator) -> tuple[Span, ...]:
    if settings.controller.strip():
        return (typed(settings.controller.strip()),)
    return (ours(t("The council running the session")),)


def _months(months: int, t: Translator) -> str:
    return t("{count} month", count=months) if months == 1 else t("{count} months", count=months)


def _days(days: int, t: Translator) -> str:
    return t("{count} day", count=days) if days == 1 else t("{count} days", count=days)


def notice_blocks(
    settings: PrivacySettings, t: Translator = ENGLISH, backup_days: int = DEFAULT_BACKUP_DAYS
) -> list[Block]:
    """The notice: controller, purpose, lawful basis, what is kept, how long (and in the
    backups, `backup_days`), who sees it, your rights and who to contact; in the language
    of `t`."""
    team = (
        [ours(t("The people who run the training (")), typed(settings.team.strip()), ours(")")]
        if settings.team.strip()
        else [ours(t("The officers who run the training"))]
    )
    contact: list[Block] = []
    if settings.dpo_email.strip():
        contact.append(
            Paragraph(
                inline(
                    ours(t("Write to the data protection officer at ")),
                    typed(settings.dpo_email.strip(), bold=True),
                    ours("."),
                )
            )
        )
    else:
        contact.append(
            Paragraph(
                inline(
                    ours(
                        t(
                            "Ask the facilitator of your session how to reach the council's"
                            " data protection officer."
                        )
                    )
                )
            )
        )
    if settings.address.strip():
        contact.append(Paragraph(inline(ours(t("By post: ")), typed(settings.address.strip()))))
    return [
        Heading(1, inline(ours(t(NOTICE_TITLE)))),
        Paragraph(
            inline(
                *_controller(settings, t),
                ours(
                    t(
                        " is the data controller for the feedback you give on its training"
                        " sessions for councillors."
                    )
                ),
            )
        ),
        Heading(2, inline(ours(t("Why we ask")))),
        Paragraph(
            inline(
                ours(
                    t(
                        "To learn how well each session worked and to make the next ones"
                        " better: we read the answers after the session, look at trends across"
                        " sessions, and write down what we learn."
                    )
                )
            )
        ),
        Heading(2, inline(ours(t("Our lawful basis")))),
        Paragraph(
            inline(
                ours(
                    t(
                        "Public task (UK GDPR Article 6(1)(e)): helping councillors carry out"
                        " their role is part of the council's functions."
                    )
                )
            )
        ),
        Heading(2, inline(ours(t("What we keep")))),
        Bullets(
            (
                inline(ours(t("Your answers and comments, and the session they are about."))),
                inline(ours(t("The date you gave them, but not the time."))),
                inline(
                    ours(
                        t(
                            "Your name and contact details, only if you tick the box that lets"
                            " us keep them."
                        )
                    )
                ),
                inline(
                    ours(
                        t(
                            "Nothing about your phone, browser or network: no IP address and"
                            " no tracking cookies."
                        )
                    )
                ),
                inline(
                    ours(
                        t(
                            "If you answer the follow-up a few weeks after the session: what you"
                            " have done since, what got in the way and how confident you feel,"
                            " kept in the same way. If you left your contact details and ticked"
                            " the box, the council may send you the follow-up's link itself."
                        )
                    )
                ),
            )
        ),
        Heading(2, inline(ours(t("How long we keep it")))),
        Paragraph(
            inline(
                ours(
                    t(
                        "{months} from the day you give it. Then it is deleted, with everything"
                        " worked out from it.",
                        months=_months(settings.retention_months, t),
                    )
                )
            )
        ),
        Paragraph(
            inline(
                ours(
                    t(
                        "The database is backed up each night so that it can be recovered after"
                        " a failure. Each backup is kept for {days}, then deleted, so a copy of"
                        " what was deleted can stay in a backup for up to {days} more; no backup"
                        " is kept beyond the {months}.",
                        days=_days(backup_days, t),
                        months=_months(settings.retention_months, t),
                    )
                )
            )
        ),
        Heading(2, inline(ours(t("Who sees it")))),
        Paragraph(
            inline(
                *team,
                ours(
                    t(
                        " and the lead for the programme. Comments may be quoted, without"
                        " names, in reports about the programme. Figures built on fewer than"
                        " {size} people's answers are never shown, so small groups stay"
                        " anonymous.",
                        size=MIN_GROUP_SIZE,
                    )
                ),
            )
        ),
        Heading(2, inline(ours(t("Your rights")))),
        Paragraph(
            inline(
                ours(
                    t(
                        "You can ask for a copy of what we hold about you, to have it corrected"
                        " or deleted, and you can object to our using it. If you left your name"
                        " or contact details, we can find your answers by them. Anonymous"
                        " answers cannot be traced back to you, so we cannot pick them out."
                    )
                )
            )
        ),
        Heading(2, inline(ours(t("Who to contact")))),
        *contact,
        Paragraph(
            inline(
                ours(
                    t(
                        "If you are unhappy with how we have used your information, you can"
                        " complain to the Information Commissioner's Office (ico.org.uk,"
                        " 0303 123 1113)."
                    )
                )
            )
        ),
    ]


_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:40rem;margin:1.5rem auto;"
    "padding:0 1rem;line-height:1.5;color:#1b1b1b}h1{color:#0b5563;font-size:1.5rem}"
    "h2{font-size:1.15rem;margin-top:1.5rem}"
)


def notice_html(settings: PrivacySettings, backup_days: int = DEFAULT_BACKUP_DAYS) -> str:
    """The notice (in English) as a whole page with its own style: plain HTML, no script,
    nothing fetched."""
    return html_page(NOTICE_TITLE, to_html(notice_blocks(settings, ENGLISH, backup_days)), _STYLE)


def footer(settings: PrivacySettings, t: Translator = ENGLISH) -> Paragraph:
    """One line for the foot of the form: who collects the answers, for how long, and
    whom to ask (the page adds the link to the notice)."""
    parts = [
        *_controller(settings, t),
        ours(t(" keeps these answers for {months}.", months=_months(settings.retention_months, t))),
    ]
    if settings.dpo_email.strip():
        parts += [ours(t(" Questions: ")), typed(settings.dpo_email.strip()), ours(".")]
    return Paragraph(inline(*parts))


def footer_line(settings: PrivacySettings, t: Translator = ENGLISH) -> str:
    """The footer's line as plain text (the page escapes it)."""
    return "".join(span.text for span in footer(settings, t).text)
