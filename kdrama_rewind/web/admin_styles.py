"""The admin's own stylesheet, for every ``ModelAdmin.Media`` that needs it."""

ADMIN_MEDIA_CSS = {"all": ["admin/kdr/admin.css"]}
