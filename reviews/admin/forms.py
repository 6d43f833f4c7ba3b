from django import forms
from django.contrib.admin import widgets
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import permissions
from ..models import Review
from ..names import Registry, check_cast, check_names
from ..pull_quotes import unmatched_markers
from ..services import check_transition
from ..services.revisions import revisions_since
from ..services.workflow import normalize


class ReviewAdminForm(forms.ModelForm):
    """The review form. On the server it decides who may move a review's
    status, refuses a save from a stale form, and asks the editor to confirm
    names that look misspelt."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    minor_edit = forms.BooleanField(
        required=False,
        label="Minor edit",
        help_text="A typo fix: readers’ “Last updated” date stays as it is.",
    )
    update_at = forms.SplitDateTimeField(
        required=False,
        label="Schedule these changes for",
        widget=widgets.AdminSplitDateTime,
        help_text="For a published review: keep it as it is now and apply this edit at the "
        "time given. Leave empty to save the changes at once.",
    )
    confirm_names = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="These names are spelt as intended",
    )
    overwrite = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Save my version anyway (theirs stays in the history)",
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    user = None  # set per request by ReviewAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
        status = self.fields.get("status")
        if status and self.user and not permissions.can_publish(self.user):
            # Offer what this user may choose, and the review's own status.
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value not in Review.LIVE_STATUSES or value == self.instance.status
            ]
        if "update_at" in self.fields and not (
            self.instance.is_published() and self.user and permissions.can_schedule(self.user)
        ):
            del self.fields["update_at"]

    # -------------------------------------------------------------- checks

    def clean(self):
        cleaned = super().clean()
        self.stored = self._lock_stored()
        status, at = cleaned.get("status"), cleaned.get("published_at")
        if status == Review.Status.PUBLISHED and not at:
            cleaned["published_at"] = at = timezone.now()
        author = cleaned.get("author")
        # A writer writes under their own byline, new review or not (a forged
        # post could otherwise hand a draft to someone else's name).
        if author and not self.user.has_perm(permissions.EDIT_ANY):
            if author.user_id != self.user.pk:
                self.add_error("author", "Write under your own byline; an editor can change it.")
        if status:
            cleaned["status"] = status = normalize(status, at)
            reason = check_transition(
                user=self.user,
                review=self.stored or Review(author=author),
                status=status,
                at=at,
            )
            if reason:
                self.add_error(
                    "status" if status != self._stored("status") else "published_at", reason
                )
        self._check_conflict(cleaned)
        self._check_quotes(cleaned)
        self._check_pull_quote_markers(cleaned)
        self._check_update_at(cleaned)
        self._check_names(cleaned)
        return cleaned

    def _lock_stored(self) -> Review | None:
        """The review as stored, locked until this save commits, so nobody
        can save in between the conflict check and the write."""
        if not self.instance.pk:
            return None
        return Review.objects.select_for_update().select_related("author").get(pk=self.instance.pk)

    def _stored(self, field):
        return getattr(self.stored, field) if self.stored else getattr(Review(), field)

    def _check_conflict(self, cleaned):
        opened = cleaned.get("opened_version")
        if self.stored is None or opened is None or opened >= self.stored.version:
            return
        if cleaned.get("overwrite") and cleaned.get("seen_version") == self.stored.version:
            return
        saves = list(revisions_since(self.stored, opened))
        lines = format_html_join(
            "",
            "<li>{} saved at {}: {}</li>",
            (
                (
                    r.created_by or "The system",
                    f"{timezone.localtime(r.created_at):%H:%M on %d %b}",
                    r.summary,
                )
                for r in saves
            ),
        )
        compare = ""
        if saves:
            url = reverse("admin:reviews_review_compare", args=[self.stored.pk])
            compare = format_html(
                ' <a href="{}?a={}&amp;b={}">See exactly what changed</a>.',
                url,
                self._revision_for(opened),
                saves[0].pk,
            )
        self._reveal("overwrite", "seen_version", self.stored.version)
        raise forms.ValidationError(
            format_html(
                "Someone saved this review after you opened it, so your changes were not "
                "saved yet:<ul>{}</ul>Your version is below.{} Copy what you need, reload "
                "the page and edit again, or tick “Save my version anyway”: theirs stays "
                "in the history and can be restored.",
                lines,
                compare,
            ),
            code="conflict",
        )

    def _revision_for(self, version):
        revision = self.stored.revisions.filter(version__lte=version).first()
        return revision.pk if revision else ""

    def _reveal(self, checkbox: str, hidden: str | None = None, value=None):
        """Show a confirmation checkbox on the re-displayed form."""
        self.fields[checkbox].widget = forms.CheckboxInput()
        if hidden:
            data = self.data.copy()
            data[self.add_prefix(hidden)] = value
            data.pop(self.add_prefix(checkbox), None)
            self.data = data

    def _check_quotes(self, cleaned):
        dramas, quotes = cleaned.get("dramas"), cleaned.get("quotes")
        if quotes is None or dramas is None:
            return
        strays = [q for q in quotes if q.character.drama not in dramas]
        if strays:
            self.add_error(
                "quotes",
                "Pull quotes must come from the review’s dramas: "
                + ", ".join(str(q) for q in strays),
            )

    def _check_pull_quote_markers(self, cleaned):
        quotes = cleaned.get("quotes")
        if quotes is None:  # not on this form: the review's own
            quotes = self.instance.quotes.all() if self.instance.pk else []
        for text in unmatched_markers(cleaned.get("body", ""), quotes):
            self.add_error(
                "body",
                f"The marker [pull quote: “{text}”] matches none of this review’s pull quotes: "
                "add that quote under “Pull quotes”, or correct or remove the marker.",
            )

    def _check_update_at(self, cleaned):
        at = cleaned.get("update_at")
        if not at:
            return
        if not permissions.can_schedule(self.user):
            self.add_error("update_at", "Only the desk or an editor can schedule an update.")
        elif at <= timezone.now():
            self.add_error("update_at", "Choose a time in the future, or leave it empty.")

    def _check_names(self, cleaned):
        texts = {
            "headline": cleaned.get("title", ""),
            "standfirst": cleaned.get("standfirst", ""),
            "body": cleaned.get("body", ""),
        }
        drama_ids = {d.pk for d in cleaned.get("dramas") or []}
        registry = Registry.load()
        self.name_warnings = check_names(texts=texts, drama_ids=drama_ids, registry=registry)
        self.name_warnings += check_cast(texts=texts, drama_ids=drama_ids, registry=registry)
        self.registry = registry
        dismissed = set(self.instance.name_checks_dismissed or [])
        new = [w for w in self.name_warnings if w.key not in dismissed]
        if new and not cleaned.get("confirm_names"):
            self._reveal("confirm_names")
            raise forms.ValidationError(
                format_html(
                    "Check these names before saving:<ul>{}</ul>Correct them, or tick "
                    "“These names are spelt as intended” and save again.",
                    format_html_join("", "<li>{}</li>", ((w.message,) for w in new)),
                ),
                code="names",
            )
