from .services import apply_due_updates


class ScheduledUpdatesMiddleware:
    """Applies scheduled updates whose time has come before the request is
    served, so readers never see a stale version and no background job is
    needed. While nothing is due it costs each process one cache read every
    few seconds (``next_update_at``), so an update scheduled from another
    process can go out up to that long after its time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_due_updates()
        return self.get_response(request)
