"""Page: the scenario editor (YAML in a text area, validated by the server on save).

A save that fails validation shows the editor again with the text as sent and every
problem in place: its line (linked to that line in the text area), the path of the field,
the message, and the lines around it with the faulty one highlighted.

Beside the text, a form makes the common edits (an actor's reservation value, a
position's ideal point and salience, a proposal's options) in the text itself, keeping
its comments and layout (see :mod:`peacetalks.web.pages.editor_form`); the changed text
is validated and saved as a typed one is, and the editor shows it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from peacetalks.errors import Problem, ScenarioError, StorageError
from peacetalks.scenario import parse_scenario
from peacetalks.scenario.yaml_nodes import read_yaml
from peacetalks.storage.accounts import User
from peacetalks.web.api._deps import is_builtin_id
from peacetalks.web.pages import docs
from peacetalks.web.pages._access import LoadedScenario, can_create, can_edit, is_admin
from peacetalks.web.pages._render import error_page, login_redirect, render, store_of
from peacetalks.web.pages.editor_form import FormEdit, FormEditError, apply_form_edit
from peacetalks.web.pages.scenarios import open_scenario
from peacetalks.web.security import CSRF_FIELD, check_csrf, current_user

__all__ = [
    "EXCERPT_LINES",
    "NEW_SCENARIO",
    "ShownProblem",
    "editor_marks",
    "lint_findings",
    "router",
    "shown_problems",
]

router = APIRouter()
# The scenario format's page, which the editor links to.
router.include_router(docs.router)

CurrentUser = Annotated[User | None, Depends(current_user)]
TextField = Annotated[str, Form(max_length=2_000_000)]
CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]
ShortField = Annotated[str, Form(max_length=200)]
# The SHA-256 of the version the editor showed (empty: save whatever is the newest).
BaseField = Annotated[str, Form(max_length=64)]

# Lines shown before and after a faulty line.
EXCERPT_LINES = 2

NEW_SCENARIO = """\
id: my-scenario
title: A new negotiation
as_of: 2025-01-01
actors:
  - {id: north, name: North, capability: 1, veto: true, reservation: 0.4}
  - {id: south, name: South, capability: 1, veto: true, reservation: 0.4}
issues:
  - id: border
    name: Border
    scale: {low: South keeps all, high: North takes all}
    default: status-quo
    options:
      - {id: status-quo, label: Status quo, position: 0}
      - {id: split, label: Split, position: 50}
positions:
  - {actor: north, issue: border, ideal: 100, salience: 1, judgement: true}
  - {actor: south, issue: border, ideal: 0, salience: 1, judgement: true}
