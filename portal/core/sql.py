"""Query helpers for plans PostgreSQL can answer from its indexes."""

from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet


class _EqualsAny(Func):
    """`lhs = ANY(ARRAY(subquery))`: the subquery runs once, and the comparison is a
    ScalarArrayOp an index answers (and ORs with another index's answer)."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def in_subquery(field: str, subquery: QuerySet[Any]) -> Q:
    """`field IN (subquery)`, written so that PostgreSQL can still use `field`'s index when the
    condition is one side of an OR: there `IN (SELECT ...)` becomes a filter on every row of the
    table (a sequential scan), `= ANY(ARRAY(SELECT ...))` a bitmap index scan. `subquery` must
    select one column (`.values("pk")`). Other databases get the plain IN."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": subquery})
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(_EqualsAny(F(field), ArraySubquery(subquery)))
