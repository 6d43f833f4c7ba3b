"""Sign-in throttling for the admin, the only place anyone signs in.

Failed sign-ins are counted per account name and client address, and per
address over all names (password spraying). Past the limit, sign-in from
that address is refused, even with the right password, until the window
ends, with a message that says so and for how long. A successful sign-in
counts nothing.

Each attempt is counted before its password is checked, in one atomic step
with the check of the limit, and given back if it succeeds: guesses sent in
parallel cannot get more passwords checked than the limit allows. Counts
live in the shared cache, so every process agrees; while the cache fails
they are kept in the database (``ratelimit``).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from kdrama_rewind.web.ratelimit import RateLimit, client_address

WINDOW = 15 * 60
PER_ACCOUNT = RateLimit("sign-in-account", limit=5, window=WINDOW)
PER_ADDRESS = RateLimit("sign-in-address", limit=20, window=WINDOW)


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": (
            "Too many failed sign-ins from your address. For the account’s safety, "
            "signing in is paused for %(minutes)d minutes; please try again then."
        ),
    }

    @sensitive_variables()
    def clean(self):
        address = client_address(self.request) if self.request else ""
        account = f"{(self.cleaned_data.get('username') or '').casefold()}|{address}"
        taken = [PER_ACCOUNT.take(account), PER_ADDRESS.take(address)]
        if not all(hit.allowed for hit in taken):
            for hit in taken:
                hit.give_back()
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": -(-PER_ACCOUNT.retry_after() // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if not any(e.code == "invalid_login" for e in error.error_list):
                for hit in taken:
                    hit.give_back()
            raise
        for hit in taken:  # the right password: the attempt counts nothing
            hit.give_back()
        return cleaned
