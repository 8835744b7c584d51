"""create_app(): the FastAPI application, its lifespan resources and its one error shape."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdesk import __version__
from frontdesk.agents.endpoints import router as agents_router
from frontdesk.analytics.endpoints import router as analytics_router
from frontdesk.browser_guards import CrossSiteGuard, PageHeaders
from frontdesk.config import Settings
from frontdesk.conversations.endpoints import router as conversations_router
from frontdesk.conversations.reception_services import DatabaseReceptionServices
from frontdesk.conversations.service import ConversationHub, spec_for
from frontdesk.conversations.voice_endpoints import router as voice_router
from frontdesk.dashboard.pages import router as dashboard_router
from frontdesk.db import transaction
from frontdesk.errors import FrontdeskError
from frontdesk.exams.endpoints import router as exams_router
from frontdesk.exams.service import fail_interrupted
from frontdesk.jobs import EmbeddedWorkers
from frontdesk.knowledge.endpoints import router as knowledge_router
from frontdesk.knowledge_gaps.endpoints import router as knowledge_gaps_router
from frontdesk.knowledge_gaps.rerun import fail_interrupted_reruns
from frontdesk.leads.endpoints import router as leads_router
from frontdesk.livekit.webhooks import router as livekit_router
from frontdesk.mcp_servers.endpoints import router as mcp_servers_router
from frontdesk.models import Agent
from frontdesk.observability.endpoints import router as observability_router
from frontdesk.observability.http import ObservabilityMiddleware
from frontdesk.onboarding.endpoints import router as onboarding_router
from frontdesk.openapi_errors import document_errors
from frontdesk.privacy.endpoints import router as privacy_router
from frontdesk.request_size import RequestSizeLimit
from frontdesk.resources import Resources, build_resources
from frontdesk.runtime.reception_agent import build_agent
from frontdesk.scheduling.calendar_connection_endpoints import (
    router as calendar_connection_router,
)
from frontdesk.scheduling.endpoints import feed_router as calendar_feed_router
from frontdesk.scheduling.endpoints import router as scheduling_router
from frontdesk.talk.endpoints import router as talk_router
from frontdesk.talk.web_bundle import BundleFiles
from frontdesk.telephony.sip_endpoints import router as sip_numbers_router
from frontdesk.telephony.twilio_endpoints import router as twilio_router
from frontdesk.webhooks.endpoints import router as webhooks_router
from frontdesk.widget.endpoints import router as widget_router
from frontdesk.widget.public_endpoints import router as widget_public_router
from frontdesk.widget.rate_limits import WidgetLimits
from frontdesk.workspace.api_key_limits import ApiKeyLimits, RateLimitHeaders
from frontdesk.workspace.endpoints import router as workspace_router
from frontdesk.workspace.login_limits import LoginLimits

log = logging.getLogger(__name__)


def error_body(name: str, detail: object) -> dict[str, object]:
    return {"error": name, "detail": detail}


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")
    except ValueError:
        return "Error"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FrontdeskError)
    async def _frontdesk_error(_: Request, exc: FrontdeskError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.name, exc.detail), status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(error_body("ValidationFailed", detail), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # 413 keeps the name PayloadTooLarge has everywhere else (HTTP now calls it
        # "Content Too Large").
        name = "PayloadTooLarge" if exc.status_code == 413 else _status_name(exc.status_code)
        return JSONResponse(
            error_body(name, exc.detail),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses NUL characters in text, wherever they come from (a path id, a
        # query, a body); SQLite stores them. They are never meaningful in our input.
        if "NUL" in str(exc.orig):
            return JSONResponse(
                error_body("ValidationFailed", "Text cannot contain NUL (\\0) characters."),
                status_code=422,
            )
        return await _unexpected(request, exc)

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(_: Request, exc: PoolTimeout) -> JSONResponse:
        # Every database connection of this process stayed busy for the pool's timeout:
        # overloaded, not broken. A 503 with Retry-After tells clients and load balancers so.
        log.warning("no database connection free: %s", exc)
        return JSONResponse(
            error_body("ServiceUnavailable", "The server is busy; try again in a moment."),
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body("InternalError", "Something went wrong on our side; it has been logged."),
            status_code=500,
        )


def start_embedded_model(resources: Resources) -> None:
    """Load the embedded model and warm the newest ready agent's prompt in the background,
    so the first caller does not wait for either."""
    embedded = resources.embedded_llm
    assert embedded is not None

    def run() -> None:
        try:
            embedded.server()
            with transaction(resources.sessionmaker) as db:
                agent = (
                    db.query(Agent)
                    .filter(Agent.status.in_(("interviewing", "ready", "deployed")))
                    .order_by(Agent.updated_at.desc())
                    .first()
                )
                spec = spec_for(agent) if agent is not None else None
            if spec is not None:
                services = DatabaseReceptionServices(resources, spec.agent_id, None)
                embedded.warm_agent(build_agent(spec, services))
        except Exception:  # noqa: BLE001 - the server still serves; conversations will say why
            log.warning("could not start the embedded model", exc_info=True)

    threading.Thread(target=run, name="embedded-model", daemon=True).start()


def create_app(
    settings: Settings | None = None,
    *,
    resources: Resources | None = None,
) -> FastAPI:
    """Build the app. Resources are created in the lifespan unless the caller passes them."""
    settings = settings or (resources.settings if resources else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = resources is None
        res = resources or build_resources(settings)
        app.state.resources = res
        app.state.conversations = ConversationHub(res)
        app.state.widget_limits = WidgetLimits(res.settings)
        app.state.api_key_limits = ApiKeyLimits(res.settings)
        app.state.login_limits = LoginLimits(res.settings)
        app.state.background = set()
        with transaction(res.sessionmaker) as db:
            fail_interrupted(db)
            fail_interrupted_reruns(db)
        count = settings.embedded_workers
        workers = EmbeddedWorkers(res.queue, count) if count > 0 else None
        if workers:
            workers.start()
        if res.embedded_llm is not None:
            start_embedded_model(res)
        try:
            yield
        finally:
            for task in list(app.state.background):
                task.cancel()
            await app.state.conversations.close_all()
            app.state.widget_limits.close()
            app.state.api_key_limits.close()
            app.state.login_limits.close()
            if workers:
                workers.stop()
            if owned:
                res.close()

    app = FastAPI(
        title="Frontdesk",
        version=__version__,
        description="A voice receptionist for any business, from its website and documents.",
        lifespan=lifespan,
        # Operation ids are the endpoint functions' names (unique across routers), so the
        # dashboard's generated client reads `listAgents`, not `listAgentsApiAgentsGet`.
        generate_unique_id_function=lambda route: route.name,
    )
    install_error_handlers(app)
    document_errors(app)
    # Innermost of the middleware: a refused cross-site request is still logged and counted.
    app.add_middleware(PageHeaders)
    app.add_middleware(CrossSiteGuard, public_url=settings.public_url)
    # Outside the routers, so that every request gets its id and is counted, 404s too.
    app.add_middleware(ObservabilityMiddleware)
    app.add_middleware(RateLimitHeaders)
    app.add_middleware(
        RequestSizeLimit, max_mb=settings.max_request_mb, max_file_mb=settings.max_upload_mb
    )
    app.include_router(workspace_router)
    app.include_router(agents_router)
    app.include_router(knowledge_router)
    app.include_router(knowledge_gaps_router)
    app.include_router(scheduling_router)
    app.include_router(calendar_feed_router)
    app.include_router(calendar_connection_router)
    app.include_router(leads_router)
    app.include_router(mcp_servers_router)
    app.include_router(analytics_router)
    app.include_router(conversations_router)
    app.include_router(exams_router)
    app.include_router(onboarding_router)
    app.include_router(livekit_router)
    app.include_router(voice_router)
    app.include_router(twilio_router)
    app.include_router(sip_numbers_router)
    app.include_router(talk_router)
    app.include_router(widget_router)
    app.include_router(widget_public_router)
    app.include_router(webhooks_router)
    app.include_router(privacy_router)
    app.include_router(observability_router)
    app.include_router(dashboard_router)
    app.mount("/static", BundleFiles(), name="static")

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness check."""
        return {"status": "ok", "version": __version__}

    return app
