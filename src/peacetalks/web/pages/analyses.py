"""Page: run any analysis of a scenario with its parameters, as a job.

``/scenarios/{id}/analyses?kind=...`` shows one form per analysis kind, its fields drawn
from the kind's parameters model (:func:`peacetalks.web.runners.parameters_model`): a
checkbox per flag, a number field per count (with the model's bounds), a select or
checkboxes for ids of the scenario. The form posts to ``/scenarios/{id}/analyses/{kind}``,
which checks the parameters, queues the run through the API's own
:func:`~peacetalks.web.api.analyses.start_analysis` for the signed-in user and sends the
browser to the run's page, ``/runs/{run_id}``.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from peacetalks.defaults import MODEL_NAMES
from peacetalks.errors import PeacetalksError
from peacetalks.storage.accounts import User
from peacetalks.web.api.analyses import start_analysis
from peacetalks.web.errors import status_of
from peacetalks.web.pages import runs
from peacetalks.web.pages._access import (
    LoadedScenario,
    can_create,
    can_edit,
    is_admin,
    visible_scenarios,
)
from peacetalks.web.pages._render import error_page, login_redirect, render, store_of
from peacetalks.web.pages.run_summary import KIND_TITLES
from peacetalks.web.pages.scenarios import open_scenario
from peacetalks.web.runners import KINDS, Parameters, parameters_model
from peacetalks.web.security import CSRF_FIELD, check_csrf, current_user

__all__ = ["FormField", "FormState", "form_fields", "read_form", "router"]

router = APIRouter()
# The runs pages, where the form sends the browser, come with this router.
router.include_router(runs.router)

CurrentUser = Annotated[User | None, Depends(current_user)]

Widget = Literal["checkbox", "checks", "number", "select", "text"]

_LABELS = {
    "proposal": "Proposal",
    "runs": "Monte Carlo runs",
    "seed": "Seed",
    "pareto": "Pareto front",
    "rules": "Fair compromises",
    "zopa": "Zone of possible agreement (ZOPA)",
    "amend": "Smallest amendment of",
    "logrolls": "Logrolls (two-issue trades)",
    "base": "Logrolls start from",
    "rational": "Front of deals above every reservation only",
    "veto_only": "Among veto holders only",
    "limit": "List at most this many front deals",
    "all_trades": "Also trades that cross a veto holder's red line or hurt one",
    "model": "Model",
    "rounds": "Rounds",
    "q": "Q (expected-utility model)",
    "distribution": "Distribution of the stated ranges",
    "sensitivity": "Sensitivity: which inputs move each forecast most",
    "drop": "What-if: leave these actors out",
    "saliences": "What-if: changed saliences",
    "agreement": "Agreement",
    "compare": "Compare with",
    "periods": "Periods to simulate",
    "period_days": "Days per period",
    "protocol": "Protocol",
    "strategies": "Strategies",
    "transcript": "Keep every turn of each run",
    "mediator": "Mediator (single text)",
    "self_interest": "Mediator's self-interest (single text)",
    "amendments": "Objectors propose amendments (single text)",
    "proposals": "Proposals",
    "at": "Also in these snapshots",
    "snapshots": "Other snapshots",
}
_HELP = {
    "seed": "The same seed gives the same numbers; leave empty for a fresh draw.",
    "strategies": "One for all, or one per actor in scenario order, separated by commas: "
    "boulware, conceder, hardliner, learner, linear, tit-for-tat.",
    "saliences": "As actor:issue=value, separated by commas (value from 0 to 1).",
    "snapshots": "None picked: every scenario you may read of this scenario's series.",
    "at": "Each proposal is then also evaluated in these snapshots, as PROPOSAL@SNAPSHOT.",
    "rules": "None picked, and nothing else picked: everything but the amendment.",
}
_RULE_NAMES = {
    "nash": "Nash",
    "ks": "Kalai-Smorodinsky",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
}
# Fields the form leaves to the API: a deal to evaluate is built in the deal builder.
_LEFT_OUT = {("evaluate", "deal"), ("evaluate", "title")}


@dataclass(frozen=True)
class FormField:
    """One control of an analysis form, drawn from a field of the parameters model."""

    name: str
    label: str
    widget: Widget
    help: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    minimum: str | None = None
    maximum: str | None = None
    step: str = "1"
    default: Any = None
    empty: str = ""


@dataclass
class FormState:
    """What a form shows: each field's value as sent, and the problems found."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def _strip(annotation: Any) -> Any:
    """Return a type without ``Annotated`` and ``None`` (``RefId | None`` gives ``str``)."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _bounds(info: FieldInfo) -> tuple[str | None, str | None]:
    low = high = None
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = str(item.ge)
        elif isinstance(item, annotated_types.Le):
            high = str(item.le)
    return low, high


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return []
    return None if info.default is PydanticUndefined else info.default


def _scenario_choices(
    kind: str, name: str, entry: LoadedScenario, series: list[str]
) -> tuple[tuple[str, str], ...] | None:
    scenario = entry.scenario
    if name in ("proposal", "amend", "base", "proposals"):
        return tuple((p.id, p.title) for p in scenario.proposals)
    if name == "agreement" or (kind == "stress" and name == "compare"):
        return tuple((a.id, a.title) for a in scenario.agreements)
    if name in ("mediator", "drop"):
        return tuple((a.id, a.name) for a in scenario.actors)
    if name in ("at", "snapshots"):
        return tuple((s, s) for s in series)
    if name == "model":
        return tuple((m, m) for m in MODEL_NAMES)
    return None


def _field(
    kind: str, name: str, info: FieldInfo, entry: LoadedScenario, series: list[str]
) -> FormField:
    annotation = _strip(info.annotation)
    label = _LABELS.get(name, name.replace("_", " ").capitalize())
    help_text = _HELP.get(name, info.description or "")
    if help_text.rstrip(".").lower() in label.lower():  # the label says it already
        help_text = ""
    low, high = _bounds(info)
    default = _default(info)
    choices = _scenario_choices(kind, name, entry, series)
    required = info.is_required() or (kind == "evaluate" and name == "proposal")

    def make(widget: Widget, **extra: Any) -> FormField:
        return FormField(
            name=name, label=label, widget=widget, help=help_text, required=required, **extra
        )

    if annotation is bool:
        return make("checkbox", default=bool(default))
    if annotation in (int, float):
        step = "1" if annotation is int else "any"
        shown = "" if default is None else str(default)
        return make("number", minimum=low, maximum=high, step=step, default=shown)
    if get_origin(annotation) is Literal:
        values = choices or tuple((str(v), str(v)) for v in get_args(annotation))
        empty = "" if required or default is not None else "None"
        return make("select", choices=values, default=default, empty=empty)
    if get_origin(annotation) is list:
        inner = _strip(get_args(annotation)[0])
        if get_origin(inner) is Literal and name != "strategies":
            values = tuple((str(v), _RULE_NAMES.get(str(v), str(v))) for v in get_args(inner))
            return make("checks", choices=values, default=[])
        if choices is not None and inner is str:
            return make("checks", choices=choices, default=[])
        return make("text", default="")
    if choices is not None:
        empty = "" if required or default is not None else "None"
        return make("select", choices=choices, default=default, empty=empty)
    return make("text", default="" if default is None else str(default))


def form_fields(kind: str, entry: LoadedScenario, series: list[str]) -> list[FormField]:
    """Return the controls of an analysis' form on a scenario.

    Parameters
    ----------
    kind : str
        One of :data:`peacetalks.web.runners.KINDS`.
    entry : LoadedScenario
        The scenario (its proposals, agreements and actors fill the selects).
    series : list of str
        The ids of the other scenarios of its series the user may read (compare's ``at``,
        the timeline's snapshots).
    """
    model = parameters_model(kind)
    return [
        _field(kind, name, info, entry, series)
        for name, info in model.model_fields.items()
        if (kind, name) not in _LEFT_OUT
    ]


def _saliences(text: str) -> list[dict[str, Any]]:
    changes = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        target, _, value = item.partition("=")
        actor, _, issue = target.partition(":")
        if not (actor.strip() and issue.strip() and value.strip()):
            msg = (
                f"expected actor:issue=value, got {item!r}. Write for example russia:territory=0.8."
            )
            raise ValueError(msg)
        changes.append({"actor": actor.strip(), "issue": issue.strip(), "value": value.strip()})
    return changes


def read_form(
    fields: list[FormField], form: FormData, model: type[Parameters]
) -> tuple[Parameters | None, FormState]:
    """Read a posted analysis form into its parameters model, or say what is wrong.

    Empty fields take the model's defaults. Returns the parameters (None when a field is
    wrong) and what the form shows again: the values sent and a message per wrong field.
    """
    state = FormState()
    values: dict[str, Any] = {}
    for f in fields:
        if f.widget == "checkbox":
            state.values[f.name] = values[f.name] = f.name in form
            continue
        if f.widget == "checks":
            picked = [str(v) for v in form.getlist(f.name)]
            state.values[f.name] = picked
            if picked:
                values[f.name] = picked
            continue
        text = str(form.get(f.name) or "").strip()
        state.values[f.name] = text
        if not text:
            continue
        if f.name == "strategies":
            values[f.name] = [s.strip() for s in text.split(",") if s.strip()]
        elif f.name == "saliences":
            try:
                values[f.name] = _saliences(text)
            except ValueError as e:
                state.errors[f.name] = str(e)
        else:
            values[f.name] = text
    if state.errors:
        return None, state
    try:
        return model.model_validate(values), state
    except ValidationError as e:
        for error in e.errors():
            location = [str(part) for part in error["loc"]]
            name = location[0] if location else ""
            where = "" if len(location) <= 1 else f" ({'.'.join(location[1:])})"
            message = f"{error['msg']}{where}"
            if name in {f.name for f in fields}:
                state.errors.setdefault(name, message)
            else:
                state.message = message
        return None, state


def _shown(name: str, value: Any) -> Any:
    """Return a parameter's value as its form control shows it (a run's, to run it again)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if name == "strategies":
        return ", ".join(str(v) for v in value)
    if name == "saliences":
        return ", ".join(f"{c['actor']}:{c['issue']}={c['value']}" for c in value)
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _from_run(request: Request, run_id: int, kind: str, user: User) -> FormState:
    """Return a form filled with a run's parameters (empty if it is not the user's or kind's)."""
    state = FormState()
    try:
        run = store_of(request).run(run_id)
    except PeacetalksError:
        return state
    if run.kind != kind or not (is_admin(user) or run.owner == user.username):
        return state
    if isinstance(run.parameters, dict):
        state.values = {name: _shown(name, v) for name, v in run.parameters.items()}
    return state


