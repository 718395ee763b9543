"""The authorization matrix of the API: every endpoint and method × every kind of caller
→ the status the API answers with.

The callers:

- `leader`, `assistant`: the two members of the tandem the request is about ("home");
- `outsider`: the leader of another tandem (every id in the request is home's);
- `staff`: a staff user who is in no tandem (staff rights are for the admin site only);
- `anonymous`: no credentials.

One test per cell (tests/authz/test_matrix.py). Each request is a *valid* one for the
endpoint (the bodies are in `BODIES`), so a 403/404/401 is about who asks, never about what
was sent. `python -m tests.authz.matrix` prints the matrix as JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

LEADER, ASSISTANT, OUTSIDER, STAFF, ANONYMOUS = (
    "leader",
    "assistant",
    "outsider",
    "staff",
    "anonymous",
)
ROLES: Final = (LEADER, ASSISTANT, OUTSIDER, STAFF, ANONYMOUS)


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: MappingProxyType[str, int]
    params: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Path parameter → key of the home world's ids, where it is not the parameter's name."""
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


def member(
    method: str,
    path: str,
    leader: int,
    assistant: int | None = None,
    *,
    note: str = "",
    **params: str,
) -> Row:
    """An endpoint of one tandem: nobody outside it learns that it exists (404)."""
    expect = {
        LEADER: leader,
        ASSISTANT: leader if assistant is None else assistant,
        OUTSIDER: 404,
        STAFF: 404,
        ANONYMOUS: 401,
    }
    return Row(method, path, MappingProxyType(expect), MappingProxyType(params), note)


def personal(
    method: str,
    path: str,
    status: int,
    *,
    leader: int | None = None,
    assistant: int | None = None,
    outsider: int | None = None,
    staff: int | None = None,
    anonymous: int = 401,
    note: str = "",
    **params: str,
) -> Row:
    """An endpoint about the signed-in person themselves."""
    expect = {
        LEADER: status if leader is None else leader,
        ASSISTANT: status if assistant is None else assistant,
        OUTSIDER: status if outsider is None else outsider,
        STAFF: status if staff is None else staff,
        ANONYMOUS: anonymous,
    }
    return Row(method, path, MappingProxyType(expect), MappingProxyType(params), note)


T = "/api/v1/tandems/{tandem_id}"
SERIES = T + "/checkins/{series_id}"
OCC = SERIES + "/occurrences/{start}"
CYCLE = T + "/feedback/cycles/{cycle_id}"
CONTACT = "/api/v1/contacts/{contact_id}"


def shared_contact(
    method: str, path: str, owner: int, partner: int, *, note: str = "", **params: str
) -> Row:
    """An endpoint of home's leader's contact shared with home's assistant: for everyone
    else it does not exist (404); the partner may read it and do some things."""
    return personal(
        method,
        path,
        owner,
        assistant=partner,
        outsider=404,
        staff=404,
        note=note,
        **params,
    )


