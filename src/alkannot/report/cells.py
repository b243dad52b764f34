"""Cells of the tab-separated outputs (TSV, MAF): one way to write a value, whatever it is."""

from __future__ import annotations


def tsv_cell(v) -> str:
    """One TSV/MAF cell: no tabs or line breaks whatever the input carried (these formats have no quoting)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ";".join(tsv_cell(x) for x in v)
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v).replace("\t", " ").replace("\r", " ").replace("\n", " ")