def _series(request: Request, entry: LoadedScenario, user: User | None) -> list[str]:
    series = entry.scenario.series
    if series is None:
        return []
    return [
        other.id
        for other in sorted(
            visible_scenarios(store_of(request), user), key=lambda e: (e.scenario.as_of, e.id)
        )
        if other.scenario.series == series and other.id != entry.id
    ]


def _recent_runs(request: Request, entry: LoadedScenario, user: User) -> list[Any]:
    if entry.key is None:  # a built-in scenario read from the package's files
        return []
    runs = store_of(request).runs(
        scenario_id=entry.key, owner=user.username, newest=5, results=False
    )
    return list(reversed(runs))


def _page(
    request: Request,
    entry: LoadedScenario,
    user: User,
    kind: str,
    state: FormState,
    *,
    status_code: int = 200,
) -> Response:
    series = _series(request, entry, user)
    return render(
        request,
        "analyses.html",
        user,
        status_code=status_code,
        entry=entry,
        scenario=entry.scenario,
        tab="analyses",
        may_edit=can_edit(entry, user),
        may_run=can_create(user),
        kinds=[(k, KIND_TITLES[k]) for k in KINDS],
        kind=kind,
        kind_title=KIND_TITLES[kind],
        description=(parameters_model(kind).__doc__ or "").strip().split("\n\n")[0],
        fields=form_fields(kind, entry, series),
        state=state,
        recent=_recent_runs(request, entry, user),
        csrf_field=CSRF_FIELD,
    )


