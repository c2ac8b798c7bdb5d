"""A form's `<select>` of the organization's objects costs one ordinary query (no server-side
cursor: DECLARE, FETCH, CLOSE), and still offers only this organization's objects."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pods.forms import AssignmentForm
from tests.factories import role


def test_a_select_is_one_plain_query_of_this_orgs_rows(org, other_org):
    mine, theirs = role(org), role(other_org)
    form = AssignmentForm(organization=org)
    with CaptureQueriesContext(connection) as ctx:
        html = str(form["role"])
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 1 and "DECLARE" not in statements[0], statements
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' not in html
