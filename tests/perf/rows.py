"""Rows for the query-count tests: `n` of whatever an endpoint lists or reads, written with
`bulk_create` (fast, and the same shapes the services write).

Each builder takes the tandem `World` and a count and returns the URL to GET. The rows it
writes are what the endpoint's answer grows with: the items of a list, the children a detail
shows (agenda, entries, answers), or rows of the same table around a detail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.services import api_token_create
from apps.checkins import services as checkins
from apps.checkins.models import (
    ActionItem,
    AgendaComment,
    AgendaItem,
    CheckInSeries,
    Occurrence,
    OccurrenceStatus,
    PrivateNote,
    Retro,
    TalkingPoint,
)
from apps.checkins.recurrence import next_occurrences
from apps.checkins.rules import occurrence_key
from apps.contacts import services as contact_services
from apps.contacts.models import (
    Contact,
    ContactPreferences,
    ContactTag,
    Occasion,
    PreparedTouch,
    Touch,
)
from apps.delegation.models import Decision, DecisionArea, Elevation, MatrixChange
from apps.feedback.models import (
    Amendment,
    Answer,
    Appreciation,
    EntryStatus,
    FeedbackCycle,
    FeedbackEntry,
    Question,
)
from apps.notifications.models import Notice
from apps.tandems.models import (
    Departure,
    FormerMember,
    Goal,
    GoalCheckIn,
    GoalMilestone,
    Invitation,
    Membership,
    Role,
    Tandem,
)
from apps.webhooks.models import Endpoint, WebhookDelivery
from tests.factories import UserFactory
from tests.factories.checkins import series_for

_unique = itertools.count(1)

# Everything happens in the past of this instant, so nothing is "upcoming" by accident.
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@dataclass
class World:
    """One complete tandem; the leader asks, with a real API token (auth counts too)."""

    tandem: Tandem
    leader: User
    assistant: User
    client: APIClient

    @property
    def leader_membership(self) -> Membership:
        return Membership.objects.get(tandem=self.tandem, role=Role.LEADER)

    @property
    def base(self) -> str:
        return f"/api/v1/tandems/{self.tandem.pk}"


def world(tandem: Tandem, leader: User, assistant: User) -> World:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=leader)[1]}")
    return World(tandem, leader, assistant, client)


def _people(n: int) -> list[User]:
    tag = next(_unique)
    return User.objects.bulk_create(
        [User(email=f"rows-{tag}-{i}@example.org", display_name=f"P{i}") for i in range(n)]
    )


# --- accounts, tandems ------------------------------------------------------------------------


def more_tandems(w: World, n: int) -> list[Tandem]:
    """`n` further tandems the leader leads, each with an assistant."""
    tag = next(_unique)
    tandems = Tandem.objects.bulk_create([Tandem(name=f"T{tag}-{i}") for i in range(n)])
    partners = _people(n)
    Membership.objects.bulk_create(
        [Membership(tandem=t, user=w.leader, role=Role.LEADER) for t in tandems]
        + [
            Membership(tandem=t, user=p, role=Role.ASSISTANT)
            for t, p in zip(tandems, partners, strict=True)
        ]
    )
    return tandems


def me(w: World, n: int) -> str:
    more_tandems(w, n)
    return "/api/v1/me/"


def me_week(w: World, n: int) -> str:
    """The leader's week: `n` more tandems, and in the first `n` series (a meeting each in
    the week), `n` action items (half the partner's), `n` waiting requests and `n` decisions
    to acknowledge."""
    more_tandems(w, n)
    _series(w, n, start=NOW - timedelta(days=1))
    _action_items(w, n)
    _decisions(w, n, status="awaiting_answer")
    _decisions(w, n, status="awaiting_acknowledgement")
    return "/api/v1/me/week/"


def search(w: World, n: int) -> str:
    """`n` matching decisions, action items and goals in `n` more tandems' company."""
    more_tandems(w, n)
    _decisions(w, n, status="awaiting_answer")
    _action_items(w, n)
    _goals(w, n)
    return "/api/v1/search/?q=decision"


def tokens(w: World, n: int) -> str:
    """The leader signed in from `n` more devices."""
    for index in range(n):
        api_token_create(user=w.leader, name=f"device {index}")
    return "/api/v1/me/tokens/"


def tandems(w: World, n: int) -> str:
    more_tandems(w, n)
    return "/api/v1/tandems/?page_size=200"


def tandem(w: World, n: int) -> str:
    goals(w, n)
    more_tandems(w, n)
    return f"{w.base}/"


def members(w: World, n: int) -> str:
    more_tandems(w, n)  # a seat list never grows past two; other tandems must not leak in
    return f"{w.base}/members/"


def former_members(w: World, n: int) -> str:
    """`n` people who sat in the assistant's seat before (each a row with its own user)."""
    FormerMember.objects.bulk_create(
        [
            FormerMember(
                tandem=w.tandem,
                user=UserFactory(),
                role=Role.ASSISTANT,
                joined_at=NOW - timedelta(days=100 + i),
                left_at=NOW - timedelta(days=50 + i),
                departure=Departure.LEFT,
            )
            for i in range(n)
        ]
    )
    return f"{w.base}/former-members/"


def invitations(w: World, n: int) -> str:
    tag = next(_unique)
    Invitation.objects.bulk_create(
        [
            Invitation(
                tandem=w.tandem,
                email=f"inv-{tag}-{i}@example.org",
                role=Role.ASSISTANT,
                token_hash=f"{tag}-{i}",
                invited_by=w.leader,
                expires_at=NOW,
                revoked_at=NOW,
            )
            for i in range(n)
        ]
    )
    return f"{w.base}/invitations/?page_size=200"


def _goals(w: World, n: int) -> list[Goal]:
    return Goal.objects.bulk_create(
        [Goal(tandem=w.tandem, title=f"Goal {i}", position=i) for i in range(n)]
    )


def goals(w: World, n: int) -> str:
    _goals(w, n)
    return f"{w.base}/goals/?page_size=200"


def goal(w: World, n: int) -> str:
    return f"{w.base}/goals/{_goals(w, n)[0].pk}/"


def _goal_with_milestones(w: World, n: int) -> Goal:
    goal = Goal.objects.create(tandem=w.tandem, title="Measured", measure="milestones")
    GoalMilestone.objects.bulk_create(
        [
            GoalMilestone(
                goal=goal,
                title=f"Step {i}",
                position=i,
                done=bool(i % 2),
                done_at=NOW if i % 2 else None,
                done_by=w.assistant if i % 2 else None,
            )
            for i in range(n)
        ]
    )
    return goal


def _goal_checkins(w: World, goal: Goal, n: int) -> None:
    GoalCheckIn.objects.bulk_create(
        [
            GoalCheckIn(
                goal=goal,
                author=w.leader if i % 2 else w.assistant,
                text=f"Update {i}",
                confidence="on_track",
            )
            for i in range(n)
        ]
    )


# --- webhooks ---------------------------------------------------------------------------------


def _endpoints(w: World, n: int) -> list[Endpoint]:
    return Endpoint.objects.bulk_create(
        [
            Endpoint(
                tandem=w.tandem,
                created_by=w.leader,
                url=f"https://hooks.example.org/{i}",
                events=["decision.logged"],
                secret_sealed="v1:sealed",
            )
            for i in range(n)
        ]
    )


def goal_checkins(w: World, n: int) -> str:
    goal = _goal_with_milestones(w, 1)
    _goal_checkins(w, goal, n)
    return f"{w.base}/goals/{goal.pk}/checkins/?page_size=200"


def goal_milestones(w: World, n: int) -> str:
    return f"{w.base}/goals/{_goal_with_milestones(w, n).pk}/milestones/"


def _goal_for_page(w: World, n: int) -> Goal:
    """A goal with `n` of everything its page shows, all in this quarter."""
    goal = _goal_with_milestones(w, n)
    _goal_checkins(w, goal, n)
    decisions = _decisions(w, n, status="awaiting_answer")
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(
        goal=goal, decided_at=timezone.now()
    )
    items = _action_items(w, n)
    ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(goal=goal)
    (series,) = _series(w, start=timezone.now() - timedelta(days=1))
    (occ,) = _touched(w, series, 1, after=timezone.now())
    _agenda(w, occ, n)
    AgendaItem.objects.filter(occurrence=occ).update(goal=goal)
    return goal


def goal_report(w: World, n: int) -> str:
    """A goal with `n` of each: milestones, check-ins, linked areas, decisions, action items
    and agenda items (the ones of the range)."""
    goal = _goal_with_milestones(w, n)
    _goal_checkins(w, goal, n)
    GoalCheckIn.objects.filter(goal=goal).update(created_at=NOW)
    areas = _areas(w, n)
    DecisionArea.objects.filter(pk__in=[a.pk for a in areas]).update(goal=goal)
    decisions = _decisions(w, n, status="awaiting_answer")
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(goal=goal)
    items = _action_items(w, n)
    ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(goal=goal, created_at=NOW)
    _series, occ = _one_occurrence(w, n)
    _agenda(w, occ, n)
    AgendaItem.objects.filter(occurrence=occ).update(goal=goal)
    first, last = NOW.date() - timedelta(days=60), NOW.date() + timedelta(days=60)
    return f"{w.base}/goals/{goal.pk}/report/?from={first}&to={last}"


def webhook_endpoints(w: World, n: int) -> str:
    _endpoints(w, n)
    return f"{w.base}/webhooks/?page_size=200"


def _webhook_deliveries(w: World, n: int) -> Endpoint:
    endpoint = _endpoints(w, 1)[0]
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event_id=f"msg_{next(_unique)}",
                event_type="decision.logged",
                payload={"type": "decision.logged", "version": 1, "data": {}},
                deliver_at=now,
            )
            for _ in range(n)
        ]
    )
    return endpoint


