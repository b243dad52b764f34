"""The bottom layer: contig naming, alleles, sequence tables, bundled resources and safe YAML loading.

Nothing here imports from any other alkannot layer (io, annotate, phase, interpret, report); every layer may
import from here.
"""
