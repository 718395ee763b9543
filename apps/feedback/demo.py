"""Demo data: Lena & Alex's past revealed cycles (with trends), one open cycle, and a thank-you
in each direction."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.core.demo import Demo
from apps.feedback import services
from apps.feedback.models import FeedbackCycle, QuestionKind


def _answers(cycle: FeedbackCycle, ratings: list[int], text: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for q, rating in zip(cycle.questions.order_by("position"), ratings, strict=False):
        answer: dict[str, object] = {"question": q.pk, "text": text}
        if q.kind != QuestionKind.TEXT:
            answer["rating"] = rating
        out.append(answer)
    return out


def seed(demo: Demo) -> None:
    lena, alex = demo.memberships["lena"], demo.memberships["alex"]
    now = timezone.now()
    # Three past monthly rounds on the five steps, trust and communication improving.
    ratings = [
        ([3, 2, 3, 3, 4], [3, 3, 2, 4, 4]),
        ([4, 3, 3, 4, 4], [4, 3, 3, 4, 4]),
        ([4, 4, 4, 5, 5], [5, 4, 4, 4, 5]),
    ]
    for i, (from_lena, from_alex) in enumerate(ratings):
        opens = now - timedelta(days=30 * (3 - i) + 14)
        cycle = services.cycle_create(
            membership=lena,
            title=f"Monthly feedback {i + 1}",
            opens_at=opens,
            closes_at=opens + timedelta(days=10),
            template="five_steps",
            language="en",
        )
        services.entry_submit(
            membership=lena,
            cycle_id=cycle.pk,
            answers=_answers(cycle, from_lena, "Getting better every week."),
            now=opens + timedelta(days=2),
        )
        late = i == 1  # one late entry, so completion shows all states but "missed"
        services.entry_submit(
            membership=alex,
            cycle_id=cycle.pk,
            answers=_answers(cycle, from_alex, "Clearer priorities would help me."),
            now=opens + timedelta(days=11 if late else 3),
        )
        services.entry_acknowledge(membership=lena, cycle_id=cycle.pk, now=opens + timedelta(12))
        services.cycles_close_due(now=opens + timedelta(days=13))
    open_cycle = services.cycle_create(
        membership=lena,
        title="Start, stop, continue",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        template="start_stop_continue",
        language="en",
    )
    services.entry_save_draft(
        membership=alex,
        cycle_id=open_cycle.pk,
        answers=[{"question": open_cycle.questions.get(position=1).pk, "text": "Weekly 1:1s"}],
    )
    services.appreciation_send(
        membership=lena, text="Thank you for rescuing the Vienna trip on short notice."
    )
    services.appreciation_send(
        membership=alex, text="Thank you for letting me choose the vendors myself."
    )
    _seed_second_tandem(demo)


def _seed_second_tandem(demo: Demo) -> None:
    """Markus & Alex: an open cycle that Markus has submitted and Alex has not (yet blind)."""
    markus = demo.memberships["markus"]
    now = timezone.now()
    cycle = services.cycle_create(
        membership=markus,
        title="Quarterly feedback",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=4),
        template="five_steps",
        language="en",
    )
    said = [
        (4, "I hand you the invoices without checking them twice now."),
        (4, "Your weekly summary tells me what I need; the Friday mail is enough."),
        (3, "Tell me sooner when something bothers you; I would rather hear it early."),
        (4, "You decide the calendar alone, as agreed; spending still comes to me too often."),
        (5, "We both want the practice to run without me in the office."),
    ]
    questions = cycle.questions.order_by("position")
    services.entry_submit(
        membership=markus,
        cycle_id=cycle.pk,
        answers=[
            {"question": q.pk, "rating": rating, "text": text}
            for q, (rating, text) in zip(questions, said, strict=True)
        ],
        now=now - timedelta(days=1),
    )
