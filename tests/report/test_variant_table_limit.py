"""Above report.html.VARIANT_TABLE_MAX variants the sample page lists the rows a reader must see and says what
it leaves out; variants.tsv, the MAF and the JSON (written row by row) still hold every variant."""

from __future__ import annotations

import json
import random

import pytest

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import revcomp
from alkannot.pipeline import SampleSpec, run_sample
from alkannot.report import html

HEADER = ("##fileformat=VCFv4.2\n##contig=<ID=chr2,length=242193529>\n"
          '##FILTER=<ID=PASS,Description="All filters passed">\n##FILTER=<ID=LowQual,Description="low">\n'
          '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
          '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
          "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTUMOR\n")


def _vcf(tmp_path):
    """About 30 ALK records spread over the gene (REF from the bundled model), G1202R in the kinase domain, and one
    intronic call failing FILTER."""
    t = next(t for t in load_transcripts("GRCh38").transcripts if t.gene == "ALK")
    rng = random.Random(7)
    lines = {29220747: "C\tT\t.\tPASS"}
    for g in rng.sample(range(t.start, t.end + 1), 31):
        i = t.g_to_t(g)
        if g in lines:
            continue
        # the bundled base where the model has one (exons), else any base (introns: not checked)
        ref = (t.sequence[i] if t.strand == "+" else revcomp(t.sequence[i])) \
            if i is not None and t.sequence[i] in "ACGT" else "C"
        lines[g] = f"{ref}\t{'A' if ref != 'A' else 'G'}\t.\t{'LowQual' if not len(lines) % 10 else 'PASS'}"
    p = tmp_path / "many.vcf"
    p.write_text(HEADER + "".join(f"chr2\t{g}\t.\t{v}\t.\tGT:AD\t0/1:80,20\n" for g, v in sorted(lines.items())))
    return p


def _table(page: str) -> str:
    return page.split('<h2 id="h-var">', 1)[1].split("</section>", 1)[0]


@pytest.fixture(scope="module")
def vcf(tmp_path_factory):
    return _vcf(tmp_path_factory.mktemp("many"))


def test_below_the_limit_every_row_is_listed(tmp_path, vcf):
    paths = run_sample(SampleSpec(id="S", vcf=str(vcf), build="GRCh38"), tmp_path)
    data = json.loads(paths["json"].read_text())
    table = _table(paths["html"].read_text())
    assert "not listed here" not in table
    assert all(f'">{v["pos"]} ' in table for v in data["variants"])


def test_above_the_limit_the_relevant_rows_are_listed_and_the_rest_counted(tmp_path, vcf, monkeypatch):
    monkeypatch.setattr(html, "VARIANT_TABLE_MAX", 5)
    paths = run_sample(SampleSpec(id="S", vcf=str(vcf), build="GRCh38"), tmp_path)
    text = paths["json"].read_text()
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"  # the streamed JSON
    data = json.loads(text)
    variants = data["variants"]
    kept = [v for v in variants if html.always_listed(v)]
    left = [v for v in variants if not html.always_listed(v)]
    assert kept and left and len(variants) > 5
    assert any(v["alk_kinase_domain"] for v in kept) and any(v["filter_pass"] is False for v in kept)
    assert all(v["gene"] == "ALK" and not v["alk_kinase_domain"] and v["filter_pass"] for v in left)
    table = _table(paths["html"].read_text())
    assert f"{len(kept)} of {len(variants)} variants listed; {len(left)} not listed here" in table
    assert "S.variants.tsv and S.alkannot.json" in table
    assert all(f'">{v["pos"]} ' in table for v in kept)
    assert not any(f'">{v["pos"]} ' in table for v in left)
    assert len(paths["variants"].read_text().splitlines()) == len(variants) + 1  # the TSV lists every row
