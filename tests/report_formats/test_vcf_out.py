"""The annotated VCF as other tools read it: bcftools view/query, Number=A order, escaping, index."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from report_formats_helpers import DATA, SAMPLES, need_bcftools, run

from alkannot.annotate.record import AnnotatedVariant
from alkannot.errors import InputError
from alkannot.report.vcf_out import INFO_FIELDS, vcf_escape, write_annotated_vcf

INFO_IDS = [k for k, _d, _f in INFO_FIELDS]


def bcftools(*args: str) -> str:
    exe = need_bcftools()
    return subprocess.run([exe, *args], check=True, capture_output=True, text=True).stdout


def write(tmp_path: Path, sid: str, data: dict, vcf: Path | None = None) -> Path:
    out = tmp_path / sid / f"{sid}.alkannot.vcf.gz"
    write_annotated_vcf(str(vcf or SAMPLES[sid]["vcf"]), data, str(out), build="GRCh38")
    return out


def query(path: Path, fields: list[str]) -> list[list[str]]:
    fmt = "\t".join(["%CHROM", "%POS", "%REF", "%ALT"] + [f"%INFO/{f}" for f in fields]) + "\n"
    return [ln.split("\t") for ln in bcftools("query", "-f", fmt, str(path)).splitlines()]


def expected_per_record(data: dict, field: str) -> dict[tuple, str]:
    """(chrom, vcf_pos, vcf_ref) -> the comma-joined Number=A value bcftools should print."""
    get = next(f for k, _d, f in INFO_FIELDS if k == field)
    recs: dict[tuple, list[str]] = {}
    for v in data["variants"]:
        recs.setdefault((v["chrom"], v["vcf_pos"], v["vcf_ref"]), []).append(vcf_escape(get(AnnotatedVariant.from_dict(v))))
    return {k: ",".join(vals) if any(x != "." for x in vals) else "." for k, vals in recs.items()}


@pytest.mark.parametrize("sid", list(SAMPLES))
def test_bcftools_reads_every_field_in_alt_order(tmp_path, results, sid):
    data = results[sid]
    out = write(tmp_path, sid, data)
    assert Path(str(out) + ".tbi").exists()
    header = bcftools("view", "-h", str(out))
    for key in INFO_IDS:
        assert f"##INFO=<ID={key},Number=A,Type=String," in header
    assert "##alkannot_build=GRCh38" in header and "##alkannot_version=" in header
    rows = query(out, INFO_IDS)
    assert len(rows) == data["accounting"]["records_in_targets"]
    for i, key in enumerate(INFO_IDS):
        want = expected_per_record(data, key)
        got = {(r[0], int(r[1]), r[2]): r[4 + i] for r in rows}
        assert got == want, key
    # nothing but alkannot's own files in the output folder (temp files renamed away)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name, out.name + ".tbi"]


def test_multiallelic_keeps_alt_order(tmp_path, results):
    out = write(tmp_path, "SHAPES", results["SHAPES"])
    rows = {(r[1], r[3]): r[4:] for r in query(out, ["ALKANNOT_HGVSP", "ALKANNOT_CSQ", "ALKANNOT_HGVSC"])}
    assert rows[("29220747", "T,A")] == ["p.(Gly1202Arg),p.(Gly1202Ter)", "missense_variant,stop_gained",
                                         "c.3604G>A,c.3604G>T"]


def test_sorted_indexed_and_only_target_records(tmp_path, results):
    out = write(tmp_path, "SHAPES", results["SHAPES"])
    rows = query(out, ["ALKANNOT_STATUS"])
    # input order is chr12, chr2 (unsorted), chr1 (outside the targets); header order is chr1, chr2, chr12
    assert [(r[0], int(r[1])) for r in rows] == [("chr2", 29220745), ("chr2", 29220747), ("chr2", 29220900),
                                                 ("chr2", 29222405), ("chr12", 25245350)]
    assert bcftools("view", "-H", "-r", "chr12:25245350", str(out)).startswith("chr12\t25245350\t")
    assert bcftools("view", "-H", "-r", "chr1", str(out)) == ""
    status = {(r[0], int(r[1])): r[4] for r in rows}
    assert status[("chr2", 29220900)] == "symbolic_or_breakend_allele"


def test_input_columns_and_sample_name_pass_through(tmp_path, results):
    out = write(tmp_path, "SHAPES", results["SHAPES"])
    assert bcftools("query", "-l", str(out)).splitlines() == ["TUMOR 1;x=y"]
    line = bcftools("query", "-f", "%ID\t%FILTER\t%INFO/NOTE\t[%AD]\n", "-r", "chr12", str(out)).strip()
    assert line == "rs121913529\tweak_evidence\ta%3Bb%3Dc\t600,50"


def _escape_cases():
    rows = [ln.rstrip("\n").split("\t") for ln in (DATA / "vcf_escape_cases.tsv").read_text().splitlines()
            if not ln.startswith("#")]
    return [(g.replace("<TAB>", "\t"), w) for g, w in rows[1:]]


@pytest.mark.parametrize("given,written", _escape_cases())
def test_vcf_escape(given, written):
    assert vcf_escape(given) == written
    assert written == "." or unquote(written) == given


def test_odd_values_round_trip_through_bcftools(tmp_path, results):
    data = {**results["SHAPES"], "variants": [dict(v) for v in results["SHAPES"]["variants"]]}
    odd = ["G1202R+L1196M (cis)", "x;y=z,w%"]
    kras = next(v for v in data["variants"] if v["gene"] == "KRAS")
    kras["compound"] = odd
    out = write(tmp_path, "SHAPES", data)
    row = next(r for r in query(out, ["ALKANNOT_COMPOUND"]) if r[0] == "chr12")
    assert row[4] == "G1202R+L1196M%20(cis)|x%3By%3Dz%2Cw%25"
    assert [unquote(x) for x in row[4].split("|")] == odd


def test_indexed_input_and_reannotating_our_own_output(tmp_path, results):
    first = write(tmp_path, "SHAPES", results["SHAPES"])
    again = run("SHAPES", vcf=first)  # indexed: no line numbers, matched by record key
    assert all(v["line"] is None for v in again["variants"])
    second = tmp_path / "again.vcf.gz"
    write_annotated_vcf(str(first), again, str(second), build="GRCh38")
    header = bcftools("view", "-h", str(second))
    assert all(header.count(f"##INFO=<ID={k},") == 1 for k in INFO_IDS)
    assert query(second, INFO_IDS) == query(first, INFO_IDS)


def test_result_from_another_vcf_is_refused_and_writes_nothing(tmp_path, results):
    out = tmp_path / "x.alkannot.vcf.gz"
    with pytest.raises(InputError, match="not records of this VCF"):
        write_annotated_vcf(str(SAMPLES["SHAPES"]["vcf"]), results["P002_plasma"], str(out), build="GRCh38")
    assert list(tmp_path.iterdir()) == []


def test_build_mismatch_is_refused(tmp_path, results):
    with pytest.raises(InputError, match="GRCh38 but --build is GRCh37"):
        write_annotated_vcf(str(SAMPLES["SHAPES"]["vcf"]), results["SHAPES"], str(tmp_path / "x.vcf.gz"),
                            build="GRCh37")


@pytest.mark.parametrize("name", ["shapes.vcf.bgzf", "shapes.vcf.bgz", "shapes.vcf.gz"])
def test_indexed_file_whatever_its_name(tmp_path, results, name):
    """A bgzipped, tabix-indexed VCF is read by region however it is named, and the VCF writer asks the
    same question (issue 16: x.vcf.bgzf was annotated as streamed, then refused by the writer)."""
    src = tmp_path / name
    bcftools("sort", "-Oz", "-o", str(src), str(SAMPLES["SHAPES"]["vcf"]))
    bcftools("index", "-t", str(src))
    data = run("SHAPES", vcf=src)
    assert data["accounting"]["read_mode"] == "indexed_regions"
    out = write(tmp_path, "SHAPES", data, vcf=src)
    assert sorted(query(out, INFO_IDS)) == sorted(query(write(tmp_path / "plain", "SHAPES", results["SHAPES"]),
                                                        INFO_IDS))


def test_bcf_input(tmp_path, results):
    bcf = tmp_path / "shapes.bcf"
    bcftools("view", "-Ob", "-o", str(bcf), str(SAMPLES["SHAPES"]["vcf"]))
    data = run("SHAPES", vcf=bcf)
    out = write(tmp_path, "SHAPES", data, vcf=bcf)
    assert query(out, INFO_IDS) == query(write(tmp_path / "vcf", "SHAPES", results["SHAPES"]), INFO_IDS)


def test_streamed_text_vcf_is_read_once_for_annotation_and_vcf(tmp_path, monkeypatch):
    """The annotator's pass over a streamed VCF travels in its result (AnnotationResult.prefiltered) to the
    VCF writer: one pass per sample, no module-level cache."""
    import alkannot.io.vcf.reader as reader
    import alkannot.report.vcf_out as vcf_out
    from alkannot.pipeline import SampleSpec, run_sample

    passes = []
    real = reader.prefilter_lines

    def counted(*a, **k):
        passes.append(a[0])
        return real(*a, **k)

    monkeypatch.setattr(reader, "prefilter_lines", counted)
    monkeypatch.setattr(vcf_out, "prefilter_lines", counted)
    paths = run_sample(SampleSpec(id="SHAPES", vcf=str(SAMPLES["SHAPES"]["vcf"]), build="GRCh38"), tmp_path)
    assert len(passes) == 1
    assert query(paths["vcf"], INFO_IDS)  # the VCF was written from that pass
    # without the annotator's pass (a result written earlier) the writer makes its own
    out = tmp_path / "again.vcf.gz"
    write_annotated_vcf(str(SAMPLES["SHAPES"]["vcf"]), run("SHAPES"), str(out), build="GRCh38")
    assert len(passes) == 3 and query(out, INFO_IDS) == query(paths["vcf"], INFO_IDS)


def test_unsorted_input_is_written_sorted_like_a_sorted_one(tmp_path):
    """A sorted input is written record by record; an unsorted one is collected and sorted: same bytes."""
    from alkannot.pipeline import SampleSpec, run_sample

    src = Path(__file__).resolve().parents[2] / "test-data" / "P001_T2.vcf"
    lines = src.read_text().splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    assert len(body) > 1
    shuffled = tmp_path / "unsorted.vcf"
    shuffled.write_text("".join(head + body[::-1]))
    a = run_sample(SampleSpec(id="S", vcf=str(src), build="GRCh38"), tmp_path / "sorted")
    b = run_sample(SampleSpec(id="S", vcf=str(shuffled), build="GRCh38"), tmp_path / "unsorted")
    assert a["vcf"].read_bytes() == b["vcf"].read_bytes()


def test_indexed_input_over_several_contigs_is_read_once(tmp_path, monkeypatch):
    """Target regions are fetched in the header's contig order, so the records of an indexed input come sorted
    and are written as they are read: the input is opened once (not read again to be sorted)."""
    import pysam

    from alkannot.pipeline import SampleSpec, run_sample
    from alkannot.report import vcf_out

    src = Path(__file__).resolve().parents[2] / "test-data" / "P001_T2.vcf"
    body = [ln for ln in src.read_text().splitlines() if not ln.startswith("#")]
    assert len({ln.split("\t")[0] for ln in body}) >= 3  # chr2, chr12, chr17: not in name order
    plain = tmp_path / "in.vcf"
    plain.write_text(src.read_text())
    indexed = pysam.tabix_index(str(plain), preset="vcf", force=True)
    opened = []
    real_open = vcf_out._open_input
    monkeypatch.setattr(vcf_out, "_open_input", lambda p: opened.append(p) or real_open(p))
    a = run_sample(SampleSpec(id="S", vcf=indexed, build="GRCh38"), tmp_path / "indexed")
    assert len(opened) == 1
    monkeypatch.setattr(vcf_out, "_open_input", real_open)
    b = run_sample(SampleSpec(id="S", vcf=str(src), build="GRCh38"), tmp_path / "plain")
    rows = [ln for ln in pysam.VariantFile(str(a["vcf"])).fetch()]
    assert [(r.chrom, r.pos) for r in rows] == sorted(((r.chrom, r.pos) for r in rows),
                                                      key=lambda k: (["chr2", "chr12", "chr17"].index(k[0]), k[1]))
    assert len(rows) == len(list(pysam.VariantFile(str(b["vcf"])).fetch()))


def test_htslib_verbosity_is_put_back(tmp_path):
    """Writing the annotated VCF silences htslib for its own re-read only: a batch process's next sample (and
    its BAM) is heard again."""
    import pysam

    from alkannot.pipeline import SampleSpec, run_sample

    src = Path(__file__).resolve().parents[2] / "test-data" / "P001_T1.vcf"
    before = pysam.set_verbosity(3)
    try:
        run_sample(SampleSpec(id="S", vcf=str(src), build="GRCh38"), tmp_path)
        assert pysam.set_verbosity(3) == 3
    finally:
        pysam.set_verbosity(before)
