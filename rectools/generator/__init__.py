"""Labelled synthetic data: a CRM, a billing tool and an ERP of simulated SaaS customers,
with known anomalies, and the truth the reconciliation should find.

Entry point: ``generate(GeneratorConfig(...))``; CLI: ``scripts/generate_data.py``.
"""
from .config import GeneratorConfig
from .run import generate

__all__ = ["GeneratorConfig", "generate"]
