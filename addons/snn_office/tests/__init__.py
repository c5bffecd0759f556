from . import test_office_draft
