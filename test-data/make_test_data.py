"""Regenerate the demo VCFs in test-data/ from the bundled transcript models.

    .venv/bin/python test-data/make_test_data.py

Genomic coordinates and REF/ALT are derived from the transcript (c. position -> genome, strand
handled), so the files are correct by construction for both builds; the expected protein changes
are the ones named in the comments.  BAMs for read-based phasing are made by
`alkannot.phase.simulate` (see test-data/README.md).
"""

from __future__ import annotations

from pathlib import Path

from alkannot.annotate.protein import CODON_TABLE
from alkannot.annotate.transcripts import load_transcripts, revcomp

HERE = Path(__file__).resolve().parent
ONE = {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
       "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
       "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V"}


def snv_for(build: str, gene: str, change: str) -> tuple[str, int, str, str]:
    """'G1202R' -> (chrom, pos, ref, alt) of the first single-base change giving it (VCF, + strand)."""
    tx = load_transcripts(build).by_gene(gene)
    ref_aa, pos, alt_aa = change[0], int(change[1:-1]), change[-1]
    cds = tx.cds_seq()
    codon = cds[(pos - 1) * 3 : pos * 3]
    assert CODON_TABLE[codon] == ref_aa, (gene, change, codon)
    for i in range(3):
        for b in "ACGT":
            if b == codon[i]:
                continue
            new = codon[:i] + b + codon[i + 1 :]
            if CODON_TABLE[new] == alt_aa:
                g = tx.t_to_g(tx.cds_start + (pos - 1) * 3 + i)
                r, a = (codon[i], b) if tx.strand == "+" else (revcomp(codon[i]), revcomp(b))
                return "chr" + tx.chrom, g, r, a
    raise ValueError(change)


def alk_dup_1151(build: str) -> tuple[str, int, str, str]:
    """c.3451_3453dup (p.Thr1151dup, the literature's 'I1151Tins'), left-aligned VCF form."""
    tx = load_transcripts(build).by_gene("ALK")
    # On the minus strand the duplicated ACG (c.3451-3453) is CGT on the genome; VCF anchors it on
    # the base 5' (genomic) of the left-most equivalent position.
    g_hi = tx.t_to_g(tx.cds_start + 3450)  # c.3451, highest genomic coordinate of the codon
    g_lo = g_hi - 2
    anchor = g_lo - 1
    base = revcomp(tx.sequence[tx.g_to_t(anchor)])
    dup = revcomp(tx.sequence[tx.g_to_t(g_hi)] + tx.sequence[tx.g_to_t(g_hi - 1)] + tx.sequence[tx.g_to_t(g_lo)])
    return "chr" + tx.chrom, anchor, base, base + dup


CONTIG = {"GRCh37": 243199373, "GRCh38": 242193529}
HEAD = """##fileformat=VCFv4.2
##contig=<ID=chr1,length={chr1}>
##contig=<ID=chr2,length={chr2}>
##contig=<ID=chr7,length={chr7}>
##contig=<ID=chr12,length={chr12}>
##contig=<ID=chr17,length={chr17}>
"""
LENGTHS = {"GRCh37": dict(chr1=249250621, chr2=243199373, chr7=159138663, chr12=133851895, chr17=81195210),
           "GRCh38": dict(chr1=248956422, chr2=242193529, chr7=159345973, chr12=133275309, chr17=83257441)}


def mutect2_vcf(build, sample, rows, normal=None):
    h = HEAD.format(**LENGTHS[build])
    h += ('##FILTER=<ID=PASS,Description="All filters passed">\n'
          '##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">\n'
          '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
          '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">\n'
          '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions">\n'
          '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
          '##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype">\n'
          '##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID">\n'
          '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n'
          f'##source=Mutect2\n##tumor_sample={sample}\n')
    if normal:
        h += f"##normal_sample={normal}\n"
    cols = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample] + ([normal] if normal else [])
    lines = [h + "\t".join(cols)]
    for r in sorted(rows, key=lambda r: (int(r["chrom"].removeprefix("chr")), r["pos"])):
        dp = r["dp"]
        alt_n = round(dp * r["vaf"])
        fmt = "GT:AD:AF:DP"
        t = f"0/1:{dp - alt_n},{alt_n}:{r['vaf']}:{dp}"
        if r.get("pid"):
            fmt += ":PGT:PID:PS"
            t = f"0|1:{dp - alt_n},{alt_n}:{r['vaf']}:{dp}:{r['pgt']}:{r['pid']}:{r['pos_ps']}"
            t = t  # phased GT as Mutect2 writes it with PGT/PID
        cells = [r["chrom"], str(r["pos"]), ".", r["ref"], r["alt"], ".", r.get("filter", "PASS"), ".", fmt, t]
        if normal:
            n_alt = r.get("normal_alt", 0)
            n_dp = r.get("normal_dp", 800)
            n = f"0/0:{n_dp - n_alt},{n_alt}:{round(n_alt / n_dp, 4)}:{n_dp}"
            if r.get("pid"):
                n += ":.:.:."
            cells.append(n)
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def row(build, gene, change, vaf, dp, **kw):
    c, p, r, a = snv_for(build, gene, change)
    return {"chrom": c, "pos": p, "ref": r, "alt": a, "vaf": vaf, "dp": dp, **kw}


def main() -> None:
    b = "GRCh38"
    # P001: progression on crizotinib (L1196M), then on alectinib (G1202R + L1196M in cis, with reads)
    t1 = [row(b, "ALK", "L1196M", 0.21, 620), row(b, "TP53", "R273H", 0.35, 540)]
    (HERE / "P001_T1.vcf").write_text(mutect2_vcf(b, "P001_T1_tumor", t1))
    g, l = row(b, "ALK", "G1202R", 0.18, 900), row(b, "ALK", "L1196M", 0.19, 880)
    # Mutect2 phases nearby variants with PGT/PID: both on one haplotype ("0|1", same PID)
    first = min((g, l), key=lambda x: x["pos"])
    for x in (g, l):
        x.update(pgt="0|1", pid=f"{first['pos']}_{first['ref']}_{first['alt']}", pos_ps=first["pos"])
    t2 = [g, l, row(b, "TP53", "R273H", 0.33, 700), row(b, "KRAS", "G12D", 0.04, 650, filter="weak_evidence")]
    (HERE / "P001_T2.vcf").write_text(mutect2_vcf(b, "P001_T2_tumor", t2))
    # P002: plasma after lorlatinib; low VAFs; TP53 variant also in the white-blood-cell sample (CH)
    pl = [row(b, "ALK", "I1171N", 0.008, 2400, normal_alt=0, normal_dp=900),
          row(b, "TP53", "R248Q", 0.011, 2600, normal_alt=14, normal_dp=1100),
          row(b, "NRAS", "Q61K", 0.006, 2300, normal_alt=0, normal_dp=950)]
    (HERE / "P002_plasma.vcf").write_text(mutect2_vcf(b, "P002_cfDNA", pl, normal="P002_WBC"))


if __name__ == "__main__":
    main()
