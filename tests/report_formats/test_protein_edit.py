"""Every variant record carries its protein change once, structured (``protein_edit``), and the strings are
formatted from it: ``hgvsp`` and ``protein_short`` must be exactly what the edit formats to."""

from __future__ import annotations

from alkannot.annotate.protein import ProteinEdit


def test_strings_are_formatted_from_the_structured_edit(results):
    seen = set()
    for sid, data in results.items():
        for v in data["variants"]:
            e = v["protein_edit"]
            if e is None:
                assert v["hgvsp"] is None, (sid, v["hgvsc"])
                continue
            edit = ProteinEdit.from_dict(e)
            assert edit.to_dict() == e
            assert edit.hgvsp == v["hgvsp"], (sid, v["hgvsc"])
            if v["protein_short"] is not None:  # p.? at a splice site has no short form
                assert edit.short == v["protein_short"], (sid, v["hgvsc"])
            seen.add(edit.kind)
    # the demo and shapes files cover the common kinds, so the check is not vacuous
    assert {"sub", "fs", "dup"} <= seen, seen
