"""The built-in question templates, as data, in English and German.

Pure: no database. A cycle copies the chosen template's questions when it is created, so a
later change here never rewrites past cycles (and trends stay comparable by `key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LANGUAGES: Final = ("en", "de")


@dataclass(frozen=True)
class TemplateQuestion:
    key: str
    kind: str  # "rating", "text" or "both" (see models.QuestionKind)
    text: dict[str, str]


@dataclass(frozen=True)
class Template:
    key: str
    name: dict[str, str]
    questions: tuple[TemplateQuestion, ...]


TEMPLATES: Final[dict[str, Template]] = {
    t.key: t
    for t in (
        Template(
            key="five_steps",
            name={"en": "The five tandem steps", "de": "Die fünf Tandem-Schritte"},
            questions=(
                TemplateQuestion(
                    "trust",
                    "both",
                    {
                        "en": "Trust: how much do you feel trusted, and do you trust the other?",
                        "de": "Vertrauen: Wie sehr fühlst du dir vertraut, und vertraust du?",
                    },
                ),
                TemplateQuestion(
                    "communication",
                    "both",
                    {
                        "en": "Clear communication: do you know what is expected, and when?",
                        "de": "Klare Kommunikation: Weißt du, was wann erwartet wird?",
                    },
                ),
                TemplateQuestion(
                    "feedback_culture",
                    "both",
                    {
                        "en": "Feedback culture: can we say openly what works and what not?",
                        "de": "Feedbackkultur: Können wir offen sagen, was läuft und was nicht?",
                    },
                ),
                TemplateQuestion(
                    "responsibility",
                    "both",
                    {
                        "en": "Responsibility: are the decision rights clear and respected?",
                        "de": "Verantwortung: Sind die Entscheidungsrechte klar und respektiert?",
                    },
                ),
                TemplateQuestion(
                    "shared_vision",
                    "both",
                    {
                        "en": "Shared vision: are we working towards the same picture?",
                        "de": "Gemeinsame Vision: Arbeiten wir auf dasselbe Bild hin?",
                    },
                ),
            ),
        ),
        Template(
            key="start_stop_continue",
            name={"en": "Start, stop, continue", "de": "Anfangen, aufhören, weitermachen"},
            questions=(
                TemplateQuestion(
                    "start",
                    "text",
                    {
                        "en": "What should I start doing?",
                        "de": "Was sollte ich anfangen zu tun?",
                    },
                ),
                TemplateQuestion(
                    "stop",
                    "text",
                    {"en": "What should I stop doing?", "de": "Womit sollte ich aufhören?"},
                ),
                TemplateQuestion(
                    "continue",
                    "text",
                    {
                        "en": "What should I continue doing?",
                        "de": "Was sollte ich weiterhin tun?",
                    },
                ),
            ),
        ),
    )
}


def template_questions(key: str, language: str) -> list[tuple[str, str, str]]:
    """(key, kind, text) of a template's questions in `language` (English if unknown).

    Raises KeyError for an unknown template.
    """
    template = TEMPLATES[key]
    lang = language if language in LANGUAGES else "en"
    return [(q.key, q.kind, q.text[lang]) for q in template.questions]
