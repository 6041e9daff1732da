"""Settings for the test suite: the production settings with a fixed test key and fast hashing."""

import os

os.environ.setdefault("AMPARO_TESTING", "1")
# A fixed, public test key (never used outside tests).
os.environ.setdefault("AMPARO_KEYS", "t1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMDAwMDA=")
os.environ.setdefault("AMPARO_DEMO", "1")

from .settings import *  # noqa: F403

# Argon2 stays the production hasher (tests/accounts check it); tests use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
# Tasks run at once in tests (the database queue and its worker are exercised in tests/notifications).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
