"""The deal builder's "Save as proposal": a signed-in user's deal, saved into their scenario.

The deal goes into the scenario itself when it is the user's own, otherwise into the
user's copy of it (``<scenario id>-<username>``, made from the scenario on first save and
reused afterwards). The proposal cites an ``analysis`` source for the user's deals
(added when missing) and marks each of its terms as imputed: the options are the user's
judgement, not terms a party or an author stated. The text is edited in place
(:mod:`peacetalks.scenario.yaml_edit`, comments and layout kept), validated, and saved as
a new version through the store, as the editor saves. Any problem shows the deal builder
again with the deal as sent and the problem named: the field, what was expected and
what was got.

The deal builder's template asks :func:`save_target` (a template global registered
here, with ``may_save_proposal``) where a save would go, to say so beside the form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from peacetalks.briefing import assess_deal
from peacetalks.errors import NotFoundError, Problem, ScenarioError, StorageError
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.scenario.models import Proposal
from peacetalks.scenario.yaml_edit import YamlEditError, append_item, set_scalar
from peacetalks.storage import OWNER_SEPARATOR
from peacetalks.storage.accounts import User
from peacetalks.web.api._deps import is_builtin_id
from peacetalks.web.pages._access import (
    LoadedScenario,
    LoginRequiredError,
    can_create,
    can_edit,
    compiled_scenario,
    load_visible,
)
from peacetalks.web.pages._render import TEMPLATES, render, store_of
from peacetalks.web.pages.scenarios import DEAL_FIELD_PREFIX, deal_builder
from peacetalks.web.security import CSRF_FIELD, check_csrf, current_user

__all__ = [
    "ID_FIELD",
    "SAVE_PATH",
    "SOURCE_TITLE",
    "TITLE_FIELD",
    "SaveForm",
    "copy_id",
    "router",
    "save_target",
    "source_id",
]

router = APIRouter()

CurrentUser = Annotated[User | None, Depends(current_user)]

SAVE_PATH = "/scenarios/{scenario_id}/proposals"
ID_FIELD = "proposal_id"
TITLE_FIELD = "proposal_title"
# The version of the scenario the page showed (its SHA-256), to refuse a stale deal.
BASE_FIELD = "base"
SOURCE_TITLE = "Deal saved from the deal builder"
ID_RULE = (
    "1 to 64 characters: lowercase letters, digits, '.', '_' or '-', starting with a "
    "letter or digit (like 'my-deal-2')"
)
_NOT_ID = re.compile(r"[^a-z0-9_.-]+")
_MAX_ID = 64
# Taken proposal ids named in the message of a taken id.
_SHOWN_IDS = 30


@dataclass(frozen=True)
class SaveForm:
    """What the "Save as proposal" form shows: its values, and the problems of the last try."""

    proposal_id: str = ""
    title: str = ""
    problems: tuple[Problem, ...] = ()


def _slug(username: str) -> str:
    """Return a username as it may appear in an id (``a@b.org`` -> ``a-b.org``)."""
    slug = _NOT_ID.sub("-", username.lower()).lstrip("_.-")
    return slug or "user"


def copy_id(scenario_id: str, username: str) -> str:
    """Return the id of a user's copy of a scenario: ``<scenario id>-<username>``.

    Parameters
    ----------
    scenario_id : str
    username : str
        Letters, digits and ``_ . @ -``; characters an id may not hold become ``-``, and
        the scenario's part is cut so that the id stays within 64 characters.
    """
    suffix = "-" + _slug(username)[: _MAX_ID // 2]
    return scenario_id[: _MAX_ID - len(suffix)] + suffix


def source_id(username: str) -> str:
    """Return the id of the ``analysis`` source that a user's saved deals cite."""
    return f"deal-builder-{_slug(username)}"[:_MAX_ID]


def save_target(entry: LoadedScenario, user: User | None) -> tuple[str, bool]:
    """Return where the user's deal on this scenario is saved, and whether that is a copy.

    The scenario itself when it is the user's own; otherwise the user's copy of it
    (:func:`copy_id`), also for an admin, who may change anyone's scenario but whose
    deals should not land in someone else's.
    """
    if user is not None and entry.owner == user.username and can_edit(entry, user):
        return entry.id, False
    return copy_id(entry.scenario.id, "" if user is None else user.username), True


TEMPLATES.env.globals["save_target"] = save_target
TEMPLATES.env.globals["may_save_proposal"] = can_create


def _problem(field: str, message: str) -> Problem:
    return Problem(field, message)


def _changed(scenario_id: str, base: str, now: str) -> Problem:
    msg = (
        f"the scenario {scenario_id} changed after this page was loaded: expected the text "
        f"the page showed (SHA-256 {base[:12] or 'none'}), got {now}. Reload the deal "
        "builder, check the deal against the newest version, then save again."
    )
    return _problem("scenario", msg)


