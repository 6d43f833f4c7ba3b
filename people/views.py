from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.views.generic import FormView, ListView

from kdrama_rewind.pagination import ForgivingPaginationMixin

from .forms import NewsletterForm
from .models import Author, Person
from .services import subscribe


class PersonDetailView(ForgivingPaginationMixin, ListView):
    """An actor: their roles, then the public reviews that feature them."""

    template_name = "people/person_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.person = get_object_or_404(Person, slug=self.kwargs["slug"])
        return self.person.reviews.published().for_cards()

    def get_context_data(self, **kwargs):
        roles = self.person.roles.select_related("drama").order_by("-drama__year", "drama__title")
        return super().get_context_data(person=self.person, roles=roles, **kwargs)


class AuthorDetailView(ForgivingPaginationMixin, ListView):
    """An author's byline page: who they are, then their public reviews."""

    template_name = "people/author_detail.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return self.author.reviews.published().for_cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class NewsletterView(FormView):
    """Sign-up for the Daily Briefing. The answer is the same whether the
    address is new or already subscribed, so the form reveals nobody's address."""

    template_name = "people/newsletter.html"
    form_class = NewsletterForm
    success_url = reverse_lazy("people:newsletter")

    def get_initial(self):
        # The sign-up box on review pages sends the address here to be confirmed.
        return {"email": self.request.GET.get("email", "")[:254]}

    def form_valid(self, form):
        subscribe(email=form.cleaned_data["email"])
        messages.success(self.request, "Thank you. The Daily Briefing will arrive at that address.")
        return super().form_valid(form)
