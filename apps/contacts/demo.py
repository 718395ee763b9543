"""Demo data: Lena's small network, tended lightly — a few contacts with rhythms (one due,
one overdue, one fine), tags with a default rhythm, occasions (a yearly anniversary and a
natural one), one contact shared with Alex, who prepared a touch for Lena to send."""

from __future__ import annotations

from datetime import timedelta

from apps.contacts import selectors, services
from apps.core.demo import Demo


def seed(demo: Demo) -> None:
    lena, alex = demo.people["lena"], demo.people["alex"]
    tandem = demo.memberships["lena"].tandem
    today = selectors.today_for(lena)
    services.tag_create(owner=lena, name="Mentors", rhythm_ideal_days=56, rhythm_latest_days=91)
    services.tag_create(owner=lena, name="Partners", rhythm_ideal_days=28, rhythm_latest_days=56)
    services.tag_create(owner=lena, name="Former colleagues")
    people = [
        # name, organisation, role, tags, last touch (days ago), direction, shared
        ("Dana Weiss", "Institut für Arbeit", "Research lead", ["Mentors"], 70, "in", True),
        ("Jonas Brandt", "Stadtwerke Nord", "Head of operations", ["Partners"], 35, "out", False),
        ("Mira Aydin", "Aydin Consulting", "Founder", ["Former colleagues"], 200, "out", False),
        ("Tom Berger", "Verband Mittelstand", "Board member", ["Partners"], 6, "in", True),
    ]
    contacts = {}
    for name, organisation, role, tags, days_ago, direction, shared in people:
        contact = services.contact_create(
            owner=lena,
            name=name,
            organisation=organisation,
            role=role,
            email=name.lower().replace(" ", ".") + "@example.org",
            tags=tags,
            shared_tandem=tandem.pk if shared else None,
            how_we_know="Conference 2023" if shared else "",
        )
        services.touch_log(
            user=lena,
            contact_id=contact.pk,
            kind="message" if direction == "out" else "thanks",
            direction=direction,
            happened_on=today - timedelta(days=days_ago),
            confirmed=True,
        )
        contacts[name] = contact
    services.touch_log(
        user=lena,
        contact_id=contacts["Mira Aydin"].pk,
        kind="recommendation",
        happened_on=today - timedelta(days=400),
        asks=False,
        confirmed=True,
        note="Sent her the article on shared leadership.",
    )
    services.occasion_add(
        user=lena,
        contact_id=contacts["Jonas Brandt"].pk,
        kind="anniversary",
        title="10 years at Stadtwerke Nord",
        on=today + timedelta(days=3) - timedelta(days=3652),  # ten years ago, give or take
        yearly=True,
    )
    services.occasion_add(
        user=alex,
        contact_id=contacts["Dana Weiss"].pk,
        kind="natural",
        title="Her study on hybrid teams was published",
    )
    services.prepared_create(
        user=alex,
        contact_id=contacts["Dana Weiss"].pk,
        text="Dear Dana, I just read your study on hybrid teams – it gave us two ideas for our "
        "own check-ins. Thank you!",
        reason="Her study was published this week",
        kind="thanks",
        channel="email",
    )
