"""Check a timetable against its scenario, without a solver: see :mod:`optimizer.check`."""

from __future__ import annotations

from .check import CHECKS, CoverageReport, Shortfall, ValidationReport, Violation, validate

__all__ = ["CHECKS", "CoverageReport", "Shortfall", "ValidationReport", "Violation", "validate"]
