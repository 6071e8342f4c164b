"""The error catalog agrees with the code: every error code jewelia/ can raise (found by reading
the source, not by a list kept by hand) has an entry and an anchor on /developers/errors, no entry
is for a code nothing raises, and the portal's limits table equals the plans as the limiter and
the plan checks read them."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from jewelia.core.error_catalog import CATALOG, FIELD_ERRORS, RESPONSE_ERRORS

ROOT = Path(__file__).resolve().parents[2] / "jewelia"
CATALOG_FILE = ROOT / "core" / "error_catalog.py"
CODE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
RESPONSE, FIELD = "response", "field"
# Callables that put their `code` argument into a details entry {field, message, code}; the
# others with a `code` parameter (envelope, error_response, the middlewares' refusals) make
# the envelope's code.
FIELD_CALLABLES = {"FieldError", "add"}


class Source:
    """Every module under jewelia/ parsed once, with its module-level assignments by name."""

    def __init__(self) -> None:
        self.trees = {
            p: ast.parse(p.read_text(), str(p))
            for p in sorted(ROOT.rglob("*.py"))
            if p != CATALOG_FILE  # the catalog describes codes; it raises none
        }
        self.constants: dict[str, list[ast.expr]] = defaultdict(list)
        self.bases: dict[str, list[str]] = {}
        self.code_params: dict[str, int] = {}
        self.dataclasses: set[str] = set()
        for tree in self.trees.values():
            for node in tree.body:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self.constants[target.id].append(node.value)
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    if node.value is not None:
                        self.constants[node.target.id].append(node.value)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    self._class(node)
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self._function(node.name, node.args)

    def _class(self, node: ast.ClassDef) -> None:
        self.bases[node.name] = [
            b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
        ]
        init = next(
            (b for b in node.body if isinstance(b, ast.FunctionDef) and b.name == "__init__"),
            None,
        )
        if init is not None:
            self._function(node.name, init.args)
            return
        fields = [
            b.target.id
            for b in node.body
            if isinstance(b, ast.AnnAssign) and isinstance(b.target, ast.Name)
        ]
        if "code" in fields:  # a dataclass carrying a code (reviews' Eligibility)
            self.code_params[node.name] = fields.index("code")
            self.dataclasses.add(node.name)

    def _function(self, name: str, args: ast.arguments) -> None:
        names = [a.arg for a in args.args]
        if "code" not in names or name == "__init__":
            return
        position = names.index("code")
        if names and names[0] in ("self", "cls"):
            position -= 1
        self.code_params[name] = position

    def is_app_error(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name == "AppError":
            return True
        return any(
            b not in seen and self.is_app_error(b, seen | {name}) for b in self.bases.get(name, [])
        )


def table_codes(node: ast.AST) -> set[str]:
    """Codes in a constant or a table: a string, the last item of each tuple (message, code)
    and (needle, code) pairs), list items and dict values."""
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) and CODE.match(node.value) else set()
    if isinstance(node, ast.Tuple) and node.elts:
        return table_codes(node.elts[-1])
    if isinstance(node, ast.List | ast.Set):
        return set().union(*(table_codes(e) for e in node.elts))
    if isinstance(node, ast.Dict):
        return set().union(*(table_codes(v) for v in node.values))
    return set()


def expression_codes(
    node: ast.AST, source: Source, local: dict[str, list[ast.expr]], depth: int = 0
) -> set[str]:
    """Codes an expression can evaluate to: its literals, and the values of the names it uses
    (assigned in the same function first, else at module level; tables read as tables). A
    variable such as `code` is followed to every value assigned to it in the function, so the
    call it reaches (FieldError or error_response) decides which kind of code it is."""
    found = {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.match(n.value)
    }
    if depth >= 3:
        return found
    for n in ast.walk(node):
        if not isinstance(n, ast.Name):
            continue
        for value in local.get(n.id) or source.constants.get(n.id, []):
            if isinstance(value, ast.Tuple | ast.List | ast.Set | ast.Dict):
                found |= table_codes(value)
            else:
                found |= expression_codes(value, source, local, depth + 1)
    return found


def raised_codes() -> dict[str, dict[str, set[str]]]:
    """kind ("response" or "field") -> code -> where it is raised (file:line)."""
    source = Source()
    found: dict[str, dict[str, set[str]]] = {RESPONSE: defaultdict(set), FIELD: defaultdict(set)}

    def add(kind: str, codes: set[str], where: str) -> None:
        for code in codes:
            found[kind][code].add(where)

    errors = ROOT / "core" / "errors.py"
    for node in source.trees[errors].body:  # the envelope's codes, defined once
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str) and CODE.match(node.value.value):
                add(RESPONSE, {node.value.value}, f"{errors.name}:{node.lineno}")

    for path, tree in source.trees.items():
        scopes: list[ast.AST] = [tree] + [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for scope in scopes:
            local: dict[str, list[ast.expr]] = defaultdict(list)
            if scope is not tree:
                for n in ast.walk(scope):
                    if isinstance(n, ast.Assign):  # x = …, and each name of x, y = …
                        for t in n.targets:
                            for name in ast.walk(t):
                                if isinstance(name, ast.Name):
                                    local[name.id].append(n.value)
            for node in ast.walk(scope) if scope is not tree else _module_level(tree):
                where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
                _visit(node, source, local, add, where)
    return found


def _module_level(tree: ast.Module) -> list[ast.AST]:
    """Nodes outside any function (class bodies, module constants, decorators)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _visit(node: ast.AST, source: Source, local: Any, add: Any, where: str) -> None:
    if isinstance(node, ast.ClassDef) and source.is_app_error(node.name):
        for item in node.body:  # code = "X" / code = CONSTANT on AppError subclasses
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in item.targets
            ):
                add(RESPONSE, expression_codes(item.value, source, local), where)
    elif isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in source.code_params:
            return
        kind = FIELD if name in FIELD_CALLABLES or name in source.dataclasses else RESPONSE
        position = source.code_params[name]
        values = [kw.value for kw in node.keywords if kw.arg == "code"]
        if position < len(node.args) and not isinstance(node.args[position], ast.Starred):
            values.append(node.args[position])
        values += [a.value for a in node.args if isinstance(a, ast.Starred)]  # *(msg, code)
        for value in values:
            add(kind, expression_codes(value, source, local), where)
    elif isinstance(node, ast.Dict):  # details entries written as dicts: {"code": "X"}
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "code":
                add(FIELD, expression_codes(value, source, local), where)


