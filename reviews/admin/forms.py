from django import forms
from django.conf import settings
from django.contrib.admin import widgets
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from kdrama_rewind.data.text import only_spacing_differs
from people.models import Person

from .. import permissions
from ..models import Correction, Review, SlugRedirect, UploadStash
from ..models.tags import tag_name_problems
from ..names import Registry, mentioned_people, name_warnings, review_texts, undismissed
from ..pull_quotes import unmatched_markers
from ..services import KEEP, CorrectionEdit, ReviewEdit, check_transition
from ..services.checks import address_taken_message, unknown_tags, unknown_tags_message
from ..services.edits import CONTENT_FIELDS, tag_names
from ..services.heroes import file_or_keep
from ..services.revisions import revisions_since
from ..services.transitions import normalize
from ..status import APPROVED_STATUSES, Status
from ..times import newsroom, zone_phrase


class ReviewAdminForm(forms.ModelForm):
    """The review form. It checks everything an editor should hear about
    before saving — who may make the change, whether someone saved in
    between, names that look misspelt, an address still in use — and says
    what the editing service should do (:meth:`review_edit`). It saves
    nothing itself."""

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
    hero_stash = forms.CharField(widget=forms.HiddenInput, required=False)

    user = None  # set per request by ReviewAdmin.get_form
    confirmed_names = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = self.instance if self.instance.pk else None
        if self.stored is not None:
            self.fields["opened_version"].initial = self.stored.version
        self.stash = self._find_stash()
        if self.stash is not None:
            self.announce_stash()
        status = self.fields.get("status")
        if status and self.user and not permissions.can_publish(self.user):
            # Offer what this user may choose, and the review's own status.
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value not in APPROVED_STATUSES or value == self.instance.status
            ]
        if "update_at" in self.fields and not (
            self.instance.is_published() and self.user and permissions.can_schedule(self.user)
        ):
            del self.fields["update_at"]
        self.describe_address()
        for name in ("hero_focus_x", "hero_focus_y"):
            if name in self.fields:
                self.fields[name].required = False  # left out: it stays where it is
        for name in ("published_at", "updated_at", "update_at"):
            if name in self.fields:
                self.fields[name].help_text = " ".join(
                    filter(None, [self.fields[name].help_text, f"Times are {zone_phrase()}."])
                )

    def describe_address(self) -> None:
        """The slug's help: the review's real address, which a script keeps
        up to date as the slug is typed."""
        if "slug" not in self.fields:
            return
        slug = self.stored.slug if self.stored else ""
        path = reverse("reviews:review_detail", kwargs={"slug": "-"})
        base = settings.SITE_URL + path.removesuffix("-/")
        if self.stored is not None and self.stored.is_published():
            after = (
                "Renaming it keeps the old address working: readers and search engines "
                "following it are sent on to the new one."
            )
        else:
            after = "Renaming it later keeps the old address working once it is published."
        self.fields["slug"].help_text = format_html(
            '<span class="kdr-address">Its address: <code>{}<span '
            'class="kdr-address__slug">{}</span>/</code></span> {}',
            base,
            slug or "…",
            after,
        )

    def announce_stash(self) -> None:
        """Say, by the image field, which kept image a save will use."""
        if "hero_image" not in self.fields:
            return
        text = format_html(
            "<strong>Will be saved: {}</strong> (uploaded with your last try). "
            "Choose another file to replace it.",
            self.stash.original_name,
        )
        self.fields["hero_image"].help_text = text
        self["hero_image"].help_text = text  # a bound field copies it when first made

    def _find_stash(self) -> UploadStash | None:
        token = self.data.get(self.add_prefix("hero_stash")) if self.is_bound else None
        return UploadStash.objects.find(token, user=self.user) if token else None

    # -------------------------------------------------------------- checks

    def clean_hero_image(self):
        upload = self.cleaned_data.get("hero_image")
        if self.stash is not None and not isinstance(upload, UploadedFile) and upload is not False:
            return self.stash.as_upload()
        return upload

    def clean_hero_focus_x(self):
        return self._focus("hero_focus_x")

    def clean_hero_focus_y(self):
        return self._focus("hero_focus_y")

    def _focus(self, name):
        value = self.cleaned_data.get(name)
        return self._stored(name) if value is None else value

    def clean_tags(self):
        """New tags are for those who may add tags; the rest use existing ones."""
        tags = tag_names(self.cleaned_data.get("tags") or [])
        if problems := tag_name_problems(tags):
            raise forms.ValidationError(problems, code="tag_name")
        if tags and self.user and not self.user.has_perm("reviews.add_tag"):
            if unknown := unknown_tags(tags):
                raise forms.ValidationError(unknown_tags_message(unknown), code="new_tags")
        return tags

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "standfirst", "body"):
            # Posted back as the form shows it, a text stays as stored: an
            # unchanged save changes nothing and records no revision.
            stored = self._stored(name)
            if self.stored and name in cleaned and only_spacing_differs(cleaned[name], stored):
                cleaned[name] = stored
        status, at = cleaned.get("status"), cleaned.get("published_at")
        if status == Status.PUBLISHED and not at:
            cleaned["published_at"] = at = timezone.now()
        author = cleaned.get("author")
        # A writer writes under their own byline, new review or not (a forged
        # post could otherwise hand a draft to someone else's name).
        if author and not self.user.has_perm(permissions.EDIT_ANY):
            if author.user_id != self.user.pk and (
                self.stored is None or author.pk != self.stored.author_id
            ):
                self.add_error("author", "Write under your own byline; an editor can change it.")
        if status:
            cleaned["status"] = status = normalize(status, at)
            reason = check_transition(
                user=self.user,
                review=self.stored or Review(author=author),
                status=status,
                at=at,
            )
            if reason and status != self._stored("status"):
                # Show the status the review still has, and what was refused.
                label = dict(Review.Status.choices).get(status, status)
                self._show_data("status", self._stored("status"))
                self.add_error("status", f"Not changed to “{label}”: {reason}")
            elif reason:
                self.add_error("published_at", reason)
        self._check_conflict(cleaned)
        self._check_address(cleaned)
        self._check_quotes(cleaned)
        self._check_pull_quote_markers(cleaned)
        self._check_update_at(cleaned)
        self._check_names(cleaned)
        return cleaned

    def _stored(self, field):
        return getattr(self.stored, field) if self.stored else getattr(Review(), field)

    def _check_conflict(self, cleaned):
        opened = cleaned.get("opened_version")
        if self.stored is None or opened is None or opened == self.stored.version:
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
                    f"{newsroom(r.created_at):%H:%M on %d %b}",
                    f"{r.summary} ({r.via})" if r.via else r.summary,
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
        revision = self.stored.revisions.snapshots().filter(version__lte=version).first()
        return revision.pk if revision else ""

    def _reveal(self, checkbox: str, hidden: str | None = None, value=None):
        """Show a confirmation checkbox on the re-displayed form."""
        self.fields[checkbox].widget = forms.CheckboxInput()
        if hidden:
            data = self.data.copy()
            data[self.add_prefix(hidden)] = value
            data.pop(self.add_prefix(checkbox), None)
            self.data = data

    def _show_data(self, name: str, value) -> None:
        """Re-display the form with ``value`` in field ``name``."""
        data = self.data.copy()
        data[self.add_prefix(name)] = value
        self.data = data

    def _check_address(self, cleaned):
        slug = cleaned.get("slug")
        if not slug or (self.stored is not None and slug == self.stored.slug):
            return
        taken = SlugRedirect.objects.filter(old_slug=slug).select_related("review")
        if self.stored is not None:
            taken = taken.exclude(review=self.stored)
        if other := taken.first():
            self.add_error("slug", address_taken_message(slug, other.review))

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
        texts = review_texts(
            title=cleaned.get("title", self._stored("title")),
            standfirst=cleaned.get("standfirst", self._stored("standfirst")),
            body=cleaned.get("body", self._stored("body")),
        )
        drama_ids = {d.pk for d in cleaned.get("dramas") or []}
        self.registry = Registry.load()
        warnings = name_warnings(texts=texts, drama_ids=drama_ids, registry=self.registry)
        new = undismissed(warnings, self.stored.name_checks_dismissed if self.stored else [])
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
        self.confirmed_names = new

    # -------------------------------------------------------------- the change

    def review_edit(self, corrections_formset=None) -> ReviewEdit:
        """What saving this form asks the editing service to do. Parts the
        user cannot see in the form are left as they are."""
        data = self.cleaned_data
        mentioned = mentioned_people(data.get("body", ""), self.registry)
        return ReviewEdit(
            fields={name: data[name] for name in CONTENT_FIELDS if name in data},
            hero=file_or_keep(data.get("hero_image")) if "hero_image" in data else KEEP,
            dramas=data.get("dramas"),
            featured_people=data.get("featured_people"),
            add_featured_people=list(Person.objects.filter(pk__in=mentioned)),
            quotes=data.get("quotes"),
            up_next_picks=data.get("up_next_picks"),
            tags=data.get("tags"),
            corrections=corrections_edit(corrections_formset),
            status=data.get("status"),
            published_at=data["published_at"] if "published_at" in data else KEEP,
            minor=bool(data.get("minor_edit")),
            confirmed_names=self.confirmed_names,
        )


def corrections_edit(formset) -> list[CorrectionEdit] | None:
    """The notes to readers as the inline leaves them, or None if untouched."""
    if formset is None or not formset.has_changed():
        return None
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    notes = []
    for form in formset.initial_forms + formset.extra_forms:
        if form in deleted or (form.instance.pk is None and not form.has_changed()):
            continue
        data = form.cleaned_data
        notes.append(
            CorrectionEdit(
                kind=data.get("kind", Correction.Kind.CORRECTION),
                text=data.get("text", ""),
                noted_at=data.get("noted_at") or timezone.now(),
                pk=form.instance.pk,
            )
        )
    return notes
