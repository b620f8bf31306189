"""Rules that need the whole scenario: references between records, duplicates, red lines.

:func:`check_scenario` returns every problem it finds, each with the path of the field;
the loader adds the file's line numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from peacetalks.errors import Problem
from peacetalks.scenario._checks import check_provenance, check_source, unknown
from peacetalks.scenario.bodies import (
    Body,
    Member,
    Rule,
    builtin_body_ids,
    builtin_body_text,
    check_body_positions,
)
from peacetalks.scenario.cross_checks import check_agreements, check_deal
from peacetalks.scenario.models import (
    INTERNATIONAL,
    City,
    Issue,
    Proposal,
    Region,
    RegionShare,
    Scenario,
)
from peacetalks.scenario.yaml_nodes import read_yaml

__all__ = ["check_body", "check_scenario"]


def _duplicates(items: Iterable[tuple[str, str]], what: str) -> list[Problem]:
    seen: dict[str, str] = {}
    problems = []
    for path, key in items:
        if key in seen:
            msg = (
                f"duplicate {what} id {key!r} (first at {seen[key]}). Give each {what} its own id."
            )
            problems.append(Problem(path, msg))
        else:
            seen[key] = path
    return problems


def _check_range(path: str, what: str, bounds: tuple[float, float], value: float) -> list[Problem]:
    low, high = bounds
    if low > high:
        msg = f"range [{low:g}, {high:g}] has its low end above its high end. Swap them."
        return [Problem(path, msg)]
    if not low <= value <= high:
        msg = f"range [{low:g}, {high:g}] does not contain the {what} {value:g}. Widen the range."
        return [Problem(path, msg)]
    return []


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Return every cross-record problem of a structurally valid scenario.

    Parameters
    ----------
    scenario : Scenario
        A scenario whose records each passed their own validation.

    Returns
    -------
    list of Problem
        Empty when the scenario is consistent.
    """
    problems: list[Problem] = []
    problems += _duplicates(
        ((f"sources[{k}].id", s.id) for k, s in enumerate(scenario.sources)), "source"
    )
    problems += _duplicates(
        ((f"regions[{k}].code", r.code) for k, r in enumerate(scenario.regions)), "region"
    )
    problems += _duplicates(
        ((f"actors[{k}].id", a.id) for k, a in enumerate(scenario.actors)), "actor"
    )
    problems += _duplicates(
        ((f"issues[{k}].id", i.id) for k, i in enumerate(scenario.issues)), "issue"
    )
    problems += _duplicates(
        ((f"proposals[{k}].id", p.id) for k, p in enumerate(scenario.proposals)), "proposal"
    )
    problems += _duplicates(
        ((f"bodies[{k}].id", b.id) for k, b in enumerate(scenario.bodies)), "body"
    )
    problems += _duplicates(
        ((f"agreements[{k}].id", a.id) for k, a in enumerate(scenario.agreements)), "agreement"
    )
    sources = {s.id for s in scenario.sources}
    regions = {r.code for r in scenario.regions}
    actors = {a.id for a in scenario.actors}
    bodies = {b.id for b in scenario.bodies} | set(builtin_body_ids())
    options = {issue.id: [o.id for o in issue.options] for issue in scenario.issues}

    for k, region in enumerate(scenario.regions):
        problems += check_source(f"regions[{k}].source", region.source, sources)
        problems += _check_control(f"regions[{k}]", region, actors, sources)
    problems += _duplicates(
        ((f"cities[{k}].name", c.name) for k, c in enumerate(scenario.cities)), "city"
    )
    cities = {c.name: c for c in scenario.cities}
    for k, city in enumerate(scenario.cities):
        path = f"cities[{k}]"
        problems += check_source(f"{path}.source", city.source, sources)
        if city.region not in regions:
            problems.append(unknown(f"{path}.region", "region", city.region, regions))
        if city.held_by not in actors:
            problems.append(unknown(f"{path}.held_by", "actor", city.held_by, actors))

    proposals = {p.id for p in scenario.proposals}
    for k, record in enumerate(scenario.bodies):
        problems += check_body(
            record,
            f"bodies[{k}]",
            actors=actors,
            sources=sources,
            proposals=proposals,
            options=options,
        )

    for k, actor in enumerate(scenario.actors):
        path = f"actors[{k}]"
        problems += check_source(f"{path}.source", actor.source, sources)
        problems += check_provenance(path, actor.source, actor.judgement, actor.note, "actor")
        if actor.uncertainty is not None and actor.uncertainty.capability is not None:
            low, high = actor.uncertainty.capability
            problems += _check_range(
                f"{path}.uncertainty.capability", "capability", (low, high), actor.capability
            )
            if low <= 0:
                msg = f"capability range starts at {low:g}. Capabilities must stay above 0."
                problems.append(Problem(f"{path}.uncertainty.capability", msg))
        if actor.uncertainty is not None and actor.uncertainty.reservation is not None:
            problems += _check_range(
                f"{path}.uncertainty.reservation",
                "reservation",
                actor.uncertainty.reservation,
                actor.reservation,
            )

    for k, issue in enumerate(scenario.issues):
        path = f"issues[{k}]"
        problems += _duplicates(
            ((f"{path}.options[{j}].id", o.id) for j, o in enumerate(issue.options)), "option"
        )
        if issue.default is not None and issue.default not in options[issue.id]:
            problems.append(
                unknown(
                    f"{path}.default", "option", issue.default, options[issue.id], issue=issue.id
                )
            )
        for j, option in enumerate(issue.options):
            for m, body in enumerate(option.requires):
                if body not in bodies:
                    problems.append(
                        unknown(f"{path}.options[{j}].requires[{m}]", "body", body, bodies)
                    )
            for m, share in enumerate(option.regions):
                where = f"{path}.options[{j}].regions[{m}]"
                if share.code not in regions:
                    problems.append(unknown(f"{where}.code", "region", share.code, regions))
                problems += _check_share(where, share, actors, cities)
        if issue.territory is not None:
            problems += _check_territory_scale(f"{path}.territory", issue, actors, regions)

    salient: set[str] = set()
    pairs: dict[tuple[str, str], int] = {}
    for k, pos in enumerate(scenario.positions):
        path = f"positions[{k}]"
        if pos.actor not in actors:
            problems.append(unknown(f"{path}.actor", "actor", pos.actor, actors))
        if pos.issue not in options:
            problems.append(unknown(f"{path}.issue", "issue", pos.issue, options))
        problems += check_source(f"{path}.source", pos.source, sources)
        problems += check_source(f"{path}.salience_source", pos.salience_source, sources)
        problems += check_provenance(path, pos.source, pos.judgement, pos.note, "position")
        if (pos.actor, pos.issue) in pairs:
            first = pairs[(pos.actor, pos.issue)]
            msg = (
                f"a second position of actor {pos.actor!r} on issue {pos.issue!r} "
                f"(first at positions[{first}]). Keep one position per actor and issue."
            )
            problems.append(Problem(path, msg))
        else:
            pairs[(pos.actor, pos.issue)] = k
        if pos.salience > 0:
            salient.add(pos.actor)
        if pos.uncertainty is not None:
            if pos.uncertainty.position is not None:
                problems += _check_range(
                    f"{path}.uncertainty.position",
                    "ideal point",
                    pos.uncertainty.position,
                    pos.ideal,
                )
            if pos.uncertainty.salience is not None:
                problems += _check_range(
                    f"{path}.uncertainty.salience",
                    "salience",
                    pos.uncertainty.salience,
                    pos.salience,
                )
        if pos.issue not in options:
            continue
        known = options[pos.issue]
        for m, red in enumerate(pos.red_lines):
            if red not in known:
                problems.append(
                    unknown(f"{path}.red_lines[{m}]", "option", red, known, issue=pos.issue)
                )
        if set(known) <= set(pos.red_lines):
            msg = (
                f"the red lines of actor {pos.actor!r} exclude every option of issue "
                f"{pos.issue!r}, so no deal could ever be acceptable to it. Remove at least one."
            )
            problems.append(Problem(f"{path}.red_lines", msg))
        if pos.utilities is not None:
            for option_id in pos.utilities:
                if option_id not in known:
                    problems.append(
                        unknown(
                            f"{path}.utilities.{option_id}",
                            "option",
                            option_id,
                            known,
                            issue=pos.issue,
                        )
                    )
            missing = [o for o in known if o not in pos.utilities]
            if missing:
                msg = (
                    f"utilities give no value for option(s) {', '.join(missing)} of issue "
                    f"{pos.issue!r}. Give a utility for every option, or leave 'utilities' out "
                    "to derive them from the ideal point."
                )
                problems.append(Problem(f"{path}.utilities", msg))

    for k, actor in enumerate(scenario.actors):
        if actor.id not in salient:
            msg = (
                f"actor {actor.id!r} has no position with a salience above 0, so its utility "
                "of a deal is undefined. Add a position or remove the actor."
            )
            problems.append(Problem(f"actors[{k}]", msg))

    for k, proposal in enumerate(scenario.proposals):
        path = f"proposals[{k}]"
        problems += check_source(f"{path}.source", proposal.source, sources)
        problems += [
            unknown(f"{path}.authors[{j}]", "actor", author, actors)
            for j, author in enumerate(proposal.authors)
            if author not in actors
        ]
        problems += check_deal(path, proposal.deal, scenario)
        problems += _check_terms(path, proposal, sources)
    problems += [
        unknown(f"sources[{k}].actor", "actor", source.actor, actors)
        for k, source in enumerate(scenario.sources)
        if source.actor is not None and source.actor not in actors
    ]
    problems += check_agreements(scenario.agreements, scenario)
    return problems


