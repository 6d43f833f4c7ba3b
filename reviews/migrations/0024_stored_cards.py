"""Each review keeps its card as lists show it (``reviews.cards``), in two
forms, with a digest of what they were drawn from. Adding the columns with
an empty default rewrites nothing. Until a review is saved again, or
``manage.py regenerate_reviews --cards`` draws every card, lists draw a
card when they show it, as before."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0023_search_columns_in_the_row'),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='card_drawn_from',
            field=models.CharField(blank=True, default='', editable=False, help_text="A digest of what the stored cards show: a list draws a card afresh where the review's no longer gives it (reviews.cards.drawn_from).", max_length=32, verbose_name='what the cards were drawn from'),
        ),
        migrations.AddField(
            model_name='review',
            name='card_html',
            field=models.TextField(blank=True, default='', editable=False, help_text="The review as a card in a list, with its column's name (reviews.cards). Filled on save.", verbose_name='card'),
        ),
        migrations.AddField(
            model_name='review',
            name='card_html_in_column',
            field=models.TextField(blank=True, default='', editable=False, help_text="The card in its column's own list (reviews.cards). Filled on save.", verbose_name="card in its column's list"),
        ),
    ]
