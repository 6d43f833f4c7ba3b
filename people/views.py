from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView

from kdrama_rewind.caching.pages import PublicFragmentsMixin
from kdrama_rewind.media.images import share_url
from kdrama_rewind.web.pagination import ForgivingPaginationMixin
from kdrama_rewind.web.ratelimit import RateLimit, client_address

from .forms import NewsletterForm
from .models import Author, Person
from .services import (
    CONFIRM_LINK_MAX_AGE,
    ExpiredLink,
    InvalidLink,
    confirm_subscription,
    subscribe,
    subscriber_to_confirm,
    subscriber_to_unsubscribe,
    unsubscribe,
)
from .structured_data import author_graph, person_graph


class PersonIndexView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every person the desk writes about, A–Z."""

    template_name = "people/person_list.html"
    context_object_name = "people"
    paginate_by = 60

    def list_keys(self):
        return ["list:people"]

    queryset = Person.objects.only(
        "name", "hangul_name", "slug", "photo", "photo_width", "photo_height", "photo_alt"
    ).order_by("name", "pk")


class AuthorIndexView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """Every bylined author, A–Z."""

    template_name = "people/author_list.html"
    context_object_name = "authors"
    paginate_by = 60

    def list_keys(self):
        return ["list:authors"]

    queryset = Author.objects.only(
        "name", "slug", "job_title", "photo", "photo_width", "photo_height", "photo_alt"
    ).order_by("name", "pk")


class PersonDetailView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """An actor: their roles, then the public reviews that feature them."""

    template_name = "people/person_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def list_keys(self):
        return [f"list:person:{self.person.pk}", f"list:characters:person:{self.person.pk}"]

    def get_queryset(self):
        self.person = get_object_or_404(Person, slug=self.kwargs["slug"])
        return self.person.reviews.published().cards()

    @cached_property
    def social_image(self):
        return share_url(self.person.photo, self.request.build_absolute_uri)

    @cached_property
    def structured_data(self):
        absolute = self.request.build_absolute_uri
        return person_graph(self.person, absolute, image_url=self.social_image)

    def get_context_data(self, **kwargs):
        roles = (
            self.person.roles.select_related("drama")
            .only("played_by", "name", "role", "drama__title", "drama__slug", "drama__year")
            .order_by("-drama__year", "drama__title")
        )
        return super().get_context_data(person=self.person, roles=roles, **kwargs)


class AuthorDetailView(PublicFragmentsMixin, ForgivingPaginationMixin, ListView):
    """An author's byline page: who they are, then their public reviews."""

    template_name = "people/author_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def list_keys(self):
        return [f"list:author:{self.author.pk}"]

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return self.author.reviews.published().cards(known="author")

    def get_context_data(self, **kwargs):
        absolute = self.request.build_absolute_uri
        image = share_url(self.author.photo, absolute)
        return super().get_context_data(
            author=self.author,
            social_image=image,
            structured_data=author_graph(self.author, absolute, image_url=image),
            **kwargs,
        )


# The newsletter's pages share one template; each step has its own heading.
NEWSLETTER_HEADINGS = {
    "sign_up": "The Daily Briefing",
    "sent": "Check your inbox",
    "confirm": "Confirm your subscription",
    "confirmed": "You’re subscribed",
    "unsubscribe": "Unsubscribe from the Daily Briefing",
    "unsubscribed": "You’re unsubscribed",
    "link_expired": "This link has expired",
    "link_invalid": "This link does not work",
    "too_many": "Too many sign-ups",
}
# Per client address: enough for a household, too few to mail-bomb anyone.
SIGN_UPS = RateLimit("newsletter-sign-up", limit=5, window=60 * 60)


class NewsletterStepMixin:
    template_name = "people/newsletter.html"
    step = "sign_up"

    def get_context_data(self, **kwargs):
        step = kwargs.setdefault("step", self.step)
        kwargs.setdefault("heading", NEWSLETTER_HEADINGS[step])
        kwargs.setdefault("confirm_days", CONFIRM_LINK_MAX_AGE.days)
        return super().get_context_data(**kwargs)


class NewsletterView(NewsletterStepMixin, FormView):
    """Sign-up for the Daily Briefing. Every valid address gets the same
    answer, whether new, pending or already subscribed, so the form reveals
    nobody's address. Each client address may sign up ``SIGN_UPS.limit``
    times an hour; past that the answer is 429 and nothing is stored or sent."""

    form_class = NewsletterForm
    success_url = reverse_lazy("people:newsletter_sent")

    def get_initial(self):
        # The sign-up box on review pages sends the address here to be confirmed.
        return {"email": self.request.GET.get("email", "")[:254]}

    def post(self, request, *args, **kwargs):
        if not SIGN_UPS.hit(client_address(request)):
            wait = SIGN_UPS.retry_after()
            context = self.get_context_data(
                step="too_many", form=None, retry_minutes=-(-wait // 60)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        subscribe(email=form.cleaned_data["email"])
        return super().form_valid(form)


class NewsletterSentView(NewsletterStepMixin, TemplateView):
    """The one answer to every accepted sign-up."""

    step = "sent"


@method_decorator(never_cache, name="dispatch")
class NewsletterLinkView(NewsletterStepMixin, TemplateView):
    """A page reached from a link in an email. Following the link (a GET, as
    mail scanners do when they check links) changes nothing: it shows a
    button, and only the POST it sends acts. An altered or stale link gets a
    400 page that says so; an expired confirm link offers to send a new one."""

    def dispatch(self, request, *args, **kwargs):
        # The link is a credential: the page names the sign-up page as its
        # address, never the link itself.
        request.canonical_path = reverse("people:newsletter")
        return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # Keep the link out of Referer headers and indexes too.
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def link_error(self, error: InvalidLink):
        if isinstance(error, ExpiredLink):
            form = NewsletterForm(initial={"email": error.email})
            context = {"step": "link_expired", "form": form}
        else:
            context = {"step": "link_invalid"}
        return self.render_to_response(self.get_context_data(**context), status=400)


class NewsletterConfirmView(NewsletterLinkView):
    def get(self, request, *args, **kwargs):
        try:
            subscriber = subscriber_to_confirm(kwargs["token"])
        except InvalidLink as error:
            return self.link_error(error)
        step = "confirmed" if subscriber.confirmed_at else "confirm"
        return self.render_to_response(self.get_context_data(step=step))

    def post(self, request, *args, **kwargs):
        try:
            confirm_subscription(token=kwargs["token"])
        except InvalidLink as error:
            return self.link_error(error)
        return self.render_to_response(self.get_context_data(step="confirmed"))


@method_decorator(csrf_exempt, name="dispatch")
class NewsletterUnsubscribeView(NewsletterLinkView):
    """Also the target of RFC 8058 one-click unsubscribe: mail providers POST
    here with no cookies and so no CSRF token. The signed link itself is what
    a forger cannot produce, so the CSRF check is off for this view only."""

    def get(self, request, *args, **kwargs):
        try:
            subscriber = subscriber_to_unsubscribe(kwargs["token"])
        except InvalidLink as error:
            return self.link_error(error)
        step = "unsubscribed" if subscriber.unsubscribed_at else "unsubscribe"
        return self.render_to_response(self.get_context_data(step=step))

    def post(self, request, *args, **kwargs):
        try:
            unsubscribe(token=kwargs["token"])
        except InvalidLink as error:
            return self.link_error(error)
        return self.render_to_response(self.get_context_data(step="unsubscribed"))
