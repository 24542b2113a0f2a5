"""The target register over HTTP: anyone may read it; changing it needs a bearer token whose
role may make that change (oversight.judge.authority), and every change is audited by the
register (oversight.judge.register) exactly as the command line's.

    GET  /api/v1/targets                    list (?scope= ?icb= ?status= ?year= ?metric=)
    GET  /api/v1/targets/{id}               one version, with its audited history
    POST /api/v1/targets                    add a draft (JSON body, as `oversight target add`)
    POST /api/v1/targets/{id}/publish       draft → published   (JSON body: {"reason": ...})
    POST /api/v1/targets/{id}/retire        published → retired (JSON body: {"reason": ...})

401 without a valid token, 403 when the token's role may not make the change, 404 for an
unknown target, 409 for a change the target's state or a live twin forbids, 422 for bad input
(the register's own message), 400 for a body that is not a JSON object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from oversight.collect.api import PrincipalDep, ServicesDep
from oversight.judge import register
from oversight.judge.authority import target_refusal
from oversight.period import Period, PeriodError

TEXT_FIELDS = ("scope", "metric_id", "planning_year", "comparison", "owner", "rationale")
OPTIONAL_TEXT = ("icb_code", "accountable_body", "accountable_name", "metric_name", "unit", "id")
STATUSES = ("draft", "published", "retired")
SCOPES = ("national", "local")


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _record(record: register.TargetRecord) -> dict[str, Any]:
    return dict(_plain(record.to_dict()))


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, RecursionError):
        raise HTTPException(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return body


def _choice(name: str, value: str | None, valid: tuple[str, ...]) -> str | None:
    if value is not None and value not in valid:
        raise HTTPException(400, f"{name} must be one of {', '.join(valid)}; got {value!r}")
    return value


async def list_targets(
    svc: ServicesDep,
    scope: str | None = None,
    icb: str | None = None,
    status: str | None = None,
    year: str | None = None,
    metric: str | None = None,
) -> list[dict[str, Any]]:
    """The register's targets, every status, filtered; readable by anyone."""
    _choice("scope", scope, SCOPES)
    _choice("status", status, STATUSES)
    if year is not None:
        try:
            year = str(Period.parse_planning_year(year))
        except PeriodError as exc:
            raise HTTPException(400, str(exc)) from None
    found = await run_in_threadpool(
        register.listing, svc.engine, scope=scope, icb_code=icb.upper() if icb else None,
        status=status, planning_year=year,
    )
    return [_record(t) for t in found if metric is None or t.metric_id == metric]


def _get(svc: Any, target_id: str) -> register.TargetRecord:
    try:
        return register.get(svc.engine, target_id)
    except register.RegisterError as exc:
        raise HTTPException(404, str(exc)) from None


async def read_target(target_id: str, svc: ServicesDep) -> dict[str, Any]:
    """One target version and the audited history of it and the versions it revised."""
    record = await run_in_threadpool(_get, svc, target_id)
    history = await run_in_threadpool(register.history, svc.engine, target_id)
    return {**_record(record), "history": [_plain(dataclasses.asdict(h)) for h in history]}


def _text(body: dict[str, Any], name: str, required: bool) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise HTTPException(422, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise HTTPException(422, f"{name} must be text")
    return value


def _date(body: dict[str, Any], name: str) -> dt.date | None:
    value = _text(body, name, required=False)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name} must be a date like 2025-04-01; got {value!r}") from None


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HTTPException(422, f"{name} must be a number")
    return float(value)


def _trajectory(body: dict[str, Any]) -> list[tuple[str, float]]:
    points = body.get("trajectory") or []
    if not isinstance(points, list):
        raise HTTPException(422, "trajectory must be a list of [month, value] pairs")
    out = []
    for p in points:
        if not (isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)):
            raise HTTPException(422, f"trajectory point {p!r} must be [\"2025-04\", 72.0]")
        out.append((p[0], _number(p[1], "a trajectory value")))
    return out


