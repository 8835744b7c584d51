"""The error answers in the OpenAPI document: every status an operation can answer with is
listed, with the one error shape (`{"error": ..., "detail": ...}`, see errors.py).

Statuses that follow from how a route is built are added here for every route, so a new
endpoint cannot forget them:

- 401 when the route needs a signed-in user or an API key;
- 429 on the same routes: an API key's rate limits (workspace/api_key_limits.py);
- 404 when its path names a row (another workspace's id is a 404 too);
- 400 when it reads a body (one that cannot be parsed at all);
- 422 when it validates input (FastAPI's own 422 schema is not the shape we answer with).

Statuses that depend on what an endpoint does (409 Conflict, 403 for admins only, 413,
429, 503...) are declared by the endpoint itself: `responses=error_responses(Conflict)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from frontdesk.errors import (
    BadRequest,
    FrontdeskError,
    NotFound,
    Unauthorized,
    ValidationFailed,
)
from frontdesk.workspace.auth import PRINCIPAL_DEPENDENCIES, conversation_principal

ERROR_BODY_REF = "#/components/schemas/ErrorBody"


class FieldProblem(BaseModel):
    """One input field that failed validation."""

    loc: list[str | int] = Field(description="Where: e.g. ['body', 'email']")
    msg: str = Field(description="What is wrong, in words the owner can act on")
    type: str = Field(description="A machine-readable kind, e.g. 'missing'")


class ErrorBody(BaseModel):
    """Every error the API answers with."""

    error: str = Field(description="The error's name, e.g. NotFound or ValidationFailed")
    detail: str | list[FieldProblem] | dict[str, Any] = Field(
        description="What went wrong and what to do: a sentence, or for a 422 on input "
        "validation, one entry per field"
    )


def error_responses(*errors: type[FrontdeskError]) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of an endpoint that can answer with these errors."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = responses.setdefault(error.status, {"model": ErrorBody, "description": ""})
        entry["description"] = " ".join(filter(None, [entry["description"], _said(error)]))
    return responses


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` list the error answers of every operation."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _add_error_answers(app, build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _said(error: type[FrontdeskError]) -> str:
    return " ".join((error.__doc__ or error.__name__).split())


def _add_error_answers(app: FastAPI, document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    _, definitions = models_json_schema(
        [(ErrorBody, "serialization")], ref_template="#/components/schemas/{model}"
    )
    for name, schema in definitions.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    routes = {route.name: route for route in _api_routes(app)}
    for path in document["paths"].values():
        for operation in path.values():
            route = routes.get(operation.get("operationId", ""))
            if route is not None:
                _add_route_errors(route, operation["responses"])
    # FastAPI's own validation error schemas describe a shape we never answer with.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _add_route_errors(route: APIRoute, responses: dict[str, Any]) -> None:
    parts = [route.dependant, *_dependencies(route.dependant)]
    expected: list[type[FrontdeskError]] = []
    authenticated = [part.call for part in parts if part.call in PRINCIPAL_DEPENDENCIES]
    if authenticated:
        expected.append(Unauthorized)
    if route.dependant.path_params:
        expected.append(NotFound)
    if any(part.body_params for part in parts):
        expected.append(BadRequest)
    if any(
        part.path_params or part.query_params or part.header_params or part.body_params
        for part in parts
    ):
        expected.append(ValidationFailed)
    elif responses.get("422", {}).get("description") == "Validation Error":
        responses.pop("422")
    for error in expected:
        entry = responses.get(str(error.status))
        if entry is None or entry.get("description") == "Validation Error":
            responses[str(error.status)] = {
                "description": _said(error),
                "content": {"application/json": {"schema": {"$ref": ERROR_BODY_REF}}},
            }
    if authenticated and "429" not in responses:
        responses["429"] = _api_key_refusal(conversation_principal in authenticated)


def _api_key_refusal(conversation: bool) -> dict[str, Any]:
    said = "This API key made more requests than FRONTDESK_API_KEY_REQUESTS allows"
    if conversation:
        said += ", or made an agent answer more often than FRONTDESK_API_KEY_CONVERSATIONS allows"
    number = {"schema": {"type": "integer"}}
    return {
        "description": f"{said}. Nothing was done; try again after Retry-After seconds.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", **number},
            "X-RateLimit-Limit": {"description": "Requests the full window allows", **number},
            "X-RateLimit-Remaining": {"description": "Always 0 here", **number},
            "X-RateLimit-Reset": {
                "description": "Unix time at which the window has room again",
                **number,
            },
        },
        "content": {"application/json": {"schema": {"$ref": ERROR_BODY_REF}}},
    }


def _api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every endpoint route (operation ids are their names, see create_app). Newer FastAPI
    keeps included routers as they are instead of copying their routes into the app."""
    for context in routing.iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context.original_route


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)
