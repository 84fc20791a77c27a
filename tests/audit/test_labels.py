"""Every action the code records, and every detail it records with it, has a translated label."""

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

import portal
from portal.audit.labels import ACTION_LABELS, DETAIL_LABELS, action_label, detail_label

RECORDERS = {"record_event", "audit_row"}  # portal/audit/services.py
# Details spread from a mapping, which a reader cannot list from the source: each is named here,
# with the keys it gives (the decisions' outcomes, counted when results are published).
SPREAD_DETAILS = {"{outcome.value: check.outcomes[outcome] for outcome in Outcome}":
                  {"accepted", "waitlisted", "not_selected"}}


def _export_actions() -> set[str]:
    from portal.reports.jobs import BY_KIND

    return {export.action for export in BY_KIND.values()}


# Actions looked up in a table, which a reader cannot list from the source: each expression named
# here with what it can be (the download of a job's export records that export's action).
LOOKED_UP_ACTIONS = {"BY_KIND[job.kind].action": _export_actions}


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _strings(node) -> set[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body), _strings(node.orelse)
        return None if body is None or orelse is None else body | orelse
    return None


def _action_node(call: ast.Call, index: int, parameter: str):
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == parameter), None)


def _recorders_of(tree) -> dict[str, tuple[ast.FunctionDef | None, int, str]]:
    """record_event, audit_row and the module's own functions that pass their action on to one
    of them (`_audit(action, ...)`, `_download(call, action, ...)`), as (definition, position
    and name of the action parameter), found until no new one appears."""
    recorders = {name: (None, 0, "action") for name in RECORDERS}
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    changed = True
    while changed:
        changed = False
        for function in functions:
            if function.name in recorders:
                continue
            parameters = [a.arg for a in function.args.args]
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and _name(call.func) in recorders):
                    continue
                action = _action_node(call, *recorders[_name(call.func)][1:])
                if isinstance(action, ast.Name) and action.id in parameters:
                    recorders[function.name] = (function, parameters.index(action.id), action.id)
                    changed = True
                    break
    return recorders


def recorded_actions_and_details() -> tuple[set[str], set[str]]:
    actions: set[str] = set()
    details: set[str] = set()
    for path in sorted(Path(portal.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        recorders = _recorders_of(tree)
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and _name(call.func) in recorders):
                    continue
                definition, index, parameter = recorders[_name(call.func)]
                action = _action_node(call, index, parameter)
                found = _strings(action)
                if found is None and action is not None and ast.unparse(action) in LOOKED_UP_ACTIONS:
                    found = LOOKED_UP_ACTIONS[ast.unparse(action)]()
                if found is not None:
                    actions |= found
                else:  # only a recorder of the module may pass on what its callers give it
                    assert function.name in recorders, f"{path.name}: {ast.unparse(call)}"
                details |= _details(call, definition, path)
    return actions, details


def _details(call: ast.Call, definition, path) -> set[str]:
    named = {"action", "actor", "obj", "object_type", "object_id"}
    if definition is not None:
        named |= {a.arg for a in definition.args.args + definition.args.kwonlyargs}
    details = set()
    for keyword in call.keywords:
        if keyword.arg is None:
            if isinstance(keyword.value, ast.Name):  # a recorder passing its **details on
                continue
            spread = ast.unparse(keyword.value)
            assert spread in SPREAD_DETAILS, f"{path.name}: name the keys of **{spread}"
            details |= SPREAD_DETAILS[spread]
        elif keyword.arg not in named:
            details.add(keyword.arg)
    return details


def test_the_reader_finds_actions_passed_through_helpers():
    actions, details = recorded_actions_and_details()
    assert {"export.applications_csv", "decision.set", "call.published", "login.failed"} <= actions
    assert {"override_reason", "accepted", "reason", "reviewer"} <= details


def test_every_recorded_action_has_a_label():
    actions, _details = recorded_actions_and_details()
    assert sorted(actions - set(ACTION_LABELS)) == []


def test_every_recorded_detail_has_a_label():
    _actions, details = recorded_actions_and_details()
    assert sorted(details - set(DETAIL_LABELS)) == []


@pytest.mark.parametrize("locale,expected", [
    ("en", ("Applications exported (CSV)", "Reason for publishing with reviews missing")),
    ("ru", ("Экспорт заявок (CSV)", "Причина публикации при недостающих экспертизах")),
])
def test_labels_are_in_the_viewers_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert (action_label("export.applications_csv"), detail_label("override_reason")) == expected