def _check_terms(path: str, proposal: Proposal, sources: set[str]) -> list[Problem]:
    """Check that each term names an issue of the deal and says what it rests on."""
    problems: list[Problem] = []
    for issue, term in proposal.terms.items():
        where = f"{path}.terms.{issue}"
        if issue not in proposal.deal:
            msg = (
                f"the term {issue!r} is not an issue of the proposal's deal. Expected one of: "
                f"{', '.join(proposal.deal) or 'none'}. Add the issue to deal or remove the term."
            )
            problems.append(Problem(where, msg))
        if term.basis == "stated" and not term.text:
            msg = (
                "a stated term needs text: the source's words on the issue, quoted or "
                "paraphrased. Add text, or make the term imputed with a reason."
            )
            problems.append(Problem(where, msg))
        if term.basis == "imputed" and not term.reason:
            msg = (
                "an imputed term needs a reason: why this option stands for what the source "
                "leaves open. Add reason."
            )
            problems.append(Problem(where, msg))
        if term.source is not None:
            problems += check_source(f"{where}.source", term.source, sources)
    return problems


# --- Bodies ---------------------------------------------------------------------------

_SHARES = ("members_share", "weight_share", "population_share")


@functools.lru_cache(maxsize=32)
def _builtin_body(body_id: str) -> Body | None:
    # The built-in files are valid (tests check them); their members and rule are needed here.
    document, _ = read_yaml(builtin_body_text(body_id))
    data = document.data if document is not None else None
    if not isinstance(data, dict):
        return None
    return Body.model_validate(data["body"])


