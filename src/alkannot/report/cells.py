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


def tsv_cells(row: dict, columns) -> list[str]:
    """[tsv_cell(row.get(c)) for c in columns]."""
    return tsv_cells_of(map(row.get, columns))


def tsv_cells_of(values) -> list[str]:
    """[tsv_cell(v) for v in values], with the common cases (empty, plain text, int) inline: the rows of a
    100,000-variant sample are mostly these."""
    return ["" if v is None else v if (type(v) is str and "\t" not in v and "\n" not in v and "\r" not in v)
            else str(v) if type(v) is int else tsv_cell(v) for v in values]