def webhook_endpoint(w: World, n: int) -> str:
    return f"{w.base}/webhooks/{_webhook_deliveries(w, n).pk}/"


def webhook_deliveries(w: World, n: int) -> str:
    return f"{w.base}/webhooks/{_webhook_deliveries(w, n).pk}/deliveries/?page_size=200"


# --- notifications ----------------------------------------------------------------------------


def _notices(w: World, n: int) -> list[Notice]:
    tag = next(_unique)
    return Notice.objects.bulk_create(
        [
            Notice(
                recipient=w.leader,
                tandem=w.tandem if i % 2 else None,
                kind="checkin_reminder",
                key=f"rows:{tag}:{i}",
                title=f"Notice {i}",
                due_at=NOW,
                delivered_at=NOW - timedelta(minutes=i),
            )
            for i in range(n)
        ]
    )


def notices(w: World, n: int) -> str:
    _notices(w, n)
    return "/api/v1/notices/?page_size=200"


def notice(w: World, n: int) -> str:
    return f"/api/v1/notices/{_notices(w, n)[0].pk}/"


def unread_count(w: World, n: int) -> str:
    _notices(w, n)
    return "/api/v1/notices/unread-count/"


def notification_preferences(w: World, n: int) -> str:
    _notices(w, n)
    return "/api/v1/me/notifications/"