MATRIX: Final[tuple[Row, ...]] = (
    # --- accounts and the person's own things ---------------------------------------------
    personal("GET", "/api/health/", 200, anonymous=200),
    personal(
        "POST",
        "/api/v1/auth/signup/",
        202,
        anonymous=202,
        note="an unconfirmed new person; the same answer for every address",
    ),
    personal(
        "POST",
        "/api/v1/auth/verify/",
        200,
        anonymous=200,
        note="a fresh unconfirmed account's mailed link and password",
    ),
    personal("POST", "/api/v1/auth/token/", 200, anonymous=200, note="home leader's password"),
    personal("DELETE", "/api/v1/auth/token/", 204, note="revokes the caller's own token"),
    personal("GET", "/api/v1/me/tokens/", 200),
    personal("DELETE", "/api/v1/me/tokens/", 204, note="revokes all the caller's tokens"),
    personal(
        "DELETE",
        "/api/v1/me/tokens/{token_id}/",
        404,
        leader=204,
        note="home leader's second token: anybody else's is a 404",
    ),
    personal("GET", "/api/v1/me/", 200),
    personal("GET", "/api/v1/me/week/", 200),
    personal("GET", "/api/v1/search/", 200, note="finds only the caller's tandems' rows"),
    personal("PATCH", "/api/v1/me/", 200),
    personal("POST", "/api/v1/me/delete/", 204, note="own password"),
    personal("GET", "/api/v1/me/notifications/", 200),
    personal("PATCH", "/api/v1/me/notifications/", 200),
    personal("GET", "/api/v1/notices/", 200),
    personal("GET", "/api/v1/notices/unread-count/", 200),
    personal("POST", "/api/v1/notices/read-all/", 200),
    personal(
        "GET",
        "/api/v1/notices/{notice_id}/",
        404,
        leader=200,
        note="the leader's notice: nobody else's",
        notice_id="notice_leader_id",
    ),
    personal(
        "POST",
        "/api/v1/notices/{notice_id}/read/",
        404,
        leader=200,
        notice_id="notice_leader_id",
    ),
    personal("GET", "/api/v1/calendar/feed/", 200),
    personal("POST", "/api/v1/calendar/feed/", 201),
    personal(
        "DELETE",
        "/api/v1/calendar/feed/",
        204,
        assistant=404,
        staff=404,
        note="only the two leaders have a feed",
    ),
    personal(
        "GET",
        "/api/v1/calendar/{token}.ics",
        200,
        anonymous=200,
        note="the token is the key, whoever holds it",
        token="feed_token",
    ),
    personal("GET", "/api/v1/feedback/templates/", 200),
    personal("POST", "/api/v1/invitations/accept/", 201, note="an invitation to the caller"),
    personal("GET", "/api/v1/tandems/", 200),
    personal("POST", "/api/v1/tandems/", 201),
    # --- the tandem ---------------------------------------------------------------------
    member("GET", T + "/", 200),
    member("PATCH", T + "/", 200),
    member("DELETE", T + "/", 204, 403),
    member("GET", T + "/members/", 200),
    member(
        "DELETE",
        T + "/members/{member_id}/",
        204,
        403,
        note="the leader removes the assistant's seat; the assistant cannot remove",
    ),
    member("POST", T + "/leave/", 204, note="either member leaves; the partner stays"),
    member("GET", T + "/former-members/", 200),
    # --- webhooks: either member manages the tandem's ---------------------------------------
    member("GET", T + "/webhooks/", 200),
    member("POST", T + "/webhooks/", 201),
    member("GET", T + "/webhooks/{id}/", 200, id="webhook_id"),
    member("PATCH", T + "/webhooks/{id}/", 200, id="webhook_id"),
    member("DELETE", T + "/webhooks/{id}/", 204, id="webhook_id"),
    member("POST", T + "/webhooks/{id}/test/", 202, id="webhook_id"),
    member("GET", T + "/webhooks/{endpoint_id}/deliveries/", 200, endpoint_id="webhook_id"),
    member(
        "POST",
        T + "/webhooks/{endpoint_id}/deliveries/{id}/redeliver/",
        202,
        endpoint_id="webhook_id",
        id="webhook_delivery_id",
    ),
    member("GET", T + "/export/", 200),
    member("GET", T + "/invitations/", 200),
    member("POST", T + "/invitations/", 409, note="both seats are taken"),
    member("POST", T + "/invitations/{invitation_id}/revoke/", 409, note="already accepted"),
    member("GET", T + "/goals/", 200),
    member("POST", T + "/goals/", 201, 403, note="goals are the leader's: areas link to them"),
    member("GET", T + "/goals/{id}/", 200, id="goal_id"),
    member("PUT", T + "/goals/{id}/", 200, 403, id="goal_id"),
    member("PATCH", T + "/goals/{id}/", 200, 403, id="goal_id"),
    member("DELETE", T + "/goals/{id}/", 204, 403, id="goal_id"),
    member("GET", T + "/goals/{goal_id}/report/", 200),
    member("GET", T + "/goals/{goal_id}/checkins/", 200),
    member("POST", T + "/goals/{goal_id}/checkins/", 201, note="either member checks in"),
    member("GET", T + "/goals/{goal_id}/milestones/", 200),
    member("POST", T + "/goals/{goal_id}/milestones/", 201, 403),
    member(
        "PATCH",
        T + "/goals/{goal_id}/milestones/{milestone_id}/",
        200,
        note="either member ticks a milestone off",
    ),
    member("DELETE", T + "/goals/{goal_id}/milestones/{milestone_id}/", 204, 403),
    # --- delegation ---------------------------------------------------------------------
    member("GET", T + "/matrix/", 200),
    member("GET", T + "/matrix/changes/", 200),
    member("GET", T + "/matrix/export/csv/", 200),
    member("GET", T + "/matrix/export/json/", 200),
    member("POST", T + "/matrix/import/", 201, 403, note="only the leader changes the matrix"),
    member("POST", T + "/matrix/copy/", 201, 403, note="from the leader's other tandem"),
    member("GET", T + "/areas/", 200),
    member("POST", T + "/areas/", 201, 403, note="only the leader changes the matrix"),
    member("GET", T + "/areas/{area_id}/", 200),
    member("PATCH", T + "/areas/{area_id}/", 200, 403, note="e.g. the assistant raising a level"),
    member("POST", T + "/areas/{area_id}/archive/", 200, 403),
    member("POST", T + "/areas/{area_id}/restore/", 200, 403, area_id="archived_area_id"),
    member(
        "POST",
        T + "/areas/{area_id}/growth-suggestion/dismiss/",
        200,
        403,
        area_id="growth_area_id",
    ),
    member("GET", T + "/elevations/", 200),
    member("POST", T + "/elevations/", 201, 403),
    member("GET", T + "/decisions/", 200),
    member("POST", T + "/decisions/", 201),
    member("GET", T + "/decisions/{decision_id}/", 200),
    member("PATCH", T + "/decisions/{decision_id}/", 403, 200, note="only its author edits"),
    member("POST", T + "/decisions/{decision_id}/answer/", 200, 403, note="the leader answers"),
    member(
        "POST",
        T + "/decisions/{decision_id}/acknowledge/",
        200,
        403,
        decision_id="informs_decision_id",
    ),
    member("POST", T + "/decisions/{decision_id}/outcome/", 200),
    member("GET", T + "/review-queue/", 200),
    member("POST", T + "/review-queue/acknowledge/", 200, 403, note="the leader acknowledges"),
    member(
        "POST",
        T + "/decisions/{decision_id}/remind-me/",
        200,
        403,
        note="the leader's own reminder on the review queue",
    ),
    # --- check-ins ----------------------------------------------------------------------
    member("GET", T + "/checkins/", 200),
    member("POST", T + "/checkins/", 201),
    member("GET", SERIES + "/", 200),
    member("PATCH", SERIES + "/", 200),
    member("POST", SERIES + "/reschedule/", 200),
    member("POST", SERIES + "/reschedule/preview/", 200),
    member("GET", SERIES + "/retro-trend/", 200),
    member("GET", SERIES + "/calendar.ics", 200),
    member("GET", SERIES + "/occurrences/", 200),
    member("GET", OCC + "/", 200),
    member("PATCH", OCC + "/", 200),
    member("POST", OCC + "/skip/", 200),
    member("POST", OCC + "/move/", 200),
    member("POST", OCC + "/restore/", 200, note="nothing to restore: unchanged"),
    member("GET", OCC + "/agenda/", 200),
    member("POST", OCC + "/agenda/", 201),
    member("POST", OCC + "/action-items/", 201),
    member("GET", OCC + "/retros/", 200, start="past_start"),
    member(
        "POST",
        OCC + "/retros/",
        409,
        201,
        note="the leader has rated it already",
        start="past_start",
    ),
    member(
        "GET",
        OCC + "/private-note/",
        200,
        note="each reads only their own (the partner's is never in the answer)",
    ),
    member("PUT", OCC + "/private-note/", 200),
    member("GET", SERIES + "/talking-points/", 200),
    member("POST", SERIES + "/talking-points/", 201),
    member(
        "PATCH",
        T + "/talking-points/{point_id}/",
        200,
        note="either member; a new text is a new version",
    ),
    member("DELETE", T + "/talking-points/{point_id}/", 204),
    member("GET", T + "/agenda-items/{item_id}/comments/", 200, item_id="agenda_item_id"),
    member("POST", T + "/agenda-items/{item_id}/comments/", 201, item_id="agenda_item_id"),
    member(
        "DELETE",
        T + "/agenda-comments/{comment_id}/",
        204,
        403,
        note="only its author (the leader) removes a comment",
    ),
    member("PATCH", T + "/agenda-items/{item_id}/", 403, 200, item_id="agenda_item_id"),
    member("DELETE", T + "/agenda-items/{item_id}/", 403, 204, item_id="agenda_item_id"),
    member("GET", T + "/action-items/", 200),
    member("POST", T + "/action-items/", 201),
    member("GET", T + "/action-items/kept/", 200),
    member("GET", T + "/action-items/{item_id}/", 200, item_id="action_item_id"),
    member("PATCH", T + "/action-items/{item_id}/", 200, item_id="action_item_id"),
    # --- feedback -----------------------------------------------------------------------
    member("GET", T + "/feedback/cycles/", 200),
    member("POST", T + "/feedback/cycles/", 201),
    member("GET", CYCLE + "/", 200),
    # Closing needs one's own submitted entry (the blind rule): in the revealed cycle both have.
    member("POST", CYCLE + "/close/", 200, cycle_id="revealed_cycle_id"),
    member("PUT", CYCLE + "/my-entry/", 200),
    member("POST", CYCLE + "/my-entry/submit/", 200),
    member("POST", CYCLE + "/my-entry/amendments/", 201, cycle_id="revealed_cycle_id"),
    member("POST", CYCLE + "/received/acknowledge/", 200, cycle_id="revealed_cycle_id"),
    member("POST", CYCLE + "/received/replies/", 200, cycle_id="revealed_cycle_id"),
    member("POST", CYCLE + "/action-items/", 201, cycle_id="revealed_cycle_id"),
    member("GET", T + "/feedback/history/", 200),
    member("GET", T + "/feedback/trends/", 200),
    member("GET", T + "/appreciations/", 200),
    member("POST", T + "/appreciations/", 201),
    member(
        "POST",
        T + "/appreciations/{appreciation_id}/react/",
        200,
        403,
        note="only its recipient (the leader) reacts",
    ),
    # --- insights (both members see the same figures) --------------------------------------
    member("GET", T + "/insights/", 200),
    member("GET", T + "/insights/csv/", 200),
    # The world's series meets daily: the month's suggestion goes on its next occurrence.
    member("POST", T + "/insights/suggestion/", 201),
    # --- contact care (a person's own; home's leader shares one contact with home) ---------
    personal("GET", "/api/v1/contacts/", 200),
    personal("POST", "/api/v1/contacts/", 201),
    personal("GET", "/api/v1/contacts/window/", 200),
    personal("GET", "/api/v1/contacts/losing-touch/", 200),
    personal("GET", "/api/v1/contacts/preferences/", 200),
    personal("PATCH", "/api/v1/contacts/preferences/", 200),
    personal("POST", "/api/v1/contacts/import/preview/", 200),
    personal("POST", "/api/v1/contacts/import/", 201),
    personal("GET", "/api/v1/contacts/export.vcf", 200),
    personal("GET", "/api/v1/contacts/export.csv", 200),
    personal("GET", "/api/v1/contacts/tags/", 200),
    personal("POST", "/api/v1/contacts/tags/", 201),
    personal(
        "PATCH",
        "/api/v1/contacts/tags/{tag_id}/",
        200,
        assistant=404,
        outsider=404,
        staff=404,
        note="tags are their owner's alone",
        tag_id="contact_tag_id",
    ),
    personal(
        "DELETE",
        "/api/v1/contacts/tags/{tag_id}/",
        204,
        assistant=404,
        outsider=404,
        staff=404,
        tag_id="contact_tag_id",
    ),
    shared_contact("GET", CONTACT + "/", 200, 200),
    shared_contact("PATCH", CONTACT + "/", 200, 403, note="only the owner changes a contact"),
    shared_contact("DELETE", CONTACT + "/", 204, 403),
    shared_contact("GET", CONTACT + "/touches/", 200, 200),
    shared_contact("POST", CONTACT + "/touches/", 201, 403, note="the owner logs touches"),
    shared_contact("DELETE", CONTACT + "/touches/{touch_id}/", 204, 403),
    shared_contact("GET", CONTACT + "/occasions/", 200, 200),
    shared_contact("POST", CONTACT + "/occasions/", 201, 201, note="the partner may add one"),
    shared_contact(
        "PATCH",
        CONTACT + "/occasions/{occasion_id}/",
        200,
        403,
        note="the owner, or who added it",
    ),
    shared_contact("DELETE", CONTACT + "/occasions/{occasion_id}/", 204, 403),
    shared_contact("GET", CONTACT + "/prepared/", 200, 200),
    shared_contact(
        "POST", CONTACT + "/prepared/", 403, 201, note="the partner prepares; the owner sends"
    ),
    shared_contact("PATCH", CONTACT + "/prepared/{prepared_id}/", 200, 200),
    shared_contact("POST", CONTACT + "/prepared/{prepared_id}/sent/", 200, 403),
    shared_contact("POST", CONTACT + "/prepared/{prepared_id}/drop/", 200, 200),
)

BY_KEY: Final = {row.key: row for row in MATRIX}


# A `{name}` in a row's path.
PATH_PARAM = re.compile(r"{(\w+)}")


def url_for(row: Row, ids: dict[str, int | str], **override: int | str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in override:
            return str(override[name])
        return str(ids[row.params.get(name, name)])

    return PATH_PARAM.sub(value, row.path)


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps([{"method": r.method, "path": r.path, **r.expect} for r in MATRIX], indent=1))
