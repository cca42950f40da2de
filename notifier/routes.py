"""The notifier's routes and their OpenAPI description (one list, so they cannot drift)."""

from __future__ import annotations

from aiohttp import web

from notifier import api
from notifier.emails import settings_page
from notifier.emails import views as email_views
from notifier.live import views as live_views
from notifier.webhooks import views
from servicekit.http import Handler
from servicekit.openapi import Operation

SUBS = "/api/v1/subscriptions"
ONE = SUBS + "/{subscription_id}"

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            SUBS,
            "Subscribe a URL to events",
            "webhooks",
            request=api.SubscriptionCreate,
            response=api.SubscriptionWithSecret,
            status=201,
            errors=(400, 401, 403, 422),
            headers=("Idempotency-Key",),
            description="`event_types` holds event types, `family.*` patterns or `*`. The URL must resolve to"
            " public addresses only. The `whsec_…` secret is shown here and on rotation only. It receives the"
            " events the notifier handles from its creation on; earlier ones are sent by a replay.",
        ),
        views.create_subscription,
    ),
    (
        Operation("GET", SUBS, "The organisation's subscriptions", "webhooks", response=api.SubscriptionList),
        views.list_subscriptions,
    ),
    (Operation("GET", ONE, "One subscription", "webhooks", response=api.Subscription), views.get_subscription),
    (
        Operation(
            "PATCH",
            ONE,
            "Change URL, filters, or enable/disable",
            "webhooks",
            request=api.SubscriptionPatch,
            response=api.Subscription,
            errors=(400, 401, 403, 404, 412, 422),
            headers=("If-Match",),
        ),
        views.patch_subscription,
    ),
    (
        Operation(
            "DELETE",
            ONE,
            "Delete a subscription",
            "webhooks",
            status=204,
            errors=(401, 403, 404, 412),
            headers=("If-Match",),
        ),
        views.delete_subscription,
    ),
    (
        Operation(
            "POST",
            ONE + "/rotate-secret",
            "Rotate the signing secret",
            "webhooks",
            request=api.RotateSecret,
            body_required=False,  # the overlap has a default, so no body is needed
            response=api.RotatedSecret,
            description="Both secrets sign (two `v1,` signatures) until the old one expires after the overlap.",
        ),
        views.rotate_secret,
    ),
    (
        Operation(
            "GET",
            ONE + "/deliveries",
            "Delivery log: attempts, status codes, latency",
            "webhooks",
            response=api.DeliveryList,
            query={"status": "pending|delivering|delivered|dead|gone", "before": "RFC 3339 time", "limit": "1-500"},
        ),
        views.list_deliveries,
    ),
    (
        Operation(
            "GET",
            ONE + "/deliveries/{delivery_id}",
            "One delivery with its attempts",
            "webhooks",
            response=api.Delivery,
        ),
        views.get_delivery,
    ),
    (
        Operation(
            "POST",
            ONE + "/deliveries/{delivery_id}/replay",
            "Send a finished delivery again (a new delivery, same webhook-id)",
            "webhooks",
            response=api.Delivery,
            status=202,
            errors=(401, 403, 404, 409),
        ),
        views.replay_delivery,
    ),
    (
        Operation(
            "POST",
            ONE + "/replay",
            "Send again every matching event of a time range",
            "webhooks",
            request=api.ReplayRange,
            response=api.Replayed,
            status=202,
        ),
        views.replay_range,
    ),
    (
        Operation(
            "GET",
            "/api/v1/dead-letters",
            "Deliveries that exhausted their retries",
            "webhooks",
            response=api.DeliveryList,
            query={"before": "RFC 3339 time", "limit": "1-500"},
        ),
        views.dead_letters,
    ),
    (
        Operation(
            "GET",
            "/api/v1/meetings/{meeting_id}/emails",
            "Email log of a meeting: status, attempts and why a message failed",
            "email",
            response=api.EmailList,
            errors=(400, 401, 403, 404),
            query={"status": "pending|sending|sent|failed", "before": "an email id (paging)", "limit": "1-500"},
            description="A message that cannot be built from its data (e.g. an address that is not one address)"
            " is `failed` at once with `last_error` starting `cannot be built:`; the other emails go on.",
        ),
        email_views.meeting_emails,
    ),
    (
        Operation(
            "GET",
            "/api/v1/meetings/{meeting_id}/stream",
            "Live events of a meeting (Server-Sent Events)",
            "live",
            response="text/event-stream",
            errors=(400, 401, 404, 422, 429),
            headers=("Last-Event-ID",),
            query={"access_token": "the token, for EventSource", "last_event_id": "resume after this event"},
            description="Agenda changes, attendance, polls, turnout, results, directives. Each frame's `id` is the"
            " meeting's live sequence number; reconnect with `Last-Event-ID` to resume. Comment heartbeats keep"
            " proxies from closing the connection. `invite_url` never appears. A session (token) may hold a few"
            " streams at once (`SSE_STREAMS_PER_SESSION`), a client address and the process more; one more is"
            " answered 429 with `Retry-After` before it starts. A participant's stream ends, within a heartbeat"
            " interval, when their session does (their invite revoked or reissued, or their removal).",
        ),
        live_views.meeting_stream,
    ),
]


NOTICES = "/notices/{token}"
OPERATIONS += [
    (
        Operation(
            "GET",
            NOTICES,
            "A participant's notice settings page (the link in every email; no sign-in)",
            "notices",
            response="text/html",
            auth=None,
            errors=(404, 422),
            query={"kind": "a kind of notice to offer turning off first"},
            description="The link's token is signed by the notifier and names one participant. The page lists each"
            " kind of notice (reminder, contribution, poll_opened, result, directive) with a button to turn it off"
            " or back on. Invitations, and directives to the representative responsible, always go.",
        ),
        settings_page.show,
    ),
    (
        Operation(
            "POST",
            NOTICES,
            "Turn a kind of notice off or on; one-click unsubscribe (RFC 8058)",
            "notices",
            request="application/x-www-form-urlencoded",
            response="text/html",
            auth=None,
            errors=(400, 404, 422),
            query={"kind": "the kind a one-click unsubscribe turns off (none: every kind)"},
            description="From the page: form fields `kind` and `on` (1 or 0). From a mail provider: the body"
            " `List-Unsubscribe=One-Click` of the `List-Unsubscribe-Post` header turns off the `kind` of the link"
            " (every kind for a digest). Answers the page as it now stands.",
        ),
        settings_page.change,
    ),
]


def setup(app: web.Application) -> None:
    for op, handler in OPERATIONS:
        app.router.add_route(op.method, op.path, handler)
