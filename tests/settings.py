"""Settings for the test suite: the project's settings with test-only environment defaults."""

import os

os.environ.setdefault("YANKAO_SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("YANKAO_QUEUE_URL", "immediate")
os.environ.setdefault("YANKAO_HTTPS", "0")
# Tests post to the public pages far faster than a person; tests/petitions/test_rate_limits.py
# sets a real limit.
os.environ.setdefault("YANKAO_PUBLIC_RATE", "100000/m")
# Likewise the pixels of pictures; tests/security/test_decompression_bombs.py sets a real one.
os.environ.setdefault("YANKAO_PUBLIC_UPLOAD_MEGAPIXELS", "1000000")

from yankao.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
