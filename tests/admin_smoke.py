"""Shared checks for admin pages: every page of a model opens for a superuser."""

from django.urls import reverse


class AdminSmokeMixin:
    def assert_admin_pages_open(self, obj):
        opts = obj._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages = {
            "changelist": reverse(f"{prefix}_changelist"),
            "add": reverse(f"{prefix}_add"),
            "change": reverse(f"{prefix}_change", args=[obj.pk]),
            "delete": reverse(f"{prefix}_delete", args=[obj.pk]),
            "history": reverse(f"{prefix}_history", args=[obj.pk]),
        }
        for page, url in pages.items():
            with self.subTest(model=opts.model_name, page=page):
                self.assertEqual(self.client.get(url).status_code, 200)