def _builtin_members(body_id: str) -> tuple[Member, ...]:
    body = _builtin_body(body_id)
    return () if body is None else body.members


def _check_rule(body_path: str, rule: Rule, body: Body) -> list[Problem]:
    path = f"{body_path}.rule"
    problems: list[Problem] = []
    shares = [name for name in _SHARES if getattr(rule, name) is not None]
    if rule.kind == "unanimity":
        extra = [*shares, *(n for n in ("count", "blocking_minority") if getattr(rule, n))]
        if extra:
            msg = f"a unanimity rule takes no thresholds. Remove {', '.join(map(repr, extra))}."
            problems.append(Problem(f"{path}.{extra[0]}", msg))
        return problems
    if rule.kind != "qualified-majority":
        for name in [*shares, *(["blocking_minority"] if rule.blocking_minority else [])]:
            msg = (
                f"{name!r} applies to a qualified-majority rule only. "
                f"Use 'kind: qualified-majority', or remove {name!r}."
            )
            problems.append(Problem(f"{path}.{name}", msg))
    elif not shares and rule.count is None:
        msg = (
            "a qualified-majority rule needs a threshold. Add 'members_share', 'weight_share', "
            "'population_share' or 'count'."
        )
        problems.append(Problem(path, msg))
    n = len(body.members)
    for name in ("count", "blocking_minority"):
        value = getattr(rule, name)
        if value is not None and n and value > n:
            msg = (
                f"{name} {value} is more than the body's {n} members. "
                f"Give at most {n}, or add the missing members."
            )
            problems.append(Problem(f"{path}.{name}", msg))
    # What the rule counts: its shares, and for the other kinds its basis.
    counted = set(shares)
    if rule.kind != "qualified-majority":
        counted.add(f"{rule.basis}_share")
    if "population_share" in counted:
        for j, member in enumerate(body.members):
            if member.population is None:
                msg = (
                    f"member {member.id!r} has no 'population', which the rule counts. "
                    "Add its population."
                )
                problems.append(Problem(f"{body_path}.members[{j}]", msg))
    if "weight_share" in counted and n and not any(m.weight > 0 for m in body.members):
        msg = (
            "the members' weights sum to 0, which the rule counts. Give a member a weight above 0."
        )
        problems.append(Problem(f"{body_path}.members", msg))
    return problems


