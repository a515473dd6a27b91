"""clinic_onboard: onboarding plans and duty checklists for Canadian outpatient clinics.

This module stays empty on purpose: importing ``clinic_onboard.catalog`` or
``clinic_onboard.planner`` must not pull in Flask or the database layer.
"""