# --- delegation -------------------------------------------------------------------------------


def _areas(w: World, n: int) -> list[DecisionArea]:
    tag = next(_unique)
    goal = _goals(w, 1)[0]
    return DecisionArea.objects.bulk_create(
        [
            DecisionArea(
                tandem=w.tandem,
                name=f"Area {tag}-{i}",
                level=4,
                limit_amount=Decimal("500.00"),
                limit_currency="EUR",
                level_above_limit=2,
                goal=goal if i % 2 else None,
            )
            for i in range(n)
        ]
    )


def _decisions(
    w: World, n: int, *, area: DecisionArea | None = None, status: str = "answered"
) -> list[Decision]:
    """`n` requests in `area` (or each in an area of its own), answered or waiting."""
    areas = [area] * n if area else _areas(w, n)
    goal = _goals(w, 1)[0]
    answered = status == "answered"
    return Decision.objects.bulk_create(
        [
            Decision(
                tandem=w.tandem,
                area=a,
                goal=goal,
                author=w.assistant,
                author_role=Role.ASSISTANT,
                title=f"Decision {i}",
                rationale="Because.",
                amount=Decimal("10.00"),
                currency="EUR",
                decided_at=NOW - timedelta(days=1, minutes=i),
                level_in_force=4,
                limit_amount_in_force=Decimal("500.00"),
                limit_currency_in_force="EUR",
                level_above_limit_in_force=2,
                classification="needs_agreement",
                level_applied=4,
                status=status,
                due_at=NOW + timedelta(days=1),
                answer="approve" if answered else "",
                answered_by=w.leader if answered else None,
                answered_at=NOW - timedelta(hours=1) if answered else None,
                outcome="Went well.",
                outcome_recorded_by=w.leader,
                outcome_recorded_at=NOW,
            )
            for i, a in enumerate(areas)
        ]
    )


