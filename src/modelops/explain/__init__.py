"""Reasons for rejections: the reference applicant a rejection is compared with, and the
features that raised an application's risk most against it (explain/reasons.py)."""
