"""Readiness for load balancers and the Prometheus scrape page."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from frontdesk.errors import FrontdeskError, Unauthorized
from frontdesk.observability.access import refusal
from frontdesk.observability.health import Readiness
from frontdesk.observability.metrics import exposition
from frontdesk.observability.schemas import ReadinessPublic

router = APIRouter(tags=["meta"])


class NotReady(FrontdeskError):
    """A backend this process needs does not answer."""

    status = 503


def _readiness(request: Request) -> Readiness:
    # One per app: it remembers a check still hanging on its backend between requests.
    state = request.app.state
    readiness = getattr(state, "readiness", None)
    if readiness is None:
        resources = state.resources
        readiness = Readiness(resources, resources.settings.ready_timeout_s)
        state.readiness = readiness
    return readiness


@router.get(
    "/api/ready",
    response_model=ReadinessPublic,
    responses={503: {"description": "A check failed; `detail` names it and says why."}},
)
async def get_readiness(request: Request) -> ReadinessPublic:
    """Readiness: 200 when the database, the vector store and the job queue all answer
    within FRONTDESK_READY_TIMEOUT_S, with each check's result.

    Otherwise 503, with `detail.failing` naming the failed checks and each check's `error`
    saying why. No sign-in (it is meant for load balancers and orchestrators); it shows no
    addresses or credentials. `/api/health` is the cheaper liveness check.
    """
    results = await _readiness(request).check()
    checks = {name: asdict(result) for name, result in results.items()}
    failing = [name for name, result in results.items() if not result.ok]
    if failing:
        why = "; ".join(f"{name}: {results[name].error}" for name in failing)
        raise NotReady({"message": f"Not ready: {why}", "failing": failing, "checks": checks})
    return ReadinessPublic.model_validate({"status": "ready", "checks": checks})


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format."},
        401: {
            "description": "The token was not sent; or no token is set and the client is "
            "not on this machine."
        },
    },
)
def get_metrics(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Prometheus metrics in the text exposition format: HTTP requests, background jobs,
    conversations and turn latency.

    With FRONTDESK_METRICS_TOKEN set, send it as `Authorization: Bearer <token>`. Without it
    the page answers only clients on this machine (loopback) that ask for it by a loopback
    name (`localhost`, 127.0.0.1), so a server bound to a public
    address does not publish its traffic figures. With PROMETHEUS_MULTIPROC_DIR set, the
    figures are those of every process on this machine that shares the directory.
    """
    refused = refusal(
        request.app.state.resources.settings.metrics_token,
        authorization,
        request.client.host if request.client else "",
        forwarded="x-forwarded-for" in request.headers or "forwarded" in request.headers,
        host_header=request.headers.get("host"),
    )
    if refused:
        raise Unauthorized(refused)
    body, content_type = exposition()
    return Response(body, media_type=content_type)
