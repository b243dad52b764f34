"""Numbers as the report pages show them (Jinja filters ``vaf``, ``num``, ``rate``; report/table_rows.py)."""

from __future__ import annotations

from math import isfinite

from alkannot.report.svg import as_float


def fmt_vaf(v) -> str:
    """VAF is a fraction in the JSON; shown as a percentage. Non-numbers are shown as given."""
    if v.__class__ is float and isfinite(v):  # the usual value: what as_float would give, without the call
        x = v
    else:
        x = as_float(v)
        if x is None:
            return "—" if v in (None, "") else str(v)
    return f"{x * 100:.2f}%" if x < 0.1 else f"{x * 100:.1f}%"


def fmt_num(v, digits: int = 0) -> str:
    if v.__class__ is int and not digits:  # a count (depth, reads): as_float's float(v), without the call
        return f"{float(v):,.0f}"
    x = as_float(v)
    if x is None:
        return "—" if v in (None, "") else str(v)
    return f"{x:,.0f}" if digits == 0 else f"{x:,.{digits}f}"  # the nested format spec costs on every count


def fmt_rate(v) -> str:
    x = as_float(v)
    return "—" if x is None else f"{x * 100:.3f}%"