def _check_fields(
    scenario: Scenario, proposal_id: str, title: str, deal: dict[str, str]
) -> list[Problem]:
    """Return the problems of the id and title, checked as the scenario model checks them."""
    try:
        Proposal.model_validate({"id": proposal_id, "title": title, "source": "x", "deal": deal})
    except ValidationError as e:
        fields = {str(error["loc"][0]) for error in e.errors() if error["loc"]}
    else:
        fields = set()
    problems = []
    if "id" in fields:
        problems.append(
            _problem(ID_FIELD, f"the proposal id must be {ID_RULE}. Got {proposal_id!r} instead.")
        )
    elif any(p.id == proposal_id for p in scenario.proposals):
        ids = [p.id for p in scenario.proposals]
        taken = ", ".join(ids[:_SHOWN_IDS]) + (", ..." if len(ids) > _SHOWN_IDS else "")
        problems.append(
            _problem(
                ID_FIELD,
                f"the scenario {scenario.id} already has a proposal with the id "
                f"{proposal_id!r}; expected a new id (taken: {taken}). Choose another id.",
            )
        )
    if "title" in fields:
        problems.append(
            _problem(
                TITLE_FIELD,
                f"the title must be 1 to 300 characters. Got {len(title)} characters instead.",
            )
        )
    return problems


def _source_item(user: User, today: dt.date) -> dict[str, Any]:
    return {
        "id": source_id(user.username),
        "author": user.username,
        "title": SOURCE_TITLE,
        "date": today,
        "address": f"Saved by {user.username} in the peacetalks deal builder; not published",
        "kind": "analysis",
        "note": (
            f"Deals {user.username} put together in the deal builder, the user's own choice "
            "of options; not a proposal a party or an author made."
        ),
    }


def _proposal_item(
    user: User, proposal_id: str, title: str, deal: dict[str, str], today: dt.date
) -> dict[str, Any]:
    reason = (
        f"Chosen by {user.username} in the deal builder, as a judgement of the user; "
        "no source states this option."
    )
    return {
        "id": proposal_id,
        "title": title,
        "source": source_id(user.username),
        "date": today,
        "note": f"Saved by {user.username} from the deal builder on {today}.",
        "deal": dict(deal),
        "terms": {issue: {"basis": "imputed", "reason": reason} for issue in deal},
    }


def _with_proposal(
    text: str, scenario: Scenario, user: User, proposal_id: str, title: str, deal: dict[str, str]
) -> str:
    """Return the scenario text with the user's source (if missing) and the proposal added."""
    today = dt.date.today()
    if not any(s.id == source_id(user.username) for s in scenario.sources):
        text = append_item(text, "sources", _source_item(user, today))
    return append_item(text, "proposals", _proposal_item(user, proposal_id, title, deal, today))


def _copy_text(entry: LoadedScenario, target: str, user: User) -> str:
    """Return the scenario's text as the user's copy: its id and title changed."""
    text = set_scalar(entry.text, "id", target)
    title = f"{entry.scenario.title} ({user.username}'s copy)"
    return set_scalar(text, "title", title) if len(title) <= 300 else text


@dataclass(frozen=True)
class _Target:
    """Where a deal is saved: the scenario's reference, its text, and that text's digest.

    ``base`` is the SHA-256 of the version ``text`` is (``""`` for a copy not made yet);
    the save is refused if another version is the newest by then.
    """

    ref: str
    text: str
    base: str


def _target(request: Request, entry: LoadedScenario, user: User) -> _Target:
    """Return where the deal goes and its current text.

    Raises
    ------
    _SaveRefusedError
        If the target is a built-in scenario's id.
    """
    target, is_copy = save_target(entry, user)
    store = store_of(request)
    if not is_copy and entry.key is not None:
        return _Target(target, entry.text, entry.sha)
    # Ids are per owner: only the user's own copy or a built-in scenario can hold it.
    own = store.find_scenario(f"{target}{OWNER_SEPARATOR}{user.username}", user.username)
    if own is not None:
        newest = store.scenario_versions(own.key)[-1]
        return _Target(target, store.scenario_text(own.key, newest.number), newest.sha256)
    if is_builtin_id(store, target, user):
        msg = (
            f"the deal goes into your copy of {entry.id}, {target!r}, but that is the id of "
            "a built-in scenario. Save a copy under another id in the editor first."
        )
        raise _SaveRefusedError((_problem("scenario", msg),))
    return _Target(target, _copy_text(entry, target, user), "")


class _SaveRefusedError(Exception):
    """The save was refused; ``problems`` say why, ``status_code`` answers it."""

    def __init__(self, problems: tuple[Problem, ...], status_code: int = 422) -> None:
        super().__init__(problems)
        self.problems = problems
        self.status_code = status_code


