"""Regenerate the demo VCFs in test-data/ from the bundled transcript models.

    .venv/bin/python test-data/make_test_data.py

Genomic coordinates and REF/ALT are derived from the transcript (c. position -> genome, strand
handled), so the files are correct by construction for both builds; the expected protein changes
are the ones named in the comments.  BAMs for read-based phasing are made by
`tests/helpers/simulate.py` (see test-data/README.md).
"""

from __future__ import annotations

from pathlib import Path

from alkannot.annotate.transcripts import load_transcripts
from alkannot.core.sequence import CODON_TABLE, revcomp

HERE = Path(__file__).resolve().parent


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
    # depths match the simulated BAM (tests/helpers/simulate.py "cis": 20 of 40 read pairs carry both;
    # both mates cover both sites, so 80 reads, 40 with the ALT)
    g, lm = row(b, "ALK", "G1202R", 0.5, 80), row(b, "ALK", "L1196M", 0.5, 80)
    # Mutect2 phases nearby variants with PGT/PID: both on one haplotype ("0|1", same PID)
    first = min((g, lm), key=lambda x: x["pos"])
    for x in (g, lm):
        x.update(pgt="0|1", pid=f"{first['pos']}_{first['ref']}_{first['alt']}", pos_ps=first["pos"])
    t2 = [g, lm, row(b, "TP53", "R273H", 0.33, 700), row(b, "KRAS", "G12D", 0.04, 650, filter="weak_evidence")]
    (HERE / "P001_T2.vcf").write_text(mutect2_vcf(b, "P001_T2_tumor", t2))
    # P002: plasma after lorlatinib; low VAFs; TP53 variant also in the white-blood-cell sample (CH)
    pl = [row(b, "ALK", "I1171N", 0.008, 2400, normal_alt=0, normal_dp=900),
          row(b, "TP53", "R248Q", 0.011, 2600, normal_alt=14, normal_dp=1100),
          row(b, "NRAS", "Q61K", 0.006, 2300, normal_alt=0, normal_dp=950)]
    (HERE / "P002_plasma.vcf").write_text(mutect2_vcf(b, "P002_cfDNA", pl, normal="P002_WBC"))
    # P003: progression on alectinib without an ALK mutation: MET amplification (CNVkit segments),
    # EML4-ALK variant 3 (Manta-style BND pair, EML4 intron 6 -> ALK intron 19) and a TP53 mutation
    (HERE / "P003_T1.vcf").write_text(mutect2_vcf(b, "P003_T1_tumor", [row(b, "TP53", "R175H", 0.41, 510)]))
    (HERE / "P003_T1.cns").write_text(
        "chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight\n"
        "chr2\t29190000\t29925000\tALK\t0.02\t410\t60\t58.1\n"
        "chr7\t55010000\t55215000\tEGFR\t-0.05\t398\t40\t38.9\n"
        "chr7\t116660000\t116800000\tMET\t2.41\t2210\t36\t35.2\n"
        "chr17\t7660000\t7690000\tTP53\t-0.61\t260\t20\t19.4\n")
    (HERE / "P003_T1.sv.vcf").write_text(
        "##fileformat=VCFv4.2\n##source=Manta\n##contig=<ID=chr2,length=242193529>\n"
        '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
        '##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">\n'
        '##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support">\n'
        '##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP003_T1_tumor\n"
        "chr2\t29224000\tMantaBND:1:0:1:0:0:0:0\tA\tA]chr2:42270000]\t.\tPASS\t"
        "SVTYPE=BND;MATEID=MantaBND:1:0:1:0:0:0:1\tPR:SR\t30,12:18,9\n"
        "chr2\t42270000\tMantaBND:1:0:1:0:0:0:1\tG\tG]chr2:29224000]\t.\tPASS\t"
        "SVTYPE=BND;MATEID=MantaBND:1:0:1:0:0:0:0\tPR:SR\t30,12:18,9\n")
    # BAMs: read-backed phase for P001_T2; deep plasma coverage of ALK exons 20-24 for P002
    import sys

    sys.path.insert(0, str(HERE.parent / "tests"))  # the BAM simulator is test code, not shipped
    from helpers.simulate import simulate_case

    sim = simulate_case("cis", HERE / "tmp_sim")
    for key, name in (("bam", "P001_T2.bam"), ("bai", "P001_T2.bam.bai")):
        Path(sim[key]).replace(HERE / name)
    for f in (HERE / "tmp_sim").iterdir():
        f.unlink()
    (HERE / "tmp_sim").rmdir()
    plasma_bam(b, HERE / "P002_plasma.bam", exons=range(20, 25), depth=2400, alt={"I1171N": 0.008})
    # the same plasma panel also captures ALK intron 19, where the reads show EML4-ALK variant 3
    add_plasma_fusion(b, HERE / "P002_plasma.bam")