def _elevations(w: World, areas: list[DecisionArea], *, past: int = 0) -> None:
    rows = [
        Elevation(
            tandem=w.tandem,
            area=a,
            level=6,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now() + timedelta(days=30),
            created_by=w.leader,
        )
        for a in areas
    ]
    rows += [
        Elevation(
            tandem=w.tandem,
            area=areas[0],
            level=5,
            starts_at=NOW - timedelta(days=100 + 2 * i),
            ends_at=NOW - timedelta(days=99 + 2 * i),
            created_by=w.leader,
        )
        for i in range(past)
    ]
    Elevation.objects.bulk_create(rows)


def _matrix(w: World, n: int) -> list[DecisionArea]:
    """`n` areas, each with a recent decision and an elevation in force."""
    areas = _areas(w, n)
    for area in areas:
        _decisions(w, 1, area=area)
    _elevations(w, areas)
    return areas


def areas(w: World, n: int) -> str:
    _matrix(w, n)
    return f"{w.base}/areas/?page_size=200"


def area(w: World, n: int) -> str:
    (target,) = _areas(w, 1)
    _decisions(w, n, area=target)
    _elevations(w, [target], past=n)
    return f"{w.base}/areas/{target.pk}/"


def matrix(w: World, n: int) -> str:
    _matrix(w, n)
    return f"{w.base}/matrix/"


def matrix_export_csv(w: World, n: int) -> str:
    _matrix(w, n)
    return f"{w.base}/matrix/export/csv/"


def matrix_export_json(w: World, n: int) -> str:
    _matrix(w, n)
    return f"{w.base}/matrix/export/json/"


def matrix_changes(w: World, n: int) -> str:
    areas = _areas(w, n)
    MatrixChange.objects.bulk_create(
        [
            MatrixChange(
                tandem=w.tandem,
                area=a,
                kind="updated",
                changed_by=w.leader,
                old={"level": 3},
                new={"level": 4},
            )
            for a in areas
        ]
    )
    return f"{w.base}/matrix/changes/?page_size=200"


def elevations(w: World, n: int) -> str:
    _elevations(w, _areas(w, n))
    return f"{w.base}/elevations/?page_size=200"


def decisions(w: World, n: int) -> str:
    _decisions(w, n)
    return f"{w.base}/decisions/?page_size=200"


def decision(w: World, n: int) -> str:
    return f"{w.base}/decisions/{_decisions(w, n)[0].pk}/"


def review_queue(w: World, n: int) -> str:
    _decisions(w, n, status="awaiting_answer")
    return f"{w.base}/review-queue/?page_size=200"


# --- check-ins --------------------------------------------------------------------------------


def _series(w: World, n: int = 1, *, start: datetime | None = None) -> list[CheckInSeries]:
    first = series_for(w.leader_membership, start_date=(start or NOW - timedelta(days=400)).date())
    copies = CheckInSeries.objects.bulk_create(
        [
            CheckInSeries(
                tandem=w.tandem,
                title=f"Series {i}",
                rule=first.rule,
                start_date=first.start_date,
                local_time=first.local_time,
                timezone=first.timezone,
                duration=first.duration,
                reminder_lead=first.reminder_lead,
            )
            for i in range(n - 1)
        ]
    )
    return [first, *copies]


def _series_url(w: World, series: CheckInSeries) -> str:
    return f"{w.base}/checkins/{series.pk}"


def _touched(w: World, series: CheckInSeries, n: int, *, after: datetime) -> list[Occurrence]:
    """`n` occurrences from `after` on with a row (notes, or skipped every third one)."""
    starts = next_occurrences(series.schedule, after, n)
    return Occurrence.objects.bulk_create(
        [
            Occurrence(
                series=series,
                original_start=s,
                notes="Notes",
                status=OccurrenceStatus.SKIPPED if i % 3 == 2 else OccurrenceStatus.SCHEDULED,
            )
            for i, s in enumerate(starts)
        ]
    )


def _agenda(w: World, occurrence: Occurrence, n: int) -> None:
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                occurrence=occurrence,
                tandem=w.tandem,
                author=w.leader if i % 2 else w.assistant,
                kind="question",
                text=f"Topic {i}",
                position=i,
                resolved=bool(i % 2),
            )
            for i in range(n)
        ]
    )


def series_list(w: World, n: int) -> str:
    _series(w, n)
    return f"{w.base}/checkins/?page_size=200"


