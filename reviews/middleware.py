from .services import apply_due_updates


class ScheduledUpdatesMiddleware:
    """Applies scheduled updates whose time has come before the request is
    served, so readers never see a stale version and no background job is
    needed. Costs a cache read per request while nothing is due."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_due_updates()
        return self.get_response(request)