def check_body(
    body: Body,
    path: str,
    *,
    actors: set[str] | None = None,
    sources: set[str] | None = None,
    proposals: set[str] | None = None,
    options: Mapping[str, Iterable[str]] | None = None,
) -> list[Problem]:
    """Return every problem of one body record.

    Parameters
    ----------
    body : Body
        A body that passed its own validation.
    path : str
        Path of the body, as ``bodies[2]``, prefixed to every problem's path.
    actors, sources, proposals : set of str or None
        The ids the body may refer to; ``None`` skips that check (a body file has no
        scenario).
    options : mapping of str to iterable of str, or None
        Issue id to option ids, for the ``when`` of members' positions.

    Returns
    -------
    list of Problem
        Empty when the body is consistent.
    """
    problems: list[Problem] = []
    members: list[str]
    if body.builtin is not None:
        known = builtin_body_ids()
        builtin_members = _builtin_members(body.builtin) if body.builtin in known else ()
        members = [m.id for m in builtin_members]
        if body.builtin not in known:
            problems.append(unknown(f"{path}.builtin", "built-in body", body.builtin, known))
        if body.members:
            msg = (
                f"a body with 'builtin' takes its members from the built-in body "
                f"{body.builtin!r}. Remove 'members' (re-link them with 'actors'), or remove "
                "'builtin'."
            )
            problems.append(Problem(f"{path}.members", msg))
        if body.rule is not None and builtin_members:
            merged = body.model_copy(update={"members": builtin_members})
            problems += _check_rule(path, body.rule, merged)
    else:
        members = [m.id for m in body.members]
        if body.name is None:
            msg = "the required key 'name' is missing. Add it, or use 'builtin: <id>'."
            problems.append(Problem(f"{path}.name", msg))
        if not body.members:
            msg = (
                "the body has no members. Add at least one, or use a built-in body with "
                "'builtin: <id>'."
            )
            problems.append(Problem(f"{path}.members", msg))
        if body.rule is None:
            msg = (
                "the body has no rule. Add one, such as 'rule: unanimity' or "
                "'rule: {kind: qualified-majority, members_share: 0.55}'."
            )
            problems.append(Problem(f"{path}.rule", msg))
        else:
            problems += _check_rule(path, body.rule, body)
        problems += _duplicates(
            ((f"{path}.members[{j}].id", m.id) for j, m in enumerate(body.members)), "member"
        )
        if actors is not None:
            for j, member in enumerate(body.members):
                if member.actor is not None and member.actor not in actors:
                    problems.append(
                        unknown(f"{path}.members[{j}].actor", "actor", member.actor, actors)
                    )
    if sources is not None:
        problems += check_source(f"{path}.source", body.source, sources)
    if actors is not None and body.follow is not None and body.follow not in actors:
        problems.append(unknown(f"{path}.follow", "actor", body.follow, actors))
    for member_id, actor_id in body.actors.items():
        if members and member_id not in members:
            problems.append(unknown(f"{path}.actors.{member_id}", "member", member_id, members))
        if actors is not None and actor_id not in actors:
            problems.append(unknown(f"{path}.actors.{member_id}", "actor", actor_id, actors))
    rule = body.rule
    if rule is None and body.builtin is not None:
        builtin = _builtin_body(body.builtin) if body.builtin in builtin_body_ids() else None
        rule = None if builtin is None else builtin.rule
    problems += check_body_positions(
        body, path, members=members, rule=rule, options=options, sources=sources
    )
    for proposal_id, stated in body.votes.items():
        if proposals is not None and proposal_id not in proposals:
            problems.append(
                unknown(f"{path}.votes.{proposal_id}", "proposal", proposal_id, proposals)
            )
        for member_id in stated:
            if members and member_id not in members:
                problems.append(
                    unknown(f"{path}.votes.{proposal_id}.{member_id}", "member", member_id, members)
                )
    return problems


