"""Every real caller VCF in shared/truth/vcf_shapes parses, and nothing is silently lost: the
accounting adds up and the record counts equal an independent count (pysam/htslib)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from alkannot.annotate.transcripts import load_transcripts
from alkannot.annotate.variants import annotate_vcf
from alkannot.core.contigs import canonical_chrom
from alkannot.core.resources import settings

SHAPES = Path(__file__).resolve().parents[2].parent / "shared" / "truth" / "vcf_shapes"
# build and tumour sample per file, from the files' own headers/provenance (vcf2maf tests are GRCh37
# except test_b38; PCGR examples say their build in the name; Hartwig COLO829 is GRCh37).
CASES = {
    "bcftools_tests/split-vep.2.vcf": ("GRCh37", None),
    "bcftools_tests/split-vep.4.vcf": ("GRCh37", None),
    "bcftools_tests/split-vep.8.vcf": ("GRCh37", None),
    "mutect2_gatk4_mt/16223_3.MT.mutect2.vcf": ("GRCh37", None),
    "vcf2maf/test.vcf": ("GRCh37", "TUMOR"),
    "vcf2maf/test_b37.vcf": ("GRCh37", "TUMOR"),
    "vcf2maf/test_b38.vcf": ("GRCh38", "TUMOR"),
    "vcf2maf/test_delly.vcf": ("GRCh37", None),
    "vcf2maf/test_merged.vcf": ("GRCh37", None),
    "vcf2maf/test_muse.vcf": ("GRCh37", "TUMOR"),
    "vcf2maf/test_mutect.vcf": ("GRCh37", None),
    "vcf2maf/test_pindel.vcf": ("GRCh37", None),
    "vcf2maf/test_radia.vcf": ("GRCh37", "DNA_TUMOR"),
    "vcf2maf/test_sniper.vcf": ("GRCh37", None),
    "vcf2maf/test_strelka.vcf": ("GRCh37", "TUMOR"),
    "vcf2maf/test_varscan.vcf": ("GRCh37", None),
    "hmf_colo829/COLO829.purple.somatic.vcf.gz": ("GRCh37", "COLO829v003T"),
    "pcgr_examples/T001-BRCA.grch37.vcf.gz": ("GRCh37", None),
    "pcgr_examples/T001-BRCA.grch38.vcf.gz": ("GRCh38", None),
    "pcgr_examples/T001-COAD.grch37.vcf.gz": ("GRCh37", None),
    "pcgr_examples/T001-COAD.grch38.vcf.gz": ("GRCh38", None),
}


def _independent_counts(path: Path, build: str) -> tuple[int, int, int]:
    """(records a streaming reader sees, records overlapping target transcripts, ALT alleles there)."""
    txs = [t for t in load_transcripts(build).transcripts if t.gene in settings()["target_genes"]]
    n = n_t = n_alleles = 0
    # plain text parsing (gzip module), independent of htslib
    with (gzip.open(path, "rt") if path.suffix == ".gz" else open(path)) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            f = line.split("\t", 5)
            n += 1
            c, pos, ref, alts = canonical_chrom(f[0]), int(f[1]), f[3], f[4]
            end = pos + max(len(ref), 1) - 1
            if any(t.chrom == c and t.start <= end and pos <= t.end for t in txs):
                n_t += 1
                n_alleles += len(alts.split(","))
    return n, n_t, n_alleles


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_vcf_parses_without_loss(name, tmp_path):
    path = SHAPES / name
    if not path.exists():
        pytest.skip(f"shared truth data not available ({path})")
    build, tumor = CASES[name]
    try:
        res = annotate_vcf(str(path), build, tumor_sample=tumor)
    except Exception as e:  # a multi-sample file without a tumour name must say so clearly
        pytest.fail(f"{name}: {e}")
    acc = res.accounting
    assert acc["annotated"] + sum(acc["not_annotated"].values()) == acc["alleles_in_targets"] == len(res.variants)
    n, n_t, n_alleles = _independent_counts(path, build)
    if acc["read_mode"] == "streamed":
        assert acc["records_read"] == n
    assert acc["records_in_targets"] == n_t
    assert acc["alleles_in_targets"] == n_alleles
    for v in res.variants:
        assert v.status in ("annotated", "not_annotated")
        assert (v.reason is None) == (v.status == "annotated")
