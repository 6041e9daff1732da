import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.settings")
application = get_wsgi_application()

# Refuse to serve with a wrong master key (raises KeyConfigurationError with a clear message).
from amparo.core.keycheck import verify_master_keys  # noqa: E402

verify_master_keys()
