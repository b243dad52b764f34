"""Phase of compound mutations (cis / trans / unresolved) from reads, VCF phase fields or VAFs."""

from alkannot.phase.compound import decide_compounds, decide_pair
from alkannot.phase.config import DEFAULTS, phase_config
from alkannot.phase.reads import SiteAllele, phase_from_reads
from alkannot.phase.vaf import phase_from_vaf
from alkannot.phase.vcf_phase import phase_from_vcf

__all__ = ["DEFAULTS", "SiteAllele", "decide_compounds", "decide_pair", "phase_config", "phase_from_reads",
           "phase_from_vaf", "phase_from_vcf"]