def _check_control(path: str, region: Region, actors: set[str], sources: set[str]) -> list[Problem]:
    """Check a region's control shares: known parties, a total of at most 1, a source."""
    problems: list[Problem] = []
    for party in region.control:
        if party not in actors:
            problems.append(unknown(f"{path}.control.{party}", "actor", party, actors))
    total = sum(region.control.values())
    if total > 1 + 1e-9:
        msg = (
            f"control shares of {region.code} add up to {total:g}, above 1. Each is the share "
            "of the region's area a party administers; together they cannot exceed the whole."
        )
        problems.append(Problem(f"{path}.control", msg))
    if region.control and region.control_source is None:
        msg = (
            f"control shares of {region.code} name no source. Add control_source: the id of "
            "the source of the shares (they are estimates of a date)."
        )
        problems.append(Problem(f"{path}.control_source", msg))
    problems += check_source(f"{path}.control_source", region.control_source, sources)
    return problems


def _check_share(
    path: str, share: RegionShare, actors: set[str], cities: Mapping[str, City]
) -> list[Problem]:
    """Check who administers a share after the deal and the cities it moves."""
    problems: list[Problem] = []
    known = actors | {INTERNATIONAL}
    if share.administered_by is not None and share.administered_by not in known:
        problems.append(unknown(f"{path}.administered_by", "actor", share.administered_by, known))
    for n, name in enumerate(share.cities):
        city = cities.get(name)
        if city is None:
            problems.append(unknown(f"{path}.cities[{n}]", "city", name, set(cities)))
        elif city.region != share.code:
            msg = (
                f"city {name!r} is in {city.region}, not in {share.code}. List a city under "
                "the region it lies in."
            )
            problems.append(Problem(f"{path}.cities[{n}]", msg))
    return problems


def _check_territory_scale(
    path: str, issue: Issue, actors: set[str], regions: set[str]
) -> list[Problem]:
    """Check a territorial scale: a known actor and known regions."""
    assert issue.territory is not None
    problems: list[Problem] = []
    if issue.territory.actor not in actors:
        problems.append(unknown(f"{path}.actor", "actor", issue.territory.actor, actors))
    for n, code in enumerate(issue.territory.regions):
        if code not in regions:
            problems.append(unknown(f"{path}.regions[{n}]", "region", code, regions))
    return problems
