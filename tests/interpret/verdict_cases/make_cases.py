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
    return head + "\t".join(cols) + "\n" + "".join(r[2] + "\n" for r in sorted(rows))


def main() -> None:
    for case_file in sorted(HERE.glob("*/case.yaml")):
        case = yaml.safe_load(case_file.read_text())
        (case_file.parent / "input.vcf").write_text(vcf_text(case))
        if case.get("cnv"):
            (case_file.parent / "input.cns").write_text(case["cnv"])


if __name__ == "__main__":
    main()
