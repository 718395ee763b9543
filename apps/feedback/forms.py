"""Forms of the feedback pages: they check the shape of the input and hand the services their
keyword arguments. The rules (who may write, when, what counts as complete) stay in
`services.py`; where a form checks ahead (a submit needs every answer), it only does so to
show the message next to the right field, and the service checks again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Language
from apps.core.text import TextPolicyForm
from apps.feedback.models import Answer, FeedbackEntry, Question, QuestionKind, Reaction, Recurrence
from apps.feedback.questions import TEMPLATES

CUSTOM = "custom"
MAX_CUSTOM_QUESTIONS = 30

RATING_CHOICES = [
    (1, _("1 · not at all")),
    (2, _("2 · rarely")),
    (3, _("3 · partly")),
    (4, _("4 · mostly")),
    (5, _("5 · fully")),
]

# Short names of the built-in rated questions, for the trend charts (the question text itself
# is long and in the cycle's language). Start/stop/continue asks for text only: no trend.
QUESTION_LABELS = {
    "trust": _("Trust"),
    "communication": _("Clear communication"),
    "feedback_culture": _("Feedback culture"),
    "responsibility": _("Responsibility"),
    "shared_vision": _("Shared vision"),
}

TEMPLATE_LABELS = {
    "five_steps": _("The five tandem steps"),
    "start_stop_continue": _("Start, stop, continue"),
}

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=LOCAL_INPUT)


def _local_datetime_field(label: Any, help_text: Any) -> forms.DateTimeField:
    # Read in the current timezone, which the views set to the viewer's own.
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=LocalDateTimeInput(),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class CycleForm(TextPolicyForm):
    """Start a cycle: a built-in template or custom questions (one per line)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    template = forms.ChoiceField(label=_("Questions"))
    language = forms.ChoiceField(
        label=_("Language of the questions"),
        choices=Language.choices,
        help_text=_("For the built-in questions."),
    )
    custom_questions = forms.CharField(
        label=_("Custom questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line; used when you choose “Custom questions”."),
    )
    custom_kind = forms.ChoiceField(
        label=_("Answer custom questions with"),
        choices=QuestionKind.choices,
        initial=QuestionKind.BOTH,
    )
    opens_at = _local_datetime_field(_("Opens at"), _("In your timezone."))
    closes_at = _local_datetime_field(
        _("Deadline"), _("In your timezone. Late entries are accepted for two more days.")
    )
    recurrence = forms.ChoiceField(
        label=_("Repeats"), choices=Recurrence.choices, initial=Recurrence.NONE
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            *((key, TEMPLATE_LABELS.get(key, key)) for key in TEMPLATES),
            (CUSTOM, _("Custom questions")),
        ]

    @classmethod
    def with_defaults(cls, *, language: str) -> CycleForm:
        now = timezone.localtime().replace(second=0, microsecond=0)
        return cls(
            initial={
                "template": "five_steps",
                "language": language,
                "opens_at": now,
                "closes_at": now + timedelta(days=14),
                "recurrence": Recurrence.NONE,
                "custom_kind": QuestionKind.BOTH,
            }
        )

    def clean_custom_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["custom_questions"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_CUSTOM_QUESTIONS:
            raise forms.ValidationError(
                _("At most %(count)d questions."), params={"count": MAX_CUSTOM_QUESTIONS}
            )
        if any(len(line) > 500 for line in lines):
            raise forms.ValidationError(_("A question may have at most 500 characters."))
        return lines

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("template") == CUSTOM and not data.get("custom_questions"):
            self.add_error("custom_questions", _("Write at least one question, one per line."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "title": data["title"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "recurrence": data["recurrence"],
            "language": data["language"],
        }
        if data["template"] == CUSTOM:
            kwargs["questions"] = [
                {"text": text, "kind": data["custom_kind"]} for text in data["custom_questions"]
            ]
        else:
            kwargs["template"] = data["template"]
        return kwargs


@dataclass
class QuestionFields:
    question: Question
    rating: forms.BoundField | None
    text: forms.BoundField | None


def _rating_name(question: Question) -> str:
    return f"q{question.pk}_rating"


def _text_name(question: Question) -> str:
    return f"q{question.pk}_text"


class EntryForm(TextPolicyForm):
    """One's own entry: per question a rating (radio buttons 1–5) and/or a text."""

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        entry: FeedbackEntry | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        given: dict[int, Answer] = {a.question_id: a for a in entry.answers.all()} if entry else {}
        self.answered = set(given)
        for q in self.questions:
            answer = given.get(q.pk)
            if q.kind in (QuestionKind.RATING, QuestionKind.BOTH):
                self.fields[_rating_name(q)] = forms.TypedChoiceField(
                    label=_("Rating"),
                    choices=RATING_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=answer.rating if answer else None,
                )
            if q.kind in (QuestionKind.TEXT, QuestionKind.BOTH):
                self.fields[_text_name(q)] = forms.CharField(
                    label=_("Your answer") if q.kind == QuestionKind.TEXT else _("Comment"),
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=answer.text if answer else "",
                )

    def rows(self) -> list[QuestionFields]:
        return [
            QuestionFields(
                q,
                self[_rating_name(q)] if _rating_name(q) in self.fields else None,
                self[_text_name(q)] if _text_name(q) in self.fields else None,
            )
            for q in self.questions
        ]

    def require_complete(self) -> bool:
        """For a submission: every question answered as it asks. Marks the missing fields."""
        complete = True
        for q in self.questions:
            rating, text = _rating_name(q), _text_name(q)
            if rating in self.fields and self.cleaned_data.get(rating) is None:
                self.add_error(rating, _("Please choose a rating."))
                complete = False
            if q.kind == QuestionKind.TEXT and not self.cleaned_data.get(text, "").strip():
                self.add_error(text, _("Please write an answer."))
                complete = False
        return complete

    def answers(self) -> list[dict[str, Any]]:
        """The answers for the service: every question with something in it, and those
        answered before (so clearing a field clears it)."""
        out: list[dict[str, Any]] = []
        for q in self.questions:
            rating = self.cleaned_data.get(_rating_name(q))
            text = (self.cleaned_data.get(_text_name(q)) or "").strip()
            if rating is None and not text and q.pk not in self.answered:
                continue
            answer: dict[str, Any] = {"question": q.pk, "text": text}
            if _rating_name(q) in self.fields:
                answer["rating"] = rating
            out.append(answer)
        return out


class AmendForm(TextPolicyForm):
    """Shown beside the agreement form on a revealed cycle: its own ids keep them apart."""

    text = forms.CharField(
        label=_("Add a correction"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Your entry stays as submitted; the correction is shown with it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_amend_%s")
        super().__init__(*args, **kwargs)


class ReplyForm(TextPolicyForm):
    """A reply to one answer; the page prefixes it with the question, which it posts too."""

    text = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(TextPolicyForm):
    text = forms.CharField(
        label=_("What we agree on"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.TypedChoiceField(label=_("Who does it"), coerce=int)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, members: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_agreement_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = list(members)  # type: ignore[attr-defined]


class AppreciationForm(TextPolicyForm):
    text = forms.CharField(
        label=_("Thank you for …"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.TypedChoiceField(
        label=_("About a decision (optional)"), required=False, coerce=int, empty_value=None
    )
    action_item = forms.TypedChoiceField(
        label=_("About an action item (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        decisions: Iterable[tuple[int, str]],
        action_items: Iterable[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")  # "Thank you for …" reads on into the field
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        self.fields["decision"].choices = none + [  # type: ignore[attr-defined]
            (pk, _short(text)) for pk, text in decisions
        ]
        self.fields["action_item"].choices = none + [  # type: ignore[attr-defined]
            (pk, _short(text)) for pk, text in action_items
        ]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReactForm(TextPolicyForm):
    reaction = forms.ChoiceField(
        label=_("Reaction"), choices=[("", _("none")), *Reaction.choices], required=False
    )
