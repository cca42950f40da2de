"""The departments' routes with their OpenAPI description; meeting_svc/routes.py joins them into the
service's list."""

from __future__ import annotations

from meeting_svc.organisation import api, views
from servicekit.http import Handler
from servicekit.openapi import Operation

CREATE = ("Idempotency-Key",)

OPERATIONS: list[tuple[Operation, Handler]] = [
    (
        Operation(
            "POST",
            "/api/v1/departments",
            "Create a block or a department",
            "departments",
            request=api.DepartmentCreate,
            response=api.Department,
            status=201,
            errors=(400, 401, 403, 409, 422),
            headers=CREATE,
        ),
        views.create_department,
    ),
    (
        Operation(
            "GET",
            "/api/v1/departments",
            "The organisation's departments",
            "departments",
            response=api.DepartmentList,
        ),
        views.list_departments,
    ),
    (
        Operation(
            "PATCH",
            "/api/v1/departments/{department_id}",
            "Rename a department",
            "departments",
            request=api.DepartmentPatch,
            response=api.Department,
            errors=(400, 401, 403, 404, 409, 422),
        ),
        views.patch_department,
    ),
]