def test_the_scan_finds_the_known_shapes() -> None:
    found = raised_codes()
    response, field = found[RESPONSE], found[FIELD]
    assert {"VALIDATION_ERROR", "NOT_FOUND", "RATE_LIMIT_EXCEEDED"} <= set(response)
    assert "PLAN_LIMIT_EXCEEDED" in response  # code = CONSTANT on an AppError subclass
    assert "INSUFFICIENT_STOCK" in response  # code = "X"
    assert "IDEMPOTENCY_KEY_REUSED" in response  # a middleware's refusal
    assert "DUPLICATE_SKU" in field  # FieldError(..., "X")
    assert "INVALID_CHOICE" in field  # check.add(field, message, "X")
    assert "DUPLICATE" in field  # {"field", "message", "code": "X"}
    assert "TOO_SHORT" in field  # FieldError(field, *problem), problem = (message, "X")
    assert "INVALID_BOOLEAN" in field  # message, code = KIND_MESSAGES.get(...)
    assert "INVALID_UUID" in field  # code = next(c for needle, c in _CODES ...)
    assert "TOO_SOON" in field  # Eligibility(False, 0, TOO_SOON, ...)
    assert "UUID" not in field  # a needle in _CODES, not a code


def test_every_raised_code_is_in_the_catalog() -> None:
    found = raised_codes()
    missing = []
    for kind, codes in found.items():
        for code, where in sorted(codes.items()):
            entry = CATALOG.get(code)
            if entry is None or not getattr(entry, kind):
                missing.append(f"{code} ({kind} code, raised at {sorted(where)[0]})")
    assert missing == [], "add these to jewelia/core/error_catalog.py:\n" + "\n".join(missing)


def test_the_catalog_has_no_code_nothing_raises() -> None:
    found = raised_codes()
    raised = set(found[RESPONSE]) | set(found[FIELD])
    assert sorted(set(CATALOG) - raised) == []
    for entry in (*RESPONSE_ERRORS, *FIELD_ERRORS):
        assert entry.title and entry.cause and entry.fix and entry.status, entry.code
        assert re.fullmatch(r"\d{3}( / \d{3})?", entry.status), entry.code


async def test_every_raised_code_has_its_anchor_on_the_errors_page(client: Any) -> None:
    text = (await client.get("/developers/errors")).text
    found = raised_codes()
    for code in set(found[RESPONSE]) | set(found[FIELD]):
        assert text.count(f'id="error-{code}"') == 1, code


async def test_the_limits_table_equals_the_plans(client: Any) -> None:
    from jewelia.platform.billing.limits import limit_of
    from jewelia.platform.billing.plans import all_plans, plan_named
    from jewelia.tenants.transfer.service import import_limits

    text = (await client.get("/developers/errors")).text
    table = text.split('id="limits-table"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-plan="(\w+)">(.*?)</tr>', table, re.S))
    plans = await all_plans()
    assert list(rows) == list(plans)  # every plan, in the plans' order
    for name, row in rows.items():
        shown = {
            k: int(v.replace(",", "").removesuffix(" MB"))
            for k, v in re.findall(r'data-limit="(\w+)">([^<]+)<', row)
        }
        plan = await plan_named(name)  # as the guard reads it for a request
        size, import_rows = await import_limits(name)
        assert shown == {
            "requests_per_hour": plan.requests_per_hour,
            "seats": limit_of(plan, "seats"),
            "webhook_endpoints": limit_of(plan, "webhook_endpoints"),
            "inbound_sources": limit_of(plan, "inbound_sources"),
            "import_megabytes": size >> 20,
            "import_rows": import_rows,
        }, name
    free = await plan_named("free")
    assert f"up to {limit_of(free, 'businesses_per_owner')} businesses" in text