def series_detail(w: World, n: int) -> str:
    series = _series(w, n)[0]
    return f"{_series_url(w, series)}/"


def retro_trend(w: World, n: int) -> str:
    (series,) = _series(w, start=timezone.now() - timedelta(weeks=n + 8))
    for occurrence in _touched(w, series, n, after=timezone.now() - timedelta(weeks=n + 1)):
        _agenda(w, occurrence, 1)
        Retro.objects.bulk_create(
            [
                Retro(occurrence=occurrence, member=m, effectiveness=4)
                for m in (w.leader, w.assistant)
            ]
        )
    return f"{_series_url(w, series)}/retro-trend/"


def series_calendar(w: World, n: int) -> str:
    (series,) = _series(w)
    _touched(w, series, n, after=NOW)
    return f"{_series_url(w, series)}/calendar.ics"


def occurrences(w: World, n: int) -> str:
    (series,) = _series(w)
    for occurrence in _touched(w, series, n, after=timezone.now()):
        _agenda(w, occurrence, 2)
    return f"{_series_url(w, series)}/occurrences/?next=100"


def _one_occurrence(w: World, n: int) -> tuple[CheckInSeries, Occurrence]:
    (series,) = _series(w)
    (occurrence,) = _touched(w, series, 1, after=NOW)
    return series, occurrence


def _occurrence_url(w: World, series: CheckInSeries, occurrence: Occurrence) -> str:
    return f"{_series_url(w, series)}/occurrences/{occurrence_key(occurrence.original_start)}"


def occurrence(w: World, n: int) -> str:
    series, occ = _one_occurrence(w, n)
    _agenda(w, occ, n)
    earlier = Occurrence.objects.create(series=series, original_start=NOW - timedelta(days=700))
    carried = AgendaItem.objects.create(
        occurrence=earlier, tandem_id=series.tandem_id, author=w.leader, kind="update", text="x"
    )
    AgendaItem.objects.filter(occurrence=occ, position=0).update(carried_from=carried)
    _action_items(w, n, occurrence=occ)
    Retro.objects.bulk_create(
        [Retro(occurrence=occ, member=m, effectiveness=5) for m in (w.leader, w.assistant)][:n]
    )
    _talking_points(w, series, n)
    return f"{_occurrence_url(w, series, occ)}/"


def agenda(w: World, n: int) -> str:
    series, occ = _one_occurrence(w, n)
    _agenda(w, occ, n)
    return f"{_occurrence_url(w, series, occ)}/agenda/"


def _talking_points(w: World, series: CheckInSeries, n: int) -> None:
    """`n` points in force and `n` retired versions (history the list must not show)."""
    since = NOW - timedelta(days=30)
    TalkingPoint.objects.bulk_create(
        [
            TalkingPoint(
                series=series,
                author=w.leader if i % 2 else w.assistant,
                kind="priority",
                text=f"Point {i}",
                position=i,
                added_at=since,
                retired_at=None if i < n else since + timedelta(days=1),
            )
            for i in range(2 * n)
        ]
    )


def talking_points(w: World, n: int) -> str:
    (series,) = _series(w)
    _talking_points(w, series, n)
    return f"{_series_url(w, series)}/talking-points/"


def private_note(w: World, n: int) -> str:
    """The leader's own note, among `n` notes of the assistant on other meetings."""
    (series,) = _series(w)
    touched = _touched(w, series, n + 1, after=NOW)
    PrivateNote.objects.bulk_create(
        [PrivateNote(occurrence=o, author=w.assistant, text="Theirs") for o in touched[1:]]
        + [PrivateNote(occurrence=touched[0], author=w.leader, text="Mine")]
    )
    return f"{_occurrence_url(w, series, touched[0])}/private-note/"


def agenda_comments(w: World, n: int) -> str:
    _series, occ = _one_occurrence(w, n)
    _agenda(w, occ, 1)
    item = AgendaItem.objects.get(occurrence=occ)
    AgendaComment.objects.bulk_create(
        [
            AgendaComment(item=item, author=w.leader if i % 2 else w.assistant, text=f"C{i}")
            for i in range(n)
        ]
    )
    return f"{w.base}/agenda-items/{item.pk}/comments/"


def retros(w: World, n: int) -> str:
    series, occ = _one_occurrence(w, n)
    Retro.objects.bulk_create(
        [Retro(occurrence=occ, member=m, effectiveness=3) for m in (w.leader, w.assistant)][:n]
    )
    return f"{_occurrence_url(w, series, occ)}/retros/"


