"""System checks for settings that only make sense together."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_settings_agree(app_configs, **kwargs):
    """Trusting a TLS proxy's headers but counting no proxy in front: every
    request then seems to come from the proxy's address."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER trusts a TLS proxy in front of the site, but "
                "DJANGO_TRUSTED_PROXY_COUNT is 0, so every request seems to come from the "
                "proxy's address: one person's failed sign-ins pause sign-in for the whole "
                "newsroom, and all readers share the newsletter's sign-up limit.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front that "
                "append to X-Forwarded-For (README, Configuration).",
                id="kdrama_rewind.W001",
            )
        ]
    return []


@register(deploy=True)
def tasks_leave_the_request(app_configs, **kwargs):
    """Email is sent from tasks; run at once, they hold the request."""
    if settings.TASKS["default"]["BACKEND"] == "django.tasks.backends.immediate.ImmediateBackend":
        return [
            Warning(
                "Tasks run at once, inside the request that queues them "
                "(DJANGO_TASKS_BACKEND=immediate): every newsletter sign-up waits on the "
                "mail server, and its timing tells a new address from a subscribed one.",
                hint="Leave DJANGO_TASKS_BACKEND unset (database) in production and run "
                "manage.py db_worker (README).",
                id="kdrama_rewind.W002",
            )
        ]
    return []