def add_plasma_fusion(build: str, path: Path) -> None:
    """Merge into the plasma BAM: ~500x cfDNA fragments over ALK intron 19 (synthetic intron sequence, see
    tests/fusion_reads/simulate.py) and 10 fragments of an EML4-ALK variant 3 junction (EML4 intron 6 ->
    ALK intron 19), about 2% of the molecules across the break."""
    import random
    import sys

    import pysam

    sys.path.insert(0, str(HERE.parent / "tests"))
    from fusion_reads import simulate as sim

    cfg = sim.SimConfig(insert=(140, 200))  # cfDNA fragment lengths
    alk_bp, eml4_bp = sim.intron_mid(build, "ALK", 19, 37), sim.intron_mid(build, "EML4", 6, -53)
    tx = load_transcripts(build).by_gene("ALK")
    lo, hi = tx.exons[19][1] + 300, tx.exons[18][0] - 300  # intron 19 without its last 300 bases each side
    sample = sim.Sample()
    rng = random.Random("P002_plasma:intron19")
    sim.add_fragments(sample, [sim.Segment("2", lo, "+", hi - lo + 1)], 4000, "cf", rng, cfg,
                  around=(hi - lo) // 2, window=hi - lo)
    mol = sim.fusion_molecule("2", alk_bp, "left", "2", eml4_bp, "left")
    sim.add_fragments(sample, mol, 10, "cfeml4alk", rng, cfg, around=mol[0].length, window=0)
    tmp = path.with_suffix(".fusion.bam")
    sim.write_bam(sample, tmp, build, cfg)
    merged = path.with_suffix(".merged.bam")
    pysam.merge("-f", "-c", "-p", str(merged), str(path), str(tmp))
    merged.replace(path)
    for f in (tmp, Path(str(tmp) + ".bai")):
        f.unlink()
    pysam.index(str(path))


def plasma_bam(build: str, path: Path, exons, depth: int, alt: dict[str, float], read_len: int = 50) -> None:
    """Reads tiling ALK exons (reference alleles, from the bundled sequence) at about `depth`x, with
    the listed missense changes at the given fractions. Exon edges get less coverage, as in real panels."""
    import random

    import pysam

    rng = random.Random(7)
    tx = load_transcripts(build).by_gene("ALK")
    alts = {}
    for change, frac in alt.items():
        _, pos, _, a = snv_for(build, "ALK", change)
        alts[pos] = (a, frac)
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": "chr2", "LN": CONTIG[build]}], "RG": [{"ID": "plasma", "SM": "P002_cfDNA"}]}
    reads = []
    step = 5
    copies = depth * step // read_len
    for n in exons:
        s, e = sorted(tx.exons[n - 1])
        genomic = "".join(revcomp(tx.sequence[tx.g_to_t(g)]) for g in range(s, e + 1))
        # reads may start in the flanking intron (sequence not bundled): those bases are soft-clipped
        for start in range(s - read_len + 20, e - 18, step):
            a0, a1 = max(start, s), min(start + read_len - 1, e)
            lclip, rclip = a0 - start, start + read_len - 1 - a1
            for k in range(copies):
                seq = list(genomic[a0 - s : a1 - s + 1])
                for pos, (a, frac) in alts.items():
                    if a0 <= pos <= a1 and rng.random() < frac:
                        seq[pos - a0] = a
                cigar = (f"{lclip}S" if lclip else "") + f"{a1 - a0 + 1}M" + (f"{rclip}S" if rclip else "")
                reads.append((a0, "N" * lclip + "".join(seq) + "N" * rclip, cigar, k))
    reads.sort()
    tmp = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for i, (start, seq, cigar, k) in enumerate(reads):
            r = pysam.AlignedSegment(out.header)
            r.query_name = f"p{i}"
            r.flag = 16 if k % 2 else 0
            r.reference_id = 0
            r.reference_start = start - 1
            r.mapping_quality = 60
            r.cigarstring = cigar
            r.query_sequence = seq
            r.query_qualities = pysam.qualitystring_to_array("I" * read_len)
            r.set_tag("RG", "plasma")
            out.write(r)
    if tmp.exists():
        tmp.unlink()
    pysam.index(str(path))


if __name__ == "__main__":
    main()