def _action_items(w: World, n: int, *, occurrence: Occurrence | None = None) -> list[ActionItem]:
    if occurrence is None:
        _series, occurrence = _one_occurrence(w, n)
    return ActionItem.objects.bulk_create(
        [
            ActionItem(
                tandem=w.tandem,
                occurrence=occurrence if i % 2 else None,
                owner=w.assistant if i % 2 else w.leader,
                created_by=w.leader,
                text=f"Do {i}",
                due_date=NOW.date(),
            )
            for i in range(n)
        ]
    )


def action_items(w: World, n: int) -> str:
    _action_items(w, n)
    return f"{w.base}/action-items/?page_size=200"


def action_item(w: World, n: int) -> str:
    return f"{w.base}/action-items/{_action_items(w, n)[-1].pk}/"


def calendar_feed(w: World, n: int) -> str:
    checkins.calendar_feed_regenerate(user=w.leader)
    _series(w, n)
    return "/api/v1/calendar/feed/"


def calendar_ics(w: World, n: int) -> str:
    token = checkins.calendar_feed_regenerate(user=w.leader)
    for series in _series(w, n):
        _touched(w, series, 2, after=NOW)
    return f"/api/v1/calendar/{token}.ics"


# --- feedback ---------------------------------------------------------------------------------


def _cycles(w: World, n: int, *, questions: int = 2) -> list[FeedbackCycle]:
    """`n` closed, revealed cycles, each with both entries submitted and amended."""
    cycles = FeedbackCycle.objects.bulk_create(
        [
            FeedbackCycle(
                tandem=w.tandem,
                title=f"Cycle {i}",
                opens_at=NOW - timedelta(days=30 * (i + 1)),
                closes_at=NOW - timedelta(days=30 * i + 16),
                created_by=w.leader,
                closed_at=NOW - timedelta(days=30 * i + 15),
                revealed_at=NOW - timedelta(days=30 * i + 15),
            )
            for i in range(n)
        ]
    )
    asked = Question.objects.bulk_create(
        [
            Question(cycle=c, position=p, key=f"q{p}", text=f"Question {p}", kind="both")
            for c in cycles
            for p in range(questions)
        ]
    )
    pairs = [(w.leader, w.assistant), (w.assistant, w.leader)]
    entries = FeedbackEntry.objects.bulk_create(
        [
            FeedbackEntry(
                cycle=c,
                author=a,
                recipient=r,
                status=EntryStatus.SUBMITTED,
                submitted_at=c.closes_at - timedelta(days=1),
            )
            for c in cycles
            for a, r in pairs
        ]
    )
    by_cycle: dict[int, list[Question]] = {}
    for q in asked:
        by_cycle.setdefault(q.cycle_id, []).append(q)
    Answer.objects.bulk_create(
        [
            Answer(entry=e, question=q, rating=4, text="Fine")
            for e in entries
            for q in by_cycle[e.cycle_id]
        ]
    )
    Amendment.objects.bulk_create([Amendment(entry=e, text="Also") for e in entries])
    return cycles


def feedback_templates(w: World, n: int) -> str:
    _cycles(w, n)
    return "/api/v1/feedback/templates/"


def feedback_cycles(w: World, n: int) -> str:
    _cycles(w, n)
    return f"{w.base}/feedback/cycles/?page_size=200"


def feedback_cycle(w: World, n: int) -> str:
    (cycle,) = _cycles(w, 1, questions=min(n, 30))
    _cycles(w, n)
    return f"{w.base}/feedback/cycles/{cycle.pk}/"


def feedback_history(w: World, n: int) -> str:
    _cycles(w, n)
    return f"{w.base}/feedback/history/"


def feedback_trends(w: World, n: int) -> str:
    _cycles(w, n)
    return f"{w.base}/feedback/trends/"


def appreciations(w: World, n: int) -> str:
    decision = _decisions(w, 1)[0]
    items = _action_items(w, 1)
    Appreciation.objects.bulk_create(
        [
            Appreciation(
                tandem=w.tandem,
                author=w.assistant if i % 2 else w.leader,
                recipient=w.leader if i % 2 else w.assistant,
                text=f"Thanks {i}",
                decision=decision if i % 3 == 0 else None,
                action_item=items[0] if i % 3 == 1 else None,
            )
            for i in range(n)
        ]
    )
    return f"{w.base}/appreciations/?page_size=200"


