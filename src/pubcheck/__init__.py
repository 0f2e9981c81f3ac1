"""pubcheck: data-quality and publication-validation harness for official statistics."""

__version__ = "0.1.0"
