from django import forms

from .services import normalize_email


class NewsletterForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.com"}),
    )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])
