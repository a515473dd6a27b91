"""PDF exports: blank duty checklists and plans, completed records and compliance summaries.

Two layers: ``document`` turns plain data into a ``Document`` (pure, no reportlab, no clock) and
``render`` turns a ``Document`` into PDF bytes (reportlab only). Importing this package imports
the pure layer only; import ``clinic_onboard.pdf.render`` where bytes are needed.
"""

from clinic_onboard.pdf.document import (
    DISCLAIMER,
    AcknowledgementEntry,
    ClinicInfo,
    ClosedRow,
    CredentialEntry,
    ExpiringCredential,
    FormScope,
    HireInfo,
    RecordInput,
    RecordItem,
    SignoffMethod,
    StaffRow,
    SummaryInput,
    blank_checklist,
    blank_plan,
    completed_record,
    compliance_summary,
    form_scope,
)
from clinic_onboard.pdf.model import Document

__all__ = [
    "DISCLAIMER",
    "AcknowledgementEntry",
    "ClinicInfo",
    "ClosedRow",
    "CredentialEntry",
    "Document",
    "ExpiringCredential",
    "FormScope",
    "HireInfo",
    "RecordInput",
    "RecordItem",
    "SignoffMethod",
    "StaffRow",
    "SummaryInput",
    "blank_checklist",
    "blank_plan",
    "completed_record",
    "compliance_summary",
    "form_scope",
]