def _save(
    request: Request,
    user: User,
    entry: LoadedScenario,
    proposal_id: str,
    title: str,
    deal: dict[str, str],
) -> tuple[str, int]:
    """Save the proposal; return the id of the scenario it went into and its new version.

    Raises
    ------
    _SaveRefusedError
        With the problems, when nothing was saved.
    """
    # No lock: the store saves only if the target's newest version is still the one the
    # proposal was added to (``base``), so two saves at once, in one server process or
    # in several, never both start from one version and lose a proposal.
    target = _target(request, entry, user)
    try:
        current = parse_scenario(target.text, source=target.ref)
        problems = _check_fields(current, proposal_id, title, deal)
        if problems:
            raise _SaveRefusedError(tuple(problems))
        edited = _with_proposal(target.text, current, user, proposal_id, title, deal)
        version = store_of(request).save_scenario(edited, owner=user.username, base=target.base)
    except YamlEditError as e:
        msg = f"the scenario's text cannot take the proposal: {e} Add it in the editor."
        raise _SaveRefusedError((_problem("scenario", msg),)) from e
    except ScenarioError as e:
        raise _SaveRefusedError(e.problems) from e
    except StorageError as e:
        if e.kind == "changed":
            now = "a newer version" if e.value is None else str(e.value)
            raise _SaveRefusedError((_changed(target.ref, target.base, now),), 409) from e
        raise _SaveRefusedError((_problem("scenario", str(e)),)) from e
    return target.ref, version.number


# Context keys that ``render`` fills in itself.
_SHARED_KEYS = frozenset({"request", "user", "csrf", "path", "here"})


def _deal_page(
    request: Request,
    user: User | None,
    entry: LoadedScenario,
    query: dict[str, str],
    form: SaveForm,
    status_code: int,
) -> Response:
    """Show the deal builder again with the deal as sent and the save form's problems.

    The page is the deal builder's own (:func:`~peacetalks.web.pages.scenarios.deal_builder`
    asked for the deal as its query), rendered again with the form, so that the two pages
    never differ.
    """
    scope = {**request.scope, "method": "GET", "query_string": urlencode(query).encode("ascii")}
    shown = deal_builder(Request(scope, request.receive), entry.id, user)
    context = getattr(shown, "context", None)
    if not isinstance(context, dict):  # a redirect or an error page: show it as it is
        return shown
    kept = {k: v for k, v in context.items() if k not in _SHARED_KEYS}
    return render(request, "deal.html", user, status_code=status_code, **kept, save_form=form)


def _posted_deal(
    scenario: Scenario, fields: dict[str, str]
) -> tuple[dict[str, str], list[Problem]]:
    """Return the deal the form sent (every issue), or the problems of a missing pick."""
    deal: dict[str, str] = {}
    problems = []
    for issue in scenario.issues:
        chosen = fields.get(DEAL_FIELD_PREFIX + issue.id, "")
        if not chosen:
            msg = (
                f"the form sent no option for the issue {issue.id!r}; expected one of its "
                "option ids. Reload the deal builder and save again."
            )
            problems.append(_problem(DEAL_FIELD_PREFIX + issue.id, msg))
        deal[issue.id] = chosen
    return deal, problems


def _handle(
    request: Request, scenario_id: str, user: User | None, fields: dict[str, str]
) -> Response:
    """Check and save the posted deal; return the redirect, or the page with the problems."""
    try:
        entry = load_visible(store_of(request), scenario_id, user)
    except LoginRequiredError:
        msg = f"Scenario {scenario_id!r} is private. Sign in to save deals on it."
        return render(
            request, "error.html", user, status_code=401, title="Sign-in needed", message=msg
        )
    except NotFoundError as e:
        return render(
            request, "error.html", user, status_code=404, title="Scenario not found", message=str(e)
        )
    proposal_id = fields.get(ID_FIELD, "").strip()
    title = fields.get(TITLE_FIELD, "").strip()
    query = {k: v for k, v in fields.items() if k.startswith(DEAL_FIELD_PREFIX)}

    def again(problems: list[Problem] | tuple[Problem, ...], status_code: int) -> Response:
        form = SaveForm(proposal_id, title, tuple(problems))
        return _deal_page(request, user, entry, query, form, status_code)

    if user is None:
        msg = "saving a deal needs a signed-in user; got an anonymous visitor. Sign in, then save."
        return again([_problem("user", msg)], 401)
    if not can_create(user):
        msg = (
            f"saving a deal needs the analyst or admin role; got {user.role!r}. "
            "Ask an admin to change your role."
        )
        return again([_problem("user", msg)], 403)
    base = fields.get(BASE_FIELD, "")
    if base != entry.sha:
        now = f"version {entry.version}" if entry.version is not None else "a newer text"
        return again([_changed(entry.id, base, now)], 409)
    deal, problems = _posted_deal(entry.scenario, fields)
    if problems:
        return again(problems, 422)
    try:
        assess_deal(entry.scenario, deal, compiled=compiled_scenario(entry))
    except ScenarioError as e:
        return again(e.problems, 422)
    try:
        target, number = _save(request, user, entry, proposal_id, title, deal)
    except _SaveRefusedError as e:
        return again(e.problems, e.status_code)
    return RedirectResponse(
        f"/scenarios/{target}/deal?proposal={proposal_id}&saved={number}", status_code=303
    )


@router.post(SAVE_PATH, include_in_schema=False)
async def save_proposal(request: Request, scenario_id: str, user: CurrentUser) -> Response:
    """Save the deal builder's deal as a proposal into the user's scenario or copy of it."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    check_csrf(request, fields.get(CSRF_FIELD))
    return await run_in_threadpool(_handle, request, scenario_id, user, fields)
