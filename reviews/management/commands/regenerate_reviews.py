"""Make every review's derived data again: after a change to the body
renderer (Markdown, sanitizing, mention links, pull quotes), to the cards
(``reviews.cards``: their drawing, the media storage's address, the time
zone) or to the “Up Next” ranking. Batches keep memory flat at any archive
size."""

from django.core.management.base import BaseCommand

from kdrama_rewind.caching.pages import content_changed
from reviews.services.derived import regenerate_bodies, regenerate_cards
from reviews.services.up_next import rebuild_up_next

from .generate_archive import Progress


class Command(BaseCommand):
    help = (
        "Render every review's body again, draw every card again and rebuild every “Up Next” list."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bodies", action="store_true", help="Only the bodies (HTML, word count, search)."
        )
        parser.add_argument(
            "--cards", action="store_true", help="Only the cards lists show (reviews.cards)."
        )
        parser.add_argument("--up-next", action="store_true", help="Only the “Up Next” lists.")

    def handle(self, *args, **options):
        every = not any(options[name] for name in ("bodies", "cards", "up_next"))
        if every or options["bodies"]:
            self.run("bodies", regenerate_bodies)
        if every or options["cards"]:
            self.run("cards", regenerate_cards)
        if every or options["up_next"]:
            self.run("up next", rebuild_up_next)
        # Written in bulk, without the signals that move the pages' keys:
        # every cached page, and the HTTP cache in front, may show the old.
        content_changed()

    def run(self, label, regenerate):
        bar = None

        def progress(done, total):
            nonlocal bar
            bar = bar or Progress(self.stdout, label, total)
            bar.add(done - bar.done)

        count = regenerate(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{label.capitalize()}: {count} reviews."))
