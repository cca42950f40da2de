"""Property-based fuzzing of the three services' live OpenAPI documents (schemathesis): every operation
gets valid and invalid requests, with the organiser's token and ids that exist in the reference
conference, and no answer may be a 5xx, a status the document does not list, or a body that breaks
the document's schema. The example count is bounded and generation derandomised, so a run takes
about a minute and finds the same thing every time; each service's document is a test of its own."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import aiohttp
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import SERVICES, Running

# Examples per operation and mode (positive, and negative where a body or query can be invalid): the three
# documents then take about a minute.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Operations that end or remove what the others need run last.
LAST = ("/cancel", "/end", "/start", "DELETE", ":revoke", "/revoke", "/invite")


async def existing_ids(running: Running) -> dict[str, str]:
    """One id of each kind the paths name, all of the reference conference."""
    loaded = running.loaded
    api = running.meeting_api
    auth = running.organiser
    ids = {
        "meeting_id": loaded.meeting_id,
        "resolution_id": loaded.resolution_id,
        "request_id": loaded.contribution_request_id,
        "department_id": next(iter(loaded.departments.values())),
        "participant_id": next(iter(loaded.participants.values())),
    }
    async with aiohttp.ClientSession(headers=auth) as http:
        async with http.get(f"{api}/meetings/{loaded.meeting_id}") as r:
            ids["item_id"] = (await r.json())["agenda"][0]["id"]
        async with http.get(
            f"{api}/meetings/{loaded.meeting_id}/contribution-requests/{ids['request_id']}/status"
        ) as r:
            status = await r.json()
            submitted = [s["submission_id"] for s in status.get("items", []) if s.get("submission_id")]
            if submitted:
                ids["submission_id"] = submitted[0]
        resolution_api = f"{running.url['resolution']}/api/v1"
        async with http.get(f"{resolution_api}/resolutions/{loaded.resolution_id}") as r:
            ids["directive_id"] = (await r.json())["directives"][0]["id"]
        poll = {"motion": "procedural", "question": {"vi": "Biểu quyết", "en": "Vote"}}
        async with http.post(f"{resolution_api}/meetings/{loaded.meeting_id}/polls", json=poll) as r:
            assert r.status == 201, await r.text()
            ids["poll_id"] = (await r.json())["id"]
    return {k: str(v) for k, v in ids.items()}


def bounded(node: Any) -> Any:
    """The document with texts of at most 200 characters: generating 100,000-character texts that match a
    pattern takes Hypothesis seconds per example, and long texts find nothing short ones do not."""
    if isinstance(node, dict):
        node = {k: bounded(v) for k, v in node.items()}
        if isinstance(node.get("maxLength"), int) and node["maxLength"] > 200:
            node["maxLength"] = 200
        return node
    if isinstance(node, list):
        return [bounded(v) for v in node]
    return node


def fuzz(document: dict[str, Any], base_url: str, auth: dict[str, str], ids: dict[str, str]) -> list[str]:
    """Run in a thread: schemathesis calls synchronously, and the services answer on the test's loop."""
    schema = schemathesis.openapi.from_dict(bounded(document))
    session = requests.Session()
    failures: dict[str, None] = {}  # distinct, in the order found
    # A live stream never ends, so it has no answer to check; its tests are the notifier's.
    operations = [
        op for op in (result.ok() for result in schema.get_all_operations()) if not op.path.endswith("/stream")
    ]
    operations.sort(key=lambda op: any(mark in f"{op.method.upper()} {op.path}" for mark in LAST))
    for operation in operations:
        # an id of no existing thing, where the conference has none of that kind: a 404 to check
        path_ids = {p.name: ids.get(p.name, str(uuid.UUID(int=1))) for p in operation.path_parameters}
        # Only a body or a query can be made invalid: ids and headers are fixed, and Hypothesis would spend
        # seconds finding that out.
        negatable = operation.body or operation.query
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE) if negatable else (GenerationMode.POSITIVE,):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_ids, headers=dict(auth))

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def check(case: Any) -> None:
                # Failures are collected, not raised: the services keep state, so Hypothesis's replay of a
                # failing example could pass (a second create is a 409) and hide the first answer.
                try:
                    case.call_and_validate(base_url=base_url, session=session, headers=dict(auth), checks=CHECKS)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        failures[_described(case, failure)] = None
                except Failure as failure:
                    failures[_described(case, failure)] = None

            try:
                check()
            except Unsatisfiable:
                pass  # nothing of this operation's query or body can be made invalid
    return list(failures)


def _described(case: Any, failure: Failure) -> str:
    return f"{case.operation.label}: {failure.title}: {failure.message[:500]}"


# schemathesis draws from `random` inside its negative strategies, which Hypothesis now frowns upon.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module:hypothesis.errors.HypothesisDeprecationWarning")
@pytest.mark.lengthy
@pytest.mark.parametrize("name", SERVICES)
async def test_fuzzing_each_api_finds_no_5xx_and_no_answer_outside_its_document(running: Running, name: str) -> None:
    """One service's document, against the three services with the reference conference loaded: each
    service on its own, so the three run side by side under `make test`."""
    ids = await existing_ids(running)
    base = running.url[name]
    async with aiohttp.ClientSession() as http, http.get(f"{base}/api/v1/openapi.json") as r:
        document = await r.json()
    failures = await asyncio.to_thread(fuzz, document, base, running.organiser, ids)
    assert not failures, "\n\n".join(failures)
