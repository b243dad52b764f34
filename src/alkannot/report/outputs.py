"""Per-sample machine-readable outputs: JSON (validated against the published schema) and TSVs."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from itertools import chain
from operator import call, itemgetter
from pathlib import Path

from alkannot.annotate.record import AnnotatedVariant, as_records
from alkannot.io.atomic import atomic_write_text
from alkannot.report.cells import tsv_cells_by_column
from alkannot.schemas import SAMPLE_SCHEMA

SCHEMA_VERSION = "1.1.0"
VARIANT_COLUMNS = [
    "gene", "chrom", "pos", "ref", "alt", "transcript", "hgvsc", "hgvsp", "protein_short", "consequence",
    "exon", "intron", "vaf", "depth", "alt_reads", "filter", "alk_kinase_domain", "alk_region", "status",
    "reason", "flags", "ch_status", "compound",
]
DRUG_COLUMNS = ["drug", "verdict", "reasons", "evidence_sources", "notes", "civic_agreement", "civic_eids",
                # appended (docs/verdicts.md): the same information the drug cards show
                "current_tki", "offered", "evidence_gaps", "untested_combinations", "phase_dependent",
                "alk_clonality", "alk_exclusion",
                # author-year labels of the evidence sources, resolved from resources/references.tsv
                "evidence_citations"]


def drug_rows(data: dict) -> list[dict]:
    """One drugs.tsv row per drug (older JSON without the verdict-rule keys gives empty cells)."""
    tc = data.get("therapy_context") or {}
    offered = {o.get("drug") for o in tc.get("options") or []}
    clon = "; ".join(f"{c['mutation']}: {c['clonality']}" + (f" (VAF/TF {c['vaf_relative_to_tf']:.2f})"
                                                             if c.get("vaf_relative_to_tf") is not None else "")
                     for c in data.get("alk_clonality") or [])
    excl = ((data.get("ctdna") or {}).get("alk_exclusion") or {}).get("text")
    from alkannot.report.references import resolve_sources

    rows = []
    for d, v in data["drugs"].items():
        pd = v.get("phase_dependent")
        sources = sorted({e["source"] for e in v.get("evidence", [])})
        rows.append({
            "drug": d, "verdict": v["verdict"], "reasons": v.get("reasons", []),
            "evidence_sources": sources,
            "notes": v.get("notes", []), "current_tki": v.get("current_tki"), "offered": d in offered,
            "evidence_gaps": v.get("evidence_gaps"), "untested_combinations": v.get("untested_combinations"),
            "phase_dependent": (f"{', '.join(pd['mutations'])}: if cis {pd['if_cis']}, if trans {pd['if_trans']}"
                                if pd else None),
            "alk_clonality": clon, "alk_exclusion": excl,
            "civic_agreement": (v.get("civic") or {}).get("agreement", ""),
            "civic_eids": [f"EID{i['eid']}" for i in (v.get("civic") or {}).get("items", [])],
            "evidence_citations": resolve_sources(sources),
        })
    return rows


FUSION_COLUMNS = [
    "name", "variant", "exons", "partner_5p", "partner_3p", "breakpoint_5p", "breakpoint_3p", "category",
    "evidence", "evidence_sources", "supporting_reads", "split", "clipped", "pairs", "excluded_reads",
    "wildtype_fragments", "depth", "allele_fraction", "junction_sequence", "caller", "notes",
]


def fusion_rows(data: dict) -> list[dict]:
    """One row per fusion (5' breakpoint first) for <sample>.fusions.tsv."""
    rows = []
    for f in data.get("fusions") or []:
        bps = [f"{b.get('chrom')}:{b.get('pos')} {b.get('gene')} {b.get('region') or ''}".strip()
               for b in f.get("breakpoints") or []]
        r = f.get("read_evidence") or {}
        frag = r.get("fragments") or {}
        rows.append({**{k: f.get(k) for k in ("name", "variant", "exons", "partner_5p", "partner_3p", "category",
                                               "evidence", "supporting_reads", "allele_fraction", "caller",
                                               "notes")},
                     "breakpoint_5p": bps[0] if bps else None, "breakpoint_3p": bps[1] if len(bps) > 1 else None,
                     "evidence_sources": f.get("evidence_sources"),
                     "split": frag.get("split"), "clipped": frag.get("clipped"), "pairs": frag.get("pairs"),
                     "excluded_reads": [f"{k}={v}" for k, v in (r.get("excluded_reads") or {}).items() if v],
                     "wildtype_fragments": r.get("wildtype_fragments"), "depth": r.get("depth"),
                     "junction_sequence": r.get("junction_sequence")})
    return rows


@lru_cache(maxsize=1)
def sample_schema() -> dict:
    return json.loads(SAMPLE_SCHEMA.read_text())


def validate_sample_json(data: dict) -> None:
    """Raise jsonschema.ValidationError unless `data` matches the published schema.

    A valid document passes the compiled validator (fastjsonschema: the schema's keywords mean the same in
    draft 7 and 2020-12); anything it rejects goes to jsonschema, which decides and words the error.
    """
    try:
        _fast_validator()(data)
    except Exception:
        import jsonschema

        error = jsonschema.exceptions.best_match(_jsonschema_validator().iter_errors(data))
        if error is not None:
            raise error from None


def _schema_digest() -> str:
    import hashlib

    return hashlib.sha256(SAMPLE_SCHEMA.read_bytes()).hexdigest()


def _draft7_schema() -> dict:
    return {**sample_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}


def generated_validator_source() -> str:
    """Python source of the compiled validator (scripts/refresh_precomputed.py writes it to
    alkannot/schemas/_validator.py, so a sample process does not generate and compile it)."""
    import fastjsonschema

    code = fastjsonschema.compile_to_code(_draft7_schema())
    name = code.split("\ndef ", 1)[1].split("(", 1)[0]
    return ("# ruff: noqa\n# Generated by scripts/refresh_precomputed.py from alkannot.schema.json: do not edit.\n"
            f"SCHEMA_SHA256 = {_schema_digest()!r}\n{code}\n\nvalidate = {name}\n")


@lru_cache(maxsize=1)
def _fast_validator():
    try:
        from alkannot.schemas import _validator

        if _validator.SCHEMA_SHA256 == _schema_digest():
            return _validator.validate
    except ImportError:
        pass
    import fastjsonschema  # the schema changed since the validator was generated: compile it here

    return fastjsonschema.compile(_draft7_schema())


@lru_cache(maxsize=1)
def _jsonschema_validator():
    """The reference validator, built once (the bundled schema is checked by tests/report/test_schema_speed.py,
    not on every call)."""
    import jsonschema

    return jsonschema.validators.validator_for(sample_schema())(sample_schema())


_ENC_STR = json.encoder.encode_basestring  # ensure_ascii=False: the C function json itself uses


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o in (float("inf"), float("-inf")):
        return "Infinity" if o > 0 else "-Infinity"
    return float.__repr__(o)


_NL = ["\n" + " " * i for i in range(64)]  # newline + indent, by depth


class _KeyText(dict):
    """key -> its JSON text + ': ' (object keys repeat: the schema's names), kept for the first 4,096 keys;
    a key that is not a string raises TypeError, as _ENC_STR does."""

    def __missing__(self, key):
        text = _ENC_STR(key) + ": "
        if len(self) < 4096:
            self[key] = text
        return text


_KEY_TEXT = _KeyText()


# value type -> its JSON text, for the scalars json writes without looking inside (exact types only: a
# subclass goes to _indented_any, as json's own encoder would treat it); bool and None by a lookup of the value
_SCALAR_TEXT = {
    str: _ENC_STR, int: int.__repr__, float: _float,
    type(None): {None: "null"}.__getitem__, bool: {True: "true", False: "false"}.__getitem__,
}
_scalar_text = _SCALAR_TEXT.get


def _indented(o, level: int, key: str = "") -> str:
    """``key`` + json.dumps(o, indent=1, ensure_ascii=False) nested `level` deep (the text after its key): the
    same bytes as json's own (pure-Python) indenting encoder, built without its generator per value.

    Per value one type lookup (_SCALAR_TEXT: a scalar's text by a C function, no Python call); a nested
    list/object is one call, which puts its key before its text in the same f-string (the text is copied once
    per level, not once per ``+``). _indented_any does the rest (subclasses, tuples, non-string keys, depth)."""
    t = type(o)
    if t is dict:
        if not o:
            return key + "{}"
        if level < 62:
            try:
                items = [_KEY_TEXT[k] + f(v) if (f := _scalar_text(type(v))) else _indented(v, level + 1, _KEY_TEXT[k])
                         for k, v in o.items()]
            except TypeError:  # a key that is not a string (or a value json refuses): as before
                return key + _indented_any(o, level)
            nl = _NL[level + 1]
            return f"{key}{{{nl}{(',' + nl).join(items)}{_NL[level]}}}"
    elif t is list:
        if not o:
            return key + "[]"
        if level < 62:
            nl = _NL[level + 1]
            return f"{key}[{nl}{(',' + nl).join(_item_texts(o, level + 1))}{_NL[level]}]"
    else:
        f = _scalar_text(t)
        if f is not None:
            return key + f(o)
    return key + _indented_any(o, level)


def _item_texts(o: list | tuple, level: int) -> list[str]:
    """The texts of a non-empty list's items, `level` deep: a list of strings in one C pass; a list of
    objects with the same keys (variant rows, evidence tiers, co-alterations, ...) column by column
    (_object_texts); a list of lists (such a column: each row's flags, each co-alteration's evidence) with
    their items together (_list_texts); else item by item. (The sample JSON's variant rows are written this
    way, a chunk of rows at a time.)"""
    t0 = type(o[0])
    if t0 is str:
        try:
            return list(map(_ENC_STR, o))
        except TypeError:
            pass
    elif t0 is dict and len(o) > 2 and len(o[0]) > 1 and level < 62 and set(map(type, o)) == {dict}:
        keys = set(map(tuple, o))
        if len(keys) == 1:
            template = _object_template(keys.pop(), level)
            if template is not None:
                return _object_texts(o, template, level)
    elif t0 is list and len(o) > 2 and level < 62 and set(map(type, o)) == {list}:
        return _list_texts(o, level)
    return [f(v) if (f := _scalar_text(type(v))) else _indented(v, level) for v in o]


def _list_texts(lists: list[list] | tuple[list, ...], level: int) -> list[str]:
    """_indented(x, level) of each of these lists: the items of all of them made at once (_item_texts, `level`
    + 1 deep: the flags of every row are one list of strings, the evidence of every co-alteration one list of
    objects with the same keys), then each list's text joined from its own items' texts. A column of a
    hundred small lists is then a few calls, not a few hundred."""
    flat = list(chain.from_iterable(lists))
    texts = _item_texts(flat, level + 1) if flat else []
    nl = _NL[level + 1]
    sep, end = "," + nl, _NL[level] + "]"
    out = []
    i = 0
    for x in lists:
        n = len(x)
        out.append(f"[{nl}{sep.join(texts[i:i + n])}{end}" if n else "[]")
        i += n
    return out


def _object_texts(objs: list[dict], template: tuple, level: int) -> list[str]:
    """_indented(d, level) of each of these dicts, which have the same keys (in the same order): the values
    are taken out column by column (C: itemgetter, zip), a column of scalars turned into text in one C pass
    (each value's _SCALAR_TEXT function by its type; a column with any other value as a list's items, so a
    column of objects with the same keys, e.g. each variant's protein_edit, goes column by column too), and
    each object's text is its keys' template filled with its value texts (one ``%``)."""
    getter, text = template
    columns = []
    for column in zip(*map(getter, objs)):
        try:
            if type(column[0]) is float:  # floats by float.__repr__ (C), unless one is not finite
                texts = list(map(call, map(_FINITE_FN, map(type, column)), column))
                if "nan" in texts or "inf" in texts or "-inf" in texts:
                    texts = list(map(call, map(_SCALAR_FN, map(type, column)), column))
            else:
                texts = list(map(call, map(_SCALAR_FN, map(type, column)), column))
        except KeyError:  # a list, an object or a subclass in this column: as the items of a list
            texts = _item_texts(column, level + 1)
        columns.append(texts)
    return [text % values for values in zip(*columns)]


_SCALAR_FN = _SCALAR_TEXT.__getitem__
# a finite float's JSON text is its repr (json's own float.__repr__); NaN and infinities come out as "nan",
# "inf", "-inf", which no other value's text is (strings are quoted), so a column is checked once for them
_FINITE_FN = {**_SCALAR_TEXT, float: float.__repr__}.__getitem__
_TEMPLATES: dict[tuple, tuple | None] = {}  # (keys, level) -> (itemgetter of the keys, the object's text with %s)


def _object_template(keys: tuple, level: int) -> tuple | None:
    """(itemgetter(*keys), the text of an object with these keys `level` deep, each value a ``%s``); None
    when a key is not a string (_indented_any then writes what json writes). Kept for the first 1,024."""
    try:
        return _TEMPLATES[keys, level]
    except KeyError:
        pass
    try:
        nl = _NL[level + 1]
        text = ("{" + nl + ("," + nl).join(_KEY_TEXT[k].replace("%", "%%") + "%s" for k in keys)
                + _NL[level] + "}")
        template = (itemgetter(*keys), text)
    except TypeError:
        template = None
    if len(_TEMPLATES) < 1024:
        _TEMPLATES[keys, level] = template
    return template


def _indented_any(o, level: int) -> str:
    """_indented for any value (subclasses, tuples, non-string keys, deep nesting)."""
    if isinstance(o, str):
        return _ENC_STR(o)
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    inner = "\n" + " " * (level + 1)
    if isinstance(o, (list, tuple)):
        if not o:
            return "[]"
        return "[" + inner + ("," + inner).join([_indented(x, level + 1) for x in o]) + "\n" + " " * level + "]"
    if isinstance(o, dict) and all(isinstance(k, str) for k in o):
        if not o:
            return "{}"
        return "{" + inner + ("," + inner).join([_ENC_STR(k) + ": " + _indented(v, level + 1) for k, v in o.items()]) \
            + "\n" + " " * level + "}"
    # anything else (non-string keys, other types): json decides, as before
    return json.dumps(o, indent=1, ensure_ascii=False).replace("\n", "\n" + " " * level)


def sample_json(data: dict) -> dict:
    """The sample JSON's content: the result with each variant record (annotate.record.AnnotatedVariant)
    as its JSON row (rows that are already JSON rows, e.g. of a written JSON, stay as they are)."""
    return {**data, "variants": [v.to_dict() if isinstance(v, AnnotatedVariant) else v for v in data["variants"]]}


def tsv_text(rows: list[dict], columns: list[str]) -> str:
    """The TSV of these rows (a cell per column: report.cells.tsv_cell), its cells made column by column as
    variants.tsv's are (tsv_cells_by_column: a drug's reasons, notes and sources are long lists of text)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    w.writerows(tsv_cells_by_column([tuple(map(r.get, columns)) for r in rows]))
    return buf.getvalue()


_VALIDATE_CHUNK = 500  # variant rows validated together (with the rest of the document)


def _write_variant_rows(data: dict, json_path: Path, tsv_path: Path):
    """The JSON (``json.dumps(sample_json(data), indent=1, ensure_ascii=False)`` + newline, the same bytes),
    variants.tsv and the MAF, a chunk of _VALIDATE_CHUNK variant rows at a time: each chunk is validated with
    the document (a rejected chunk hands the whole document to validate_sample_json, which raises the error it
    always raised), then written column by column (_item_texts, report.cells.tsv_cells_by_column: the rows of
    a chunk have the same keys and types, so most columns are one C pass). Returns (the MAF's rows, for report.maf.write_maf; the rows the sample page lists:
    all of them up to report.html.VARIANT_TABLE_MAX, else those report.html.always_listed keeps)."""
    from alkannot.io.atomic import atomic_path
    from alkannot.report.html import VARIANT_TABLE_MAX, always_listed
    from alkannot.report.maf import CohortMaf, group_key, record_groups, sample_build

    records = data["variants"]
    sample = data["sample"]
    build = sample_build(data)
    groups = record_groups([group_key(v.line, v.chrom, v.vcf_pos, v.vcf_ref) for v in records])
    maf = CohortMaf(spill=True)
    maf.ids[sample["id"]] += 1
    list_all = len(records) <= VARIANT_TABLE_MAX
    last = len(records) - 1
    listed: list[dict] = []
    chunk: list[dict] = []
    # the rest of the document was validated by the caller (write_sample_outputs): the rows are checked inside
    # the document's required keys only (the rows' schema does not depend on the other keys)
    doc = {k: data[k] for k in sample_schema().get("required", ()) if k in data}
    validate = _fast_validator()

    def check(rows: list[dict]) -> None:
        doc["variants"] = rows
        try:
            validate(doc)
        except Exception:
            validate_sample_json(sample_json(data))

    with atomic_path(json_path) as jtmp, open(jtmp, "w") as jfh, atomic_path(tsv_path) as ttmp, \
            open(ttmp, "w", newline="") as tfh:
        tsv = csv.writer(tfh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        tsv.writerow(VARIANT_COLUMNS)
        jfh.write("{")
        for n, (key, value) in enumerate(data.items()):
            jfh.write(("," if n else "") + "\n " + _ENC_STR(str(key)) + ": ")
            if key != "variants":
                jfh.write(_indented(value, 1))
                continue
            if not records:
                jfh.write("[]")
                continue
            sep = "[\n  "
            for i, rec in enumerate(records):
                row = rec.to_dict()
                if list_all or always_listed(row):
                    listed.append(row)
                chunk.append(row)
                if len(chunk) >= _VALIDATE_CHUNK or i == last:
                    # the chunk's rows together: validated, in the JSON (two levels deep: document ->
                    # "variants" -> row), variants.tsv and the MAF, each made column by column
                    check(chunk)
                    jfh.write(sep + ",\n  ".join(_item_texts(chunk, 2)))
                    sep = ",\n  "
                    tsv.writerows(tsv_cells_by_column([tuple(map(r.get, VARIANT_COLUMNS)) for r in chunk]))
                    first = i + 1 - len(chunk)
                    maf.add_rows(chunk, [groups[k] for k in range(first, i + 1)], sample, build,
                                 [r.protein_edit for r in records[first:i + 1]])
                    chunk = []
            jfh.write("\n ]")
        jfh.write("\n}\n")
    return maf, listed


SAMPLE_OUTPUT_EXTS = (".alkannot.json", ".variants.tsv", ".drugs.tsv", ".fusions.tsv", ".report.html", ".maf.tsv",
                      ".alkannot.vcf.gz", ".alkannot.vcf.gz.tbi")


def write_sample_outputs(data: dict, out_dir: Path, *, input_vcf: str | None = None,
                         prefiltered=None) -> dict[str, Path]:
    """Write one sample's outputs all together or not at all (alkannot.io.atomic.output_set): into a private
    temporary folder under ``out_dir``, then renamed into place with the JSON last, holding a lock on
    ``out_dir`` so concurrent runs into the same folder take turns. A failure leaves none of the sample's
    outputs; a killed run's leftovers are finished or removed by the next run into the folder.
    ``data['variants']``: the variant records (annotate.record.AnnotatedVariant; rows of a written JSON are
    read back with from_dict). Each record's JSON row is validated and written to the JSON, variants.tsv and the
    MAF in chunks (`_write_variant_rows`); a 100,000-variant sample never holds all its rows.
    ``prefiltered``: the annotator's pass over a streamed ``input_vcf`` (io.vcf.Prefiltered), read again
    rather than re-read from the file."""
    import errno

    from alkannot.errors import InputError
    from alkannot.io.atomic import OutputBusy, output_set

    sid = data["sample"]["id"]
    out_dir = Path(out_dir)
    records = as_records(data["variants"])
    data = {**data, "variants": records}
    validate_sample_json({**data, "variants": []})  # the rows are checked as they are written
    names = {
        "json": f"{sid}.alkannot.json",
        "variants": f"{sid}.variants.tsv",
        "drugs": f"{sid}.drugs.tsv",
        "html": f"{sid}.report.html",
        "maf": f"{sid}.maf.tsv",
        "fusions": f"{sid}.fusions.tsv",
    }
    if "drugs" not in data:
        names.pop("drugs")
    if "fusion_assessment" not in data:
        names.pop("fusions")
    if input_vcf:
        names["vcf"] = f"{sid}.alkannot.vcf.gz"
        names["tbi"] = f"{sid}.alkannot.vcf.gz.tbi"
    everything = [f"{sid}{ext}" for ext in SAMPLE_OUTPUT_EXTS]
    try:
        with output_set(out_dir, sid, remove_on_failure=everything) as box:
            box.stale = everything
            tmp = {k: box.path(n) for k, n in names.items()}
            from alkannot.report.maf import write_maf

            maf_rows, listed = _write_variant_rows(data, tmp["json"], tmp["variants"])
            write_maf(data, tmp["maf"], rows=maf_rows)
            if "drugs" in tmp:
                atomic_write_text(tmp["drugs"], tsv_text(drug_rows(data), DRUG_COLUMNS))
            if "fusions" in tmp:
                atomic_write_text(tmp["fusions"], tsv_text(fusion_rows(data), FUSION_COLUMNS))
            from alkannot.report.html import render_sample_html

            not_listed = None
            if len(listed) < len(records):
                from alkannot.report.html import VARIANT_TABLE_MAX

                not_listed = {"listed": len(listed), "total": len(records), "not_listed": len(records) - len(listed),
                              "limit": VARIANT_TABLE_MAX, "files": f"{names['variants']} and {names['json']}"}
            atomic_write_text(tmp["html"], render_sample_html({**data, "variants": listed}, not_listed=not_listed))
            del listed
            if input_vcf:
                from alkannot.report.vcf_out import write_annotated_vcf

                write_annotated_vcf(input_vcf, data, str(tmp["vcf"]), build=data["sample"]["build"],
                                    prefiltered=prefiltered)
            # JSON last: its presence means the sample finished.
            box.order = [n for k, n in names.items() if k != "json"] + [names["json"]]
    except OutputBusy:
        raise InputError("another alkannot run is writing into this output folder", path=str(out_dir),
                         fix="wait for it to finish, or give another --out") from None
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InputError(f"{e.strerror or 'no space left on device'} while writing {sid}'s outputs; none "
                             "of them were written", path=str(out_dir),
                             fix="free disk space (or give another --out) and rerun") from None
        raise
    return {k: out_dir / n for k, n in names.items()}
