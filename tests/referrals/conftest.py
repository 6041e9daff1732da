# The shelter of tests/referrals/test_shelters.py, for the other modules of this folder too.
from .test_shelters import shelter  # noqa: F401
