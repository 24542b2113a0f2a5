"""Importers for NHS England's published statistics formats (A&E sitrep, AmbSYS, RTT, cancer)."""