@router.get("/scenarios/{scenario_id}/analyses", include_in_schema=False)
def analyses_page(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    model: Annotated[str | None, Query(max_length=64)] = None,
    run: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    """Show the form of one analysis of the scenario (``?kind=``; evaluate by default).

    ``?run=ID`` fills the form with one of the user's runs of that kind, to run it again.
    """
    if user is None:
        return login_redirect(request)
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    chosen = kind if kind in KINDS else "evaluate"
    state = FormState() if run is None else _from_run(request, run, chosen, user)
    if chosen == "forecast" and model in MODEL_NAMES:
        state.values["model"] = model
    return _page(request, entry, user, chosen, state)


@router.post("/scenarios/{scenario_id}/analyses/{kind}", include_in_schema=False)
async def start_from_page(
    request: Request, scenario_id: str, kind: str, user: CurrentUser
) -> Response:
    """Queue an analysis from its form, then send the browser to the run's page."""
    if user is None:
        return login_redirect(request)
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    entry = await run_in_threadpool(open_scenario, request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    if kind not in KINDS:
        message = f"No analysis {kind!r}. The analyses are: {', '.join(KINDS)}."
        return error_page(request, user, 404, "Analysis not found", message)
    if not can_create(user):
        message = (
            f"Running analyses needs the analyst or admin role; {user.username!r} is a "
            f"{user.role}. Ask an administrator for the analyst role."
        )
        return error_page(request, user, 403, "Not allowed", message)
    series = await run_in_threadpool(_series, request, entry, user)
    fields = form_fields(kind, entry, series)
    parameters, state = read_form(fields, form, parameters_model(kind))
    if parameters is None:
        return _page(request, entry, user, kind, state, status_code=422)
    try:
        run = await run_in_threadpool(
            start_analysis, request, kind, entry.id, entry.version, parameters, user
        )
    except PeacetalksError as e:
        state.message = str(e)
        return _page(request, entry, user, kind, state, status_code=status_of(e))
    return RedirectResponse(f"/runs/{run.id}", status_code=303)