"""


@dataclass(frozen=True)
class ShownProblem:
    """A validation problem as the editor shows it, with the lines around it."""

    number: int
    line: int | None
    path: str
    message: str
    excerpt: tuple[tuple[int, str, bool], ...]


def shown_problems(text: str, problems: tuple[Problem, ...]) -> list[ShownProblem]:
    """Return the problems with the lines around each (line number, text, is it the line)."""
    lines = text.split("\n")
    shown = []
    for k, problem in enumerate(problems, start=1):
        excerpt: tuple[tuple[int, str, bool], ...] = ()
        if problem.line is not None and 1 <= problem.line <= len(lines):
            first = max(1, problem.line - EXCERPT_LINES)
            last = min(len(lines), problem.line + EXCERPT_LINES)
            excerpt = tuple((n, lines[n - 1], n == problem.line) for n in range(first, last + 1))
        shown.append(ShownProblem(k, problem.line, problem.path, problem.message, excerpt))
    return shown


def _editor(
    request: Request,
    user: User | None,
    *,
    text: str,
    entry: LoadedScenario | None,
    action: str,
    problems: tuple[Problem, ...] = (),
    notice: str = "",
    saved: int | None = None,
    changed_line: int | None = None,
    form: FormEdit | None = None,
    status_code: int = 200,
    base: str | None = None,
) -> Response:
    """Show the editor; ``base`` is the digest of the version the text was edited from.

    ``base`` (by default the shown version's) goes back with the save, which is refused
    if another version became the newest meanwhile.
    """
    scenario = None if entry is None else entry.scenario
    shown = shown_problems(text, problems)
    findings = [] if problems else lint_findings(text)
    return render(
        request,
        "editor.html",
        user,
        status_code=status_code,
        entry=entry,
        scenario=scenario,
        tab="edit",
        may_edit=entry is not None and can_edit(entry, user),
        text=text,
        action=action,
        problems=shown,
        findings=findings,
        marks=editor_marks(shown, findings),
        actor_names={} if scenario is None else {a.id: a.name for a in scenario.actors},
        issue_names={} if scenario is None else {i.id: i.name for i in scenario.issues},
        notice=notice,
        saved=saved,
        changed_line=changed_line,
        form=form,
        base=base if base is not None else (entry.sha if entry is not None else ""),
        form_action=(
            f"/scenarios/{entry.id}/edit/form"
            if entry is not None and action.endswith("/edit") and can_edit(entry, user)
            else ""
        ),
    )


def editor_marks(
    problems: list[ShownProblem], findings: list[tuple[str, str, ShownProblem]]
) -> list[dict[str, object]]:
    """Return what the code editor marks at its lines: line, severity, source, message.

    Validation problems are errors (source ``problem``); lint's findings (source ``lint``)
    keep their severity. Problems of the whole document (no line) are marked on line 1.
    """
    marks: list[dict[str, object]] = []
    for p in problems:
        where = f"{p.path}: " if p.path else ""
        marks.append(
            {
                "line": p.line or 1,
                "severity": "error",
                "source": "problem",
                "message": where + p.message,
            }
        )
    for severity, code, p in findings:
        where = f"{p.path}: " if p.path else ""
        message = f"{code}: {where}{p.message}"
        marks.append(
            {"line": p.line or 1, "severity": severity, "source": "lint", "message": message}
        )
    return marks


def lint_findings(text: str) -> list[tuple[str, str, ShownProblem]]:
    """Return ``peacetalks lint``'s findings on a text that loads: severity, code, problem.

    They do not stop a save (the scenario is valid); the editor shows them as warnings
    beside the text, with the lines around each.
    """
    from peacetalks.scenario.lint import lint_texts

    found = [p for p in lint_texts([("scenario", text)]) if p.code != "invalid"]
    shown = shown_problems(text, tuple(Problem(p.field, p.message, p.line) for p in found))
    return [(p.severity, p.code, s) for p, s in zip(found, shown, strict=True)]


def _id_line(text: str) -> int | None:
    document, _ = read_yaml(text)
    return None if document is None else document.lines.get(("id",))


def _ownership_problem(request: Request, user: User, scenario_id: str, text: str) -> Problem | None:
    """Return why the user may not save under this id, or None if they may.

    Ids are per owner: saving under an id the user has saves a new version of their own
    scenario, and another user's scenario of the same id (private or not) is no obstacle,
    so its existence never shows here. Only a built-in scenario's id is refused (an admin
    may save new versions of those).
    """
    if is_admin(user):
        return None
    if not is_builtin_id(store_of(request), scenario_id, user):
        return None
    msg = (
        f"{scenario_id!r} is the id of a built-in scenario. "
        "Choose another id to save your own copy."
    )
    return Problem("id", msg, _id_line(text))


def _save(
    request: Request,
    user: User,
    text: str,
    *,
    entry: LoadedScenario | None,
    action: str,
    problems_first: tuple[Problem, ...] = (),
    back_to_editor_at: int | None = None,
    form: FormEdit | None = None,
    base: str = "",
) -> Response:
    """Validate and save the text; show the editor with the problems when it is invalid.

    ``base`` is the digest of the version the text was edited from (sent by the editor's
    form): a new version of the scenario being edited is saved only if that is still the
    newest, so that nobody's version is overwritten unseen (an empty ``base`` skips this).

    ``problems_first`` are shown instead of validating (a form edit that could not be
    made). ``back_to_editor_at`` sends the browser back to the editor after the save, with
    that line marked as changed, rather than to the scenario's page. ``form`` is the form
    edit as sent, shown again in its fields when the save fails.
    """
    text = text.replace("\r\n", "\n")

    def refused(
        problems: tuple[Problem, ...], status_code: int = 422, kept: str | None = base
    ) -> Response:
        return _editor(
            request,
            user,
            text=text,
            entry=entry,
            action=action,
            problems=problems,
            form=form,
            status_code=status_code,
            base=kept or None,
        )

    if problems_first:
        return refused(problems_first)
    try:
        scenario = parse_scenario(text, source="editor")
    except ScenarioError as e:
        return refused(e.problems)
    same = entry is not None and scenario.id == entry.scenario.id and can_edit(entry, user)
    key = entry.key if same and entry is not None else None
    if key is None:
        problem = _ownership_problem(request, user, scenario.id, text)
        if problem is not None:
            return refused((problem,))
    store = store_of(request)
    try:
        # A new version of the scenario being edited, else the user's own of this id.
        checked = base if key is not None and base else None
        version = store.save_scenario(text, owner=user.username, key=key, base=checked)
        ref = store.scenario_ref(version.scenario_id, user.username, admin=is_admin(user))
    except StorageError as e:
        if e.kind != "changed" or entry is None:
            return refused((Problem("", str(e)),))
        msg = (
            f"the scenario changed since you opened the editor: {e.value} of it is now the "
            "newest, saved by someone else or in another tab. Nothing was saved. Compare "
            "with the newest version (open it in another tab); saving again replaces it "
            "with your text."
        )
        return refused((Problem("", msg),), 409, kept=entry.sha)
    except ScenarioError as e:
        return refused(e.problems)
    if back_to_editor_at is not None:
        where = f"/scenarios/{ref}/edit?saved={version.number}&line={back_to_editor_at}"
        return RedirectResponse(where, status_code=303)
    return RedirectResponse(f"/scenarios/{ref}?saved={version.number}", status_code=303)


def _forbidden(request: Request, user: User | None) -> Response:
    return error_page(
        request,
        user,
        403,
        "Not allowed",
        "Saving scenarios needs the analyst or admin role. Ask an admin to change your role.",
    )


def _editable(
    request: Request, scenario_id: str, user: User | None, csrf_token: str
) -> tuple[User, LoadedScenario] | Response:
    """Return the user and the scenario a posted edit may change, or the refusal.

    Sign-in first (an anonymous visitor is sent to sign in), then the form's CSRF token,
    then the scenario as this user may see it, then the right to edit it.
    """
    if user is None:
        return login_redirect(request)
    check_csrf(request, csrf_token)
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    return (user, entry) if can_edit(entry, user) else _forbidden(request, user)


@router.get("/scenarios/new", include_in_schema=False)
def new_scenario(
    request: Request,
    user: CurrentUser,
    source: Annotated[str | None, Query(alias="from")] = None,
) -> Response:
    """Show the editor for a new scenario, empty or copied from one the user may read."""
    if user is None:
        return login_redirect(request)
    if not can_create(user):
        return _forbidden(request, user)
    text, notice = NEW_SCENARIO, ""
    if source:
        copied = open_scenario(request, source, user)
        if isinstance(copied, Response):
            return copied
        text = copied.text
        notice = f"A copy of {copied.id}: change its id, then save it as your own scenario."
    return _editor(request, user, text=text, entry=None, action="/scenarios/new", notice=notice)


@router.post("/scenarios/new", include_in_schema=False)
def create_scenario(
    request: Request, user: CurrentUser, text: TextField, csrf_token: CsrfField = ""
) -> Response:
    """Validate and save a new scenario; show the problems in place when it is invalid."""
    if user is None:
        return login_redirect(request)
    check_csrf(request, csrf_token)
    if not can_create(user):
        return _forbidden(request, user)
    return _save(request, user, text, entry=None, action="/scenarios/new")


@router.get("/scenarios/{scenario_id}/edit", include_in_schema=False)
def edit_scenario(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    saved: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Show the editor of a scenario (a copy to save under a new id if the user may not edit).

    After a save from the form, ``saved`` is the new version and ``line`` the changed line.
    """
    if user is None:
        return login_redirect(request)
    entry = open_scenario(request, scenario_id, user)
    if isinstance(entry, Response):
        return entry
    if can_edit(entry, user):
        return _editor(
            request,
            user,
            text=entry.text,
            entry=entry,
            action=f"/scenarios/{entry.id}/edit",
            saved=saved,
            changed_line=line,
        )
    if not can_create(user):
        return _forbidden(request, user)
    notice = (
        f"You cannot change {entry.id}: "
        + ("it is built in." if entry.builtin else "it belongs to someone else.")
        + " Change its id to save your own copy."
    )
    return _editor(
        request, user, text=entry.text, entry=entry, action="/scenarios/new", notice=notice
    )


