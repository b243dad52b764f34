"""alkannot: ALK TKI resistance annotation (research use only)."""

__version__ = "0.1.0"
