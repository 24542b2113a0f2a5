"""Submission validation: every failure reported with file, row, column, rule and value."""

from oversight.collect.validation.report import ISSUE_CAP, Issue, ValidationReport
from oversight.collect.validation.spec import ARROW_TYPES
from oversight.collect.validation.validator import Validator

__all__ = ["ARROW_TYPES", "ISSUE_CAP", "Issue", "ValidationReport", "Validator"]