@router.post("/scenarios/{scenario_id}/edit", include_in_schema=False)
def save_scenario(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    text: TextField,
    csrf_token: CsrfField = "",
    base: BaseField = "",
) -> Response:
    """Validate and save a new version; show the problems in place when it is invalid."""
    found = _editable(request, scenario_id, user, csrf_token)
    if isinstance(found, Response):
        return found
    user, entry = found
    return _save(request, user, text, entry=entry, action=f"/scenarios/{entry.id}/edit", base=base)


@router.post("/scenarios/{scenario_id}/edit/form", include_in_schema=False)
def save_form_edit(
    request: Request,
    scenario_id: str,
    user: CurrentUser,
    text: TextField,
    change: Annotated[str, Form(max_length=20)],
    csrf_token: CsrfField = "",
    actor: ShortField = "",
    reservation: ShortField = "",
    position: ShortField = "",
    ideal: ShortField = "",
    salience: ShortField = "",
    proposal: ShortField = "",
    deal: Annotated[list[str] | None, Form()] = None,
    base: BaseField = "",
) -> Response:
    """Make the form's edit in the text sent (comments and layout kept), validate and save.

    A saved edit goes back to the editor with the new text; an edit that cannot be made,
    or that makes the scenario invalid, shows the editor with the problems and nothing saved.
    """
    found = _editable(request, scenario_id, user, csrf_token)
    if isinstance(found, Response):
        return found
    user, entry = found
    action = f"/scenarios/{entry.id}/edit"
    edit = FormEdit(
        change=change,
        actor=actor,
        reservation=reservation,
        position=position,
        ideal=ideal,
        salience=salience,
        proposal=proposal,
        deal=tuple(deal or ()),
    )
    text = text.replace("\r\n", "\n")
    try:
        edited, _ = apply_form_edit(text, edit)
    except FormEditError as e:  # shown with the text as sent, nothing saved
        edited, problems, line = text, e.problems, None
    else:
        problems, line = (), _changed_line(text, edited)
    return _save(
        request,
        user,
        edited,
        entry=entry,
        action=action,
        problems_first=problems,
        back_to_editor_at=line,
        form=edit,
        base=base,
    )


def _changed_line(before: str, after: str) -> int:
    """Return the 1-based number of the first line that differs (or the first added one)."""
    old_lines, new_lines = before.split("\n"), after.split("\n")
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if old != new:
            return number
    return min(len(old_lines), len(new_lines)) + 1