def export(w: World, n: int) -> str:
    """The whole tandem as one document: n of everything it holds."""
    _goals(w, n)
    _decisions(w, n)
    occurrences(w, n)
    _action_items(w, n)
    _cycles(w, n)
    appreciations(w, n)
    return f"{w.base}/export/"


# URL name → the builder that writes n rows for it and returns the URL to GET.
# --- contact care ------------------------------------------------------------------------------


def _contacts(w: World, n: int, *, shared: bool = False, silent_days: int = 400) -> list[Contact]:
    """`n` contacts of the leader's, each with two tags (one with a rhythm), a touch long ago,
    an occasion, and a touch their assistant prepared when `shared`."""
    tag = next(_unique)
    tags = [
        ContactTag.objects.create(
            owner=w.leader, name=f"Mentors {tag}", rhythm_ideal_days=28, rhythm_latest_days=42
        ),
        ContactTag.objects.create(owner=w.leader, name=f"Press {tag}"),
    ]
    long_ago = timezone.localdate() - timedelta(days=silent_days)
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                owner=w.leader,
                name=f"Contact {tag}-{i}",
                last_touch_on=long_ago,
                shared_tandem=w.tandem if shared else None,
            )
            for i in range(n)
        ]
    )
    Contact.tags.through.objects.bulk_create(
        [Contact.tags.through(contact=c, contacttag=t) for c in contacts for t in tags]
    )
    Touch.objects.bulk_create(
        [Touch(contact=c, kind="message", happened_on=long_ago) for c in contacts]
    )
    # What the services keep in the same transaction as a touch or a tag.
    contact_services.care_dates_refresh(owner=w.leader, contact_ids=[c.pk for c in contacts])
    Occasion.objects.bulk_create(
        [
            Occasion(contact=c, kind="natural", title="Saw their talk", on=timezone.localdate())
            for c in contacts
        ]
    )
    ContactPreferences.objects.get_or_create(user=w.leader)
    if shared:
        PreparedTouch.objects.bulk_create(
            [PreparedTouch(contact=c, prepared_by=w.assistant, text="Hi") for c in contacts]
        )
    return contacts


def contacts_list(w: World, n: int) -> str:
    _contacts(w, n, shared=True)
    return "/api/v1/contacts/?page_size=200&state=overdue&ordering=last_touch"


def _one_contact(w: World, n: int) -> Contact:
    """One shared contact with `n` touches, occasions, tags and prepared touches."""
    contact = _contacts(w, 1, shared=True)[0]
    tag = next(_unique)
    for i in range(n):
        contact.tags.add(ContactTag.objects.create(owner=w.leader, name=f"T{tag}-{i}"))
    day = timezone.localdate() - timedelta(days=500)
    Touch.objects.bulk_create(
        [Touch(contact=contact, kind="call", happened_on=day, asks=i % 2 == 0) for i in range(n)]
    )
    Occasion.objects.bulk_create(
        [Occasion(contact=contact, kind="event", title=f"E{i}", on=day) for i in range(n)]
    )
    PreparedTouch.objects.bulk_create(
        [PreparedTouch(contact=contact, prepared_by=w.assistant, text=f"T{i}") for i in range(n)]
    )
    return contact


def contact(w: World, n: int) -> str:
    return f"/api/v1/contacts/{_one_contact(w, n).pk}/"


def contact_touches(w: World, n: int) -> str:
    return f"/api/v1/contacts/{_one_contact(w, n).pk}/touches/?page_size=200"


def contact_occasions(w: World, n: int) -> str:
    return f"/api/v1/contacts/{_one_contact(w, n).pk}/occasions/?page_size=200"


def contact_prepared(w: World, n: int) -> str:
    return f"/api/v1/contacts/{_one_contact(w, n).pk}/prepared/?page_size=200"


def contact_tags(w: World, n: int) -> str:
    _one_contact(w, n)
    return "/api/v1/contacts/tags/?page_size=200"


def contacts_window(w: World, n: int) -> str:
    """Before the first window: the preview over all `n` (overdue) contacts, and `n`
    touches the assistant prepared."""
    _contacts(w, n, shared=True)
    return "/api/v1/contacts/window/"


def losing_touch(w: World, n: int) -> str:
    _contacts(w, n)
    return "/api/v1/contacts/losing-touch/?page_size=200"


