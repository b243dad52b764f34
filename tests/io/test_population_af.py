"""Population allele frequencies (io.vcf.population) read with cyvcf2: by region when indexed (contig names
as the file spells them: chr2, 2, RefSeq accessions), streamed otherwise, with the same answers; 32-bit
INFO floats shown as written; a value that is no frequency and a large unindexed file refused."""

from __future__ import annotations

import pysam
import pytest

from alkannot.errors import InputError
from alkannot.io.vcf.population import read_population_afs

ROWS = ["{c}\t100\t.\tA\tC,G\t.\t.\tAF=0.1,.", "{c}\t100\t.\tA\tC\t.\t.\tAF=0.3",
        "{c}\t101\t.\tAT\tA\t.\t.\tAF=0.08", "{c}\t150\t.\ta\tt,c\t.\t.\tAF=0.5,0.00012"]
WANT = [("2", 100, "A", "C"), ("2", 100, "A", "G"), ("2", 101, "AT", "A"), ("2", 150, "A", "C"),
        ("2", 150, "A", "T"), ("17", 5, "A", "C")]
EXPECTED = {("2", 100, "A", "C"): 0.3, ("2", 101, "AT", "A"): 0.08, ("2", 150, "A", "T"): 0.5,
            ("2", 150, "A", "C"): 0.00012}


def _write(tmp_path, contig: str, contig_lines: bool, rows=ROWS, name="pop.vcf"):
    head = "##fileformat=VCFv4.2\n" + (f"##contig=<ID={contig}>\n##contig=<ID=17>\n" if contig_lines else "") + \
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">\n' \
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    p = tmp_path / name
    p.write_text(head + "\n".join(r.format(c=contig) for r in rows) + "\n")
    return p


@pytest.mark.parametrize("contig", ["2", "chr2", "NC_000002.12"])
@pytest.mark.parametrize("contig_lines", [True, False])
def test_indexed_and_streamed_give_the_same_frequencies(tmp_path, contig, contig_lines):
    plain = _write(tmp_path, contig, contig_lines)
    indexed = pysam.tabix_index(str(_write(tmp_path, contig, contig_lines, name="ix.vcf")), preset="vcf", force=True)
    assert read_population_afs(str(plain), WANT) == EXPECTED
    assert read_population_afs(indexed, WANT) == EXPECTED


def test_a_value_that_is_no_frequency_is_refused(tmp_path):
    p = _write(tmp_path, "2", True, rows=["{c}\t100\t.\tA\tC\t.\t.\tAF=1.2"])
    with pytest.raises(InputError, match=r"INFO/AF=1\.2000000476837158 at 2:100 is not a frequency"):
        read_population_afs(str(p), WANT)


def test_large_unindexed_file_and_missing_file_are_refused(tmp_path):
    p = _write(tmp_path, "2", True)
    with pytest.raises(InputError, match="population AF file is large and has no index"):
        read_population_afs(str(p), WANT, max_stream_bytes=10)
    with pytest.raises(InputError, match="population AF file not found"):
        read_population_afs(str(tmp_path / "absent.vcf.gz"), WANT)


@pytest.mark.parametrize(("declared", "build", "refused"), [
    ("GRCh37", "GRCh38", True), ("GRCh38", "GRCh38", False), ("GRCh37", "GRCh37", False), ("GRCh37", None, False)])
def test_a_file_of_the_other_build_is_refused(tmp_path, declared, build, refused):
    """gnomAD's ##contig lines name its build: GRCh37 frequencies looked up at GRCh38 positions would label
    unrelated alleles germline (or none)."""
    length = {"GRCh37": 243199373, "GRCh38": 242193529}[declared]
    p = tmp_path / "gnomad.vcf"
    p.write_text(f"##fileformat=VCFv4.2\n##contig=<ID=chr2,length={length}>\n"
                 '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">\n'
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr2\t100\t.\tA\tC\t.\tPASS\tAF=0.3\n")
    if refused:
        with pytest.raises(InputError, match=r"population AF file is GRCh37 \(its header gives chr2 length "
                                             r"243,199,373\) but the sample is GRCh38"):
            read_population_afs(str(p), WANT, build=build)
    else:
        assert read_population_afs(str(p), WANT, build=build) == {("2", 100, "A", "C"): 0.3}
