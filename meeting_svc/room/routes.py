"""The routes of running the room (current item, speakers, the projector's display links) and of motions
from the floor, with their OpenAPI description; meeting_svc/routes.py joins them into the service's list."""

from __future__ import annotations

from meeting_svc.room import api, motions, speakers, views
from servicekit.http import Handler
from servicekit.openapi import Operation

ONE = "/api/v1/meetings/{meeting_id}"
ROOM = ONE + "/room"
SPEAKERS = ONE + "/agenda/{item_id}/speakers"
SPEAKER = SPEAKERS + "/{speaker_id}"
DISPLAYS = ONE + "/displays"
MOTIONS = ONE + "/motions"
CREATE = ("Idempotency-Key",)

ROOM_OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "GET",
            ROOM,
            "Where the meeting stands: each item with when it ran, the current item and its list of speakers",
            "room",
            response=api.Room,
            description="`server_time` is the server's clock when answering: clients count timers from it.",
        ),
        views.get_room,
    ),
    (
        Operation(
            "POST",
            ROOM + "/item",
            "Move through the agenda: next, previous, jump to an item, or end the current item",
            "room",
            request=api.ItemMove,
            response=api.Room,
            errors=(400, 401, 403, 404, 409, 422),
            description="Emits agenda.item_ended for the item left and agenda.item_started for the one entered."
            " 409 while the meeting is not in progress or past either end of the agenda.",
        ),
        views.move_item,
    ),
    (
        Operation(
            "PUT",
            ROOM + "/projector",
            "Choose what the room's screen shows: the current item, the speakers, or the vote",
            "room",
            request=api.ProjectorChoice,
            response=api.Room,
            errors=(400, 401, 403, 404, 422),
        ),
        views.choose_projector,
    ),
    (
        Operation("GET", SPEAKERS, "An item's list of speakers", "room", response=api.SpeakerList),
        speakers.get_speakers,
    ),
    (
        Operation(
            "GET",
            ONE + "/speakers",
            "Who took the floor under each item, for how long (for the meeting's record)",
            "room",
            response=api.SpokenList,
        ),
        speakers.spoken,
    ),
    (
        Operation(
            "POST",
            SPEAKERS,
            "Ask to speak (for oneself), or put a participant on the list (chair, secretary, organiser)",
            "room",
            request=api.SpeakerRequest,
            response=api.SpeakerEntry,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description="A point of order goes before everyone waiting, a reply right after; the rest in arrival"
            " order. 409 when the person already waits (unless the list allows it) or the list is closed.",
        ),
        speakers.request_to_speak,
    ),
    (
        Operation(
            "DELETE",
            SPEAKER,
            "Withdraw from the list (oneself), or take a waiting speaker off it (chair, secretary)",
            "room",
            errors=(401, 403, 404, 409),
            status=204,
        ),
        speakers.withdraw,
    ),
    *(
        (
            Operation(
                "POST",
                f"{SPEAKER}/{action}",
                f"Speaker: {action}",
                "room",
                response=api.SpeakerList,
                errors=(401, 403, 404, 409),
                description="409 when the speaker's state does not allow it, or (start) someone else speaks or the"
                " department's time for the item is used up.",
            ),
            speakers.speaker_action(action),
        )
        for action in ("start", "pause", "resume", "end")
    ),
    (
        Operation(
            "POST",
            SPEAKERS + ":next",
            "Next speaker: end whoever speaks and give the floor to the first in the queue",
            "room",
            response=api.SpeakerList,
            errors=(401, 403, 404, 409),
        ),
        speakers.next_speaker,
    ),
    (
        Operation(
            "PUT",
            SPEAKERS + "/order",
            "Reorder the waiting speakers",
            "room",
            request=api.SpeakerOrder,
            response=api.SpeakerList,
            errors=(400, 401, 403, 404, 422),
        ),
        speakers.reorder,
    ),
    (
        Operation(
            "PATCH",
            ONE + "/agenda/{item_id}/speaker-list",
            "Close or reopen the list; time per speaker; second places; departments' time budgets",
            "room",
            request=api.SpeakerListPatch,
            response=api.SpeakerList,
            errors=(400, 401, 403, 404, 422),
        ),
        speakers.patch_list,
    ),
    (
        Operation(
            "POST",
            DISPLAYS,
            "A display link for the room's screen (read-only, no personal session, revocable)",
            "room",
            request=api.DisplayCreate,
            response=api.Display,
            status=201,
            errors=(400, 401, 403, 404, 422),
            headers=CREATE,
            body_required=False,
            description="A link a chair or secretary makes with their session ends with their invite (revoked or"
            " reissued) or their removal; an organiser's lasts until revoked.",
        ),
        views.create_display,
    ),
    (
        Operation("GET", DISPLAYS, "The meeting's display links", "room", response=api.DisplayList),
        views.list_displays,
    ),
    (
        Operation(
            "DELETE", DISPLAYS + "/{display_id}", "Revoke a display link", "room", status=204, errors=(401, 403, 404)
        ),
        views.revoke_display,
    ),
    (
        Operation(
            "GET",
            "/api/v1/display",
            "What the room's screen shows, for a display link's code",
            "room",
            response=api.DisplayRoom,
            auth=None,
            errors=(401,),
            description="Send `Authorization: Display <code>` (the code is the display link's fragment). The"
            " code reads this and nothing else: no personal data, no vote.",
        ),
        views.get_display,
    ),
]
MOTION_OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            MOTIONS,
            "Propose a procedural motion or an amendment from the floor (a participant, in their own name)",
            "motions",
            request=api.MotionCreate,
            response=api.Motion,
            status=201,
            errors=(400, 401, 403, 404, 409, 422),
            headers=CREATE,
            description="Under the current agenda item unless `item_id` names another. 409 unless the meeting is"
            " in progress.",
        ),
        motions.propose,
    ),
    (Operation("GET", MOTIONS, "The meeting's motions", "motions", response=api.MotionList), motions.list_motions),
    (
        Operation(
            "POST",
            MOTIONS + "/{motion_id}/admit",
            "Admit a motion: its poll (a draft with the preset's rules, id = the motion's) is prepared at once",
            "motions",
            request=api.MotionAdmit,
            body_required=False,
            response=api.Motion,
            errors=(400, 401, 403, 404, 409, 422),
            description="Emits motion.admitted; resolution_svc prepares the poll from it (and, for an amendment,"
            " the amendment it decides). 409 when the motion was decided already.",
        ),
        motions.decide(admit=True),
    ),
    (
        Operation(
            "POST",
            MOTIONS + "/{motion_id}/reject",
            "Do not admit a motion",
            "motions",
            response=api.Motion,
            errors=(401, 403, 404, 409),
        ),
        motions.decide(admit=False),
    ),
]
OPERATIONS = ROOM_OPERATIONS + MOTION_OPERATIONS
