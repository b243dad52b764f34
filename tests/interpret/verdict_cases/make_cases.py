"""Write each case's input files (input.vcf, input.cns) from the `variants` / `cnv` blocks of its case.yaml.

    .venv/bin/python tests/interpret/verdict_cases/make_cases.py

Genomic positions, REF and ALT come from the bundled transcript models (test-data/make_test_data.py
`snv_for`), so every VCF is correct by construction. BAMs are not stored: the test builds them from the
`bam` block (tests/helpers/simulate.py for read-backed phase, or uniform tiles for hotspot depth).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def _maker():
    spec = importlib.util.spec_from_file_location("make_test_data", REPO / "test-data" / "make_test_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def vcf_text(case: dict, build: str = "GRCh38") -> str:
    mk = _maker()
    normal = case["sample"].get("normal_sample")
    tumour = case["sample"]["tumor_sample"]
    head = mk.HEAD.format(**mk.LENGTHS[build])
    head += ('##FILTER=<ID=PASS,Description="All filters passed">\n'
             '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">\n'
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
             '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">\n'
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
             '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
             f"##tumor_sample={tumour}\n" + (f"##normal_sample={normal}\n" if normal else ""))
    cols = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", tumour] + ([normal] if normal else [])
    rows = []
    for v in case.get("variants", []):
        chrom, pos, ref, alt = mk.snv_for(build, v["gene"], v["change"])
        dp = v["dp"]
        n_alt = round(dp * v["vaf"])
        fmt, t = "GT:AD:AF:DP", f"{v.get('gt', '0/1')}:{dp - n_alt},{n_alt}:{v['vaf']}:{dp}"
        if "ps" in v:
            fmt, t = fmt + ":PS", t + f":{v['ps']}"
        cells = [chrom, str(pos), ".", ref, alt, ".", v.get("filter", "PASS"), ".", fmt, t]
        if normal:
            na, nd = v.get("normal_alt", 0), v.get("normal_dp", 800)
            cells.append(f"0/0:{nd - na},{na}:{round(na / nd, 4)}:{nd}" + (":." if "ps" in v else ""))
        rows.append((int(chrom.removeprefix("chr")), pos, "\t".join(cells)))
    rows += reference_call_rows(case, build, {(r[0], r[1]) for r in rows}, bool(normal))
    return head + "\t".join(cols) + "\n" + "".join(r[2] + "\n" for r in sorted(rows))


def reference_call_rows(case: dict, build: str, taken: set, normal: bool) -> list[tuple[int, int, str]]:
    """All-sites VCF records (GT 0/0, ALT '.') at every base of the listed ALK hotspot codons
    (`reference_calls: {dp, hotspots: all | [mutation, ...], bases: 3}`; bases < 3 leaves codons partly listed)."""
    ref_calls = case.get("reference_calls")
    if not ref_calls:
        return []
    from alkannot.annotate.transcripts import load_transcripts, revcomp
    from alkannot.interpret.ctdna import codon_positions, load_hotspots

    tx = load_transcripts(build).by_gene("ALK")
    want = ref_calls.get("hotspots", "all")
    dp = ref_calls["dp"]
    out = []
    for h in load_hotspots():
        if h["gene"] != "ALK" or (want != "all" and h["mutation"] not in want):
            continue
        chrom, gpos = codon_positions(build, "ALK", h["codon"], h["ref_aa"])
        for g in sorted(gpos)[: ref_calls.get("bases", 3)]:
            if (int(chrom.removeprefix("chr")), g) in taken:
                continue
            taken.add((int(chrom.removeprefix("chr")), g))
            base = revcomp(tx.sequence[tx.g_to_t(g)]) if tx.strand == "-" else tx.sequence[tx.g_to_t(g)]
            cells = ["chr" + chrom.removeprefix("chr"), str(g), ".", base, ".", ".", "PASS", ".", "GT:AD:DP",
                     f"0/0:{dp}:{dp}"] + ([f"0/0:{dp}:{dp}"] if normal else [])
            out.append((int(chrom.removeprefix("chr")), g, "\t".join(cells)))
    return out


def main() -> None:
    for case_file in sorted(HERE.glob("*/case.yaml")):
        case = yaml.safe_load(case_file.read_text())
        (case_file.parent / "input.vcf").write_text(vcf_text(case))
        if case.get("cnv"):
            (case_file.parent / "input.cns").write_text(case["cnv"])


if __name__ == "__main__":
    main()
