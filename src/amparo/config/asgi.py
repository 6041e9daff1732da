import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.settings")
application = get_asgi_application()

from amparo.core.keycheck import verify_master_keys  # noqa: E402

verify_master_keys()
