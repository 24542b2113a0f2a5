"""Generators of the record-level datasets, one module per dataset."""
