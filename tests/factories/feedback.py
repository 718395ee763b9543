"""Feedback state is rule-bound, so these helpers call the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apps.feedback import services
from apps.feedback.models import FeedbackCycle
from apps.tandems.models import Membership


def make_cycle(
    membership: Membership,
    *,
    opens_at: datetime,
    days: int = 14,
    template: str | None = None,
    questions: list[dict[str, Any]] | None = None,
    **kwargs: Any,
) -> FeedbackCycle:
    if template is None and questions is None:
        questions = [
            {"text": "How clear were my requests?", "kind": "both"},
            {"text": "What should change?", "kind": "text"},
        ]
    return services.cycle_create(
        membership=membership,
        title=kwargs.pop("title", "Q1 feedback"),
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
        template=template,
        questions=questions,
        **kwargs,
    )


def full_answers(cycle: FeedbackCycle, rating: int = 4, text: str = "Good") -> list[dict[str, Any]]:
    out = []
    for q in cycle.questions.order_by("position"):
        answer: dict[str, Any] = {"question": q.pk, "text": "" if q.kind == "rating" else text}
        if q.kind != "text":
            answer["rating"] = rating
        out.append(answer)
    return out
