"""Templates escape everything, the little HTML built in Python is escaped (fuzzed), and no
SQL is built from strings.

The crawl (test_crawl.py) shows typed markup arriving escaped on every page; these
tests keep the ways around autoescaping few, reviewed and tested.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from urbanchallenge.ranking.services import highlight
from urbanchallenge.templating import build_templates, paragraphs

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "urbanchallenge"

# Where a template joins strings into a GOV.UK macro's "html" parameter. Jinja's "~"
# escapes the other parts only when one part is already Markup, so each of these was
# read: every joined value is a number or a fixed word, never text a person typed.
REVIEWED_HTML_JOINS = {
    ("reviews/submitted.html", "'%.1f' | format(item.total)"),
    ("proposals/submitted.html", "'%06d' | format(proposal.id)"),
    ("proposals/_macros.html", "'Yes' if item.answer else 'No'"),
}
# The HTML built in Python: both are fuzzed below.
REVIEWED_MARKUP = {"urbanchallenge/templating.py", "urbanchallenge/ranking/services.py"}


def templates() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(TEMPLATES)), path.read_text("utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
    ]


def test_autoescaping_is_on_for_every_template() -> None:
    env = build_templates().env
    assert env.autoescape is True
    rendered = env.from_string("{{ value }}").render(value="<script>x</script>")
    assert rendered == "&lt;script&gt;x&lt;/script&gt;"


def test_no_template_switches_escaping_off() -> None:
    found = [
        (name, match.group(0))
        for name, text in templates()
        for match in re.finditer(r"\|\s*safe\b|autoescape\s+false|Markup\(|\|\s*unescape", text)
    ]
    assert len(templates()) > 40
    assert not found, found


def test_every_string_joined_into_macro_html_was_reviewed() -> None:
    joins = set()
    for name, text in templates():
        for match in re.finditer(r"'html':\s*([^{}]*?~[^{}]*?)[}\]]", text):
            for part in re.findall(r"~\s*\(([^()]*(?:\([^()]*\))?[^()]*)\)", match.group(1)):
                joins.add((name, part.strip()))
            if match.group(1).lstrip().startswith("("):
                first = re.match(r"\(([^()]*)\)", match.group(1).strip())
                assert first, match.group(0)
                joins.add((name, first.group(1).strip()))
    assert joins == REVIEWED_HTML_JOINS


def test_markup_is_built_in_python_only_where_it_is_fuzzed() -> None:
    users = {
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if re.search(r"\bMarkup\(", path.read_text("utf-8"))
    }
    assert users == REVIEWED_MARKUP


SQL_CALLS = {
    "execute_query",
    "execute_query_dict",
    "execute_script",
    "execute_insert",
    "execute_many",
    "raw",
    "RawSQL",
}
SQL_WORDS = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|DROP|ALTER)\b")


def _built(node: ast.expr) -> bool:
    """Whether an expression builds a string at run time (f-string, %, +, .format)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "join", "replace"}
    )


def sql_built_from_strings(source: str, name: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in SQL_CALLS and node.args:
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    problems.append(f"{name}:{node.lineno}: {called}() with a built query")
        if isinstance(node, ast.JoinedStr | ast.BinOp) and _built(node):
            text = "".join(
                part.value
                for part in ast.walk(node)
                if isinstance(part, ast.Constant) and isinstance(part.value, str)
            )
            if SQL_WORDS.search(text):
                problems.append(f"{name}:{node.lineno}: SQL built from strings")
    return problems


def test_no_sql_is_built_from_strings() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        problems += sql_built_from_strings(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    assert not problems, problems


def test_the_sql_check_catches_the_usual_ways_of_building_a_query() -> None:
    bad = """
async def f(conn, name, ids):
    await conn.execute_query(f"SELECT * FROM users WHERE name = '{name}'")
    await conn.execute_script("DELETE FROM t WHERE id = %s" % ids)
    await conn.execute_query("SELECT 1 FROM t WHERE x = " + name)
    await conn.execute_query("SELECT {} FROM t".format(name))
    query = f"UPDATE users SET name = '{name}'"
"""
    good = """
async def f(conn, name):
    await conn.execute_query("SELECT * FROM users WHERE name = $1", [name])
"""
    lines = {int(p.split(":")[1]) for p in sql_built_from_strings(bad, "bad.py")}
    assert lines == {3, 4, 5, 6, 7}
    assert sql_built_from_strings(good, "good.py") == []


# ------------------------------------------------------------------ fuzzing the Python HTML

MARK_OPEN = '<mark class="app-match-term">'
TRICKY = st.text(
    alphabet=st.sampled_from(list("<>&\"'/=;: \n\tabcMARKscript()[]*+?.\\|^$é")),
    max_size=80,
)
WORDS = st.lists(
    st.one_of(TRICKY, st.sampled_from(["script", "mark", "a b", "<b>", "&amp;", "(", "é"])),
    max_size=5,
)


def _tags(out: str) -> list[str]:
    return re.findall(r"<[^>]*>", out)


@settings(max_examples=300, deadline=None)
@given(text=TRICKY, forms=WORDS)
def test_highlighting_only_ever_adds_mark_tags_around_escaped_text(
    text: str, forms: list[str]
) -> None:
    out = highlight(text, forms)
    assert isinstance(out, Markup)
    assert set(_tags(str(out))) <= {MARK_OPEN, "</mark>"}
    plain = str(out).replace(MARK_OPEN, "").replace("</mark>", "")
    assert "<" not in plain and ">" not in plain and '"' not in plain and "'" not in plain
    assert html.unescape(plain) == text


@settings(max_examples=300, deadline=None)
@given(text=TRICKY, forms=WORDS)
def test_paragraphs_only_ever_add_paragraphs_and_line_breaks(text: str, forms: list[str]) -> None:
    for value in (text, highlight(text, forms)):
        out = str(paragraphs(value))
        assert set(_tags(out)) <= {'<p class="govuk-body">', "</p>", "<br>", MARK_OPEN, "</mark>"}
        unmarked = out.replace(MARK_OPEN, "").replace("</mark>", "")
        plain = re.sub(r'<p class="govuk-body">|</p>|<br>', " ", unmarked)
        assert "<" not in plain and ">" not in plain
        assert html.unescape(plain).split() == text.split()


def test_markup_already_escaped_is_not_escaped_twice() -> None:
    marked = highlight("Buses & <trams> at junctions", ["junctions"])
    assert str(paragraphs(marked)) == (
        '<p class="govuk-body">Buses &amp; &lt;trams&gt; at '
        '<mark class="app-match-term">junctions</mark></p>'
    )