def _spec(body: dict[str, Any]) -> register.TargetSpec:
    text = {name: _text(body, name, required=True) for name in TEXT_FIELDS}
    optional = {name: _text(body, name, required=False) for name in OPTIONAL_TEXT}
    partners = body.get("partners") or []
    if not (isinstance(partners, list) and all(isinstance(p, str) for p in partners)):
        raise HTTPException(422, "partners must be a list of names")
    deadline = _date(body, "deadline")
    if deadline is None:
        raise HTTPException(422, "deadline is required")
    return register.TargetSpec(
        scope=str(text["scope"]),
        metric_id=str(text["metric_id"]),
        planning_year=str(text["planning_year"]),
        value=_number(body.get("value"), "value"),
        comparison=str(text["comparison"]),
        deadline=deadline,
        date_set=_date(body, "date_set") or dt.date.today(),
        owner=str(text["owner"]),
        rationale=str(text["rationale"]),
        icb_code=optional["icb_code"],
        accountable_body=optional["accountable_body"],
        accountable_name=optional["accountable_name"],
        trajectory=_trajectory(body),
        partners=tuple(partners),
        metric_name=optional["metric_name"],
        unit=optional["unit"],
    )


def _refuse(who: Any, scope: str, icb_code: str | None) -> None:
    refusal = target_refusal(who, scope, icb_code)
    if refusal is not None:
        raise HTTPException(403, refusal)


async def add_target(request: Request, who: PrincipalDep, svc: ServicesDep) -> Any:
    """Add a draft target (201); the token's role is checked before the input."""
    body = await _body(request)
    spec = _spec(body)
    _refuse(who, spec.scope, spec.icb_code.upper() if spec.icb_code else None)
    target_id = _text(body, "id", required=False)

    def add() -> register.TargetRecord:
        return register.add(svc.engine, spec, who, svc.catalogue, target_id=target_id)

    try:
        record = await run_in_threadpool(add)
    except register.TargetInputError as exc:
        raise HTTPException(422, f"not stored: {exc}") from None
    except register.RegisterError as exc:
        raise HTTPException(409, f"not stored: {exc}") from None
    from fastapi.responses import JSONResponse

    return JSONResponse(_record(record), status_code=201)


async def _step(step: str, target_id: str, request: Request, who: Any, svc: Any) -> Any:
    body = await _body(request)
    reason = _text(body, "reason", required=False)
    record = await run_in_threadpool(_get, svc, target_id)
    _refuse(who, record.scope, record.icb_code)
    try:
        changed = await run_in_threadpool(
            getattr(register, step), svc.engine, target_id, who, reason
        )
    except register.RegisterError as exc:
        status = 422 if "a reason is required" in str(exc) else 409
        raise HTTPException(status, f"not changed: {exc}") from None
    return _record(changed)


async def publish_target(
    target_id: str, request: Request, who: PrincipalDep, svc: ServicesDep
) -> dict[str, Any]:
    """Draft → published, the reason audited."""
    return dict(await _step("publish", target_id, request, who, svc))


async def retire_target(
    target_id: str, request: Request, who: PrincipalDep, svc: ServicesDep
) -> dict[str, Any]:
    """Published → retired, the reason audited."""
    return dict(await _step("retire", target_id, request, who, svc))


ROUTES: list[tuple[str, str, Callable[..., Any], str]] = [
    ("GET", "/api/v1/targets", list_targets, "api_targets"),
    ("POST", "/api/v1/targets", add_target, "api_target_add"),
    ("GET", "/api/v1/targets/{target_id}", read_target, "api_target"),
    ("POST", "/api/v1/targets/{target_id}/publish", publish_target, "api_target_publish"),
    ("POST", "/api/v1/targets/{target_id}/retire", retire_target, "api_target_retire"),
]
"""The register's routes, mounted by oversight.publish.web.routes."""
