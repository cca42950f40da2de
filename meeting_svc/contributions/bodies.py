"""Contribution request, submission and revision rows as their API bodies."""

from __future__ import annotations

from typing import Any

from meeting_svc.bilingual import bilingual
from meeting_svc.contributions import api


def request_body(row: Any) -> api.ContributionRequest:
    return api.ContributionRequest(
        id=row["id"],
        meeting_id=row["meeting_id"],
        topic=bilingual(row, "topic"),
        guidance=row["guidance"],
        department_ids=list(row["department_ids"]),
        deadline=row["deadline"],
        allow_late=row["allow_late"],
    )


def revision_body(row: Any, late_column: str = "late") -> api.Revision:
    return api.Revision(
        revision=row["revision"],
        title=row["title"],
        body=row["body"],
        body_html=row["body_html"],
        recommendations=list(row["recommendations"]),
        late=row[late_column],
        created_at=row["created_at"],
    )


def submission_body(row: Any) -> api.Submission:
    return api.Submission(
        id=row["id"],
        request_id=row["request_id"],
        department_id=row["department_id"],
        revision=row["revision"],
        late=row["late"],
        current=revision_body(row, late_column="revision_late"),
    )