def contacts_export_vcf(w: World, n: int) -> str:
    _contacts(w, n)
    return "/api/v1/contacts/export.vcf"


def contacts_export_csv(w: World, n: int) -> str:
    _contacts(w, n)
    return "/api/v1/contacts/export.csv"


def contact_preferences(w: World, n: int) -> str:
    _contacts(w, n)
    return "/api/v1/contacts/preferences/"


# --- insights -----------------------------------------------------------------------------------


def _insight_rows(w: World, n: int) -> None:
    """`n` of every row the figures count: appreciation, requests, action items (with a
    series and its occurrences), revealed cycles and reminders."""
    appreciations(w, n)
    _decisions(w, n)
    _action_items(w, n)
    _cycles(w, n)
    tag = next(_unique)
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=w.assistant if i % 2 else w.leader,
                tandem=w.tandem,
                kind="action_item_due",
                key=f"rows:{tag}:{i}",
                title=f"Reminder {i}",
                due_at=NOW - timedelta(days=i),
                delivered_at=NOW - timedelta(days=i),
            )
            for i in range(n)
        ]
    )


def action_items_kept(w: World, n: int) -> str:
    """`n` action items due yesterday, half of them the assistant's."""
    for item in _action_items(w, n):
        item.due_date = NOW.date() - timedelta(days=1)
        item.save(update_fields=["due_date"])
    return f"{w.base}/action-items/kept/"


def insights(w: World, n: int) -> str:
    _insight_rows(w, n)
    return f"{w.base}/insights/"


def insights_csv(w: World, n: int) -> str:
    _insight_rows(w, n)
    return f"{w.base}/insights/csv/"


ENDPOINTS: dict[str, Callable[[World, int], str]] = {
    "api-me": me,
    "api-me-week": me_week,
    "api-search": search,
    "api-action-items-kept": action_items_kept,
    "api-me-tokens": tokens,
    "api-tandems": tandems,
    "api-tandem": tandem,
    "api-members": members,
    "api-former-members": former_members,
    "api-export": export,
    "api-invitations": invitations,
    "api-goals": goals,
    "api-goal": goal,
    "api-goal-report": goal_report,
    "api-goal-checkins": goal_checkins,
    "api-goal-milestones": goal_milestones,
    "api-webhooks": webhook_endpoints,
    "api-webhook": webhook_endpoint,
    "api-webhook-deliveries": webhook_deliveries,
    "api-notices": notices,
    "api-notice": notice,
    "api-notices-unread": unread_count,
    "api-notification-preferences": notification_preferences,
    "api-areas": areas,
    "api-area": area,
    "api-matrix": matrix,
    "api-matrix-changes": matrix_changes,
    "api-matrix-export-csv": matrix_export_csv,
    "api-matrix-export-json": matrix_export_json,
    "api-elevations": elevations,
    "api-decisions": decisions,
    "api-decision": decision,
    "api-review-queue": review_queue,
    "api-checkins": series_list,
    "api-checkin": series_detail,
    "api-checkin-retro-trend": retro_trend,
    "api-checkin-calendar": series_calendar,
    "api-occurrences": occurrences,
    "api-occurrence": occurrence,
    "api-agenda": agenda,
    "api-retros": retros,
    "api-occurrence-private-note": private_note,
    "api-talking-points": talking_points,
    "api-agenda-comments": agenda_comments,
    "api-action-items": action_items,
    "api-action-item": action_item,
    "api-calendar-feed": calendar_feed,
    "api-calendar-ics": calendar_ics,
    "api-feedback-templates": feedback_templates,
    "api-feedback-cycles": feedback_cycles,
    "api-feedback-cycle": feedback_cycle,
    "api-feedback-history": feedback_history,
    "api-feedback-trends": feedback_trends,
    "api-appreciations": appreciations,
    "api-contacts": contacts_list,
    "api-contact": contact,
    "api-contact-touches": contact_touches,
    "api-contact-occasions": contact_occasions,
    "api-contact-prepared": contact_prepared,
    "api-contact-tags": contact_tags,
    "api-contacts-window": contacts_window,
    "api-contacts-losing-touch": losing_touch,
    "api-contacts-preferences": contact_preferences,
    "api-contacts-export-vcf": contacts_export_vcf,
    "api-contacts-export-csv": contacts_export_csv,
    "api-insights": insights,
    "api-insights-csv": insights_csv,
}
