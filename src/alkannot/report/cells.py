"""Cells of the tab-separated outputs (TSV, MAF): one way to write a value, whatever it is."""

from __future__ import annotations

from itertools import chain


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


def tsv_cells_by_column(rows: list[tuple]) -> list[tuple[str, ...]]:
    """[tsv_cells_of(r) for r in rows] (rows of values, all the same length), made column by column: a column
    of plain text without tabs or line breaks is its own cells, a column of ints, floats, booleans or lists
    of plain text one C pass, a column of Nones empty cells; any other column cell by cell (tsv_cells_of). The variant rows of a sample are
    written a chunk at a time this way (report.outputs, report.maf)."""
    if not rows:
        return []
    return list(zip(*map(_column_cells, zip(*rows))))


_BOOL_CELL = {True: "true", False: "false"}.__getitem__


def _column_cells(column: tuple) -> tuple | list:
    types = set(map(type, column))
    if types == {str}:
        text = "".join(column)
        if "\t" not in text and "\n" not in text and "\r" not in text:
            return column
    elif types == {type(None)}:
        return [""] * len(column)
    elif len(types - {type(None)}) == 1 and str not in types:  # one type, maybe with Nones (empty cells)
        t = (types - {type(None)}).pop()
        values = column if len(types) == 1 else [v for v in column if v is not None]
        cells = _same_type_cells(t, values)
        if cells is not None:
            if len(types) == 1:
                return cells
            it = iter(cells)
            return ["" if v is None else next(it) for v in column]
    return tsv_cells_of(column)


def _same_type_cells(t: type, values) -> list[str] | None:
    """The cells of values of exact type `t` in one C pass, or None (then cell by cell)."""
    if t is int:
        return list(map(int.__repr__, values))
    if t is float:
        return list(map("{:.6g}".format, values))
    if t is bool:
        return list(map(_BOOL_CELL, values))
    if t is list and set(map(type, chain.from_iterable(values))) <= {str}:  # lists of plain text
        cells = list(map(";".join, values))
        text = "".join(cells)
        if "\t" not in text and "\n" not in text and "\r" not in text:
            return cells
    return None
