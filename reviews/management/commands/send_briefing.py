import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from reviews.briefings import Outcome, send_briefing

PROGRESS_EVERY = 20


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Email the Daily Briefing, the reviews published on a day (today by default, in the "
        "newsroom's time zone), to every confirmed subscriber. Safe to run again: nobody gets "
        "a day's briefing twice, and a run that stopped part-way carries on where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="The day to send; today if left out.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent, and to how many; send and record nothing.",
        )

    def handle(self, *args, day=None, dry_run=False, verbosity=1, **options):
        day = day or timezone.localdate()
        when = date_format(day, "j F Y")

        def progress(done: int, sent: int, total: int) -> None:
            if verbosity > 0 and (done % PROGRESS_EVERY == 0 or done == total):
                self.stdout.write(f"Sent {sent}/{total} …")

        def failure(address: str, error: OSError) -> None:
            self.stderr.write(f"Not sent to {address}: {error}. The next run will try again.")

        try:
            run = send_briefing(day=day, dry_run=dry_run, on_progress=progress, on_failure=failure)
        except OSError as error:
            raise CommandError(
                f"The mail server cannot be reached ({error}). Whoever has not had the "
                "briefing gets it when the command runs again."
            ) from None

        if run.outcome == Outcome.NO_REVIEWS:
            self.stdout.write(f"No reviews were published on {when}: there is nothing to send.")
        elif run.outcome == Outcome.ALREADY_SENT:
            finished = date_format(timezone.localtime(run.finished_at), "j F Y, H:i")
            self.stdout.write(
                f"The Daily Briefing of {when} went out on {finished}: nothing more to send."
            )
        elif run.outcome == Outcome.DRY_RUN:
            self.write_plan(run, verbosity)
        else:
            self.stdout.write(
                f"The Daily Briefing of {when} ({len(run.items)} review(s)) went to "
                f"{run.sent} of {len(run.recipients)} subscriber(s)."
            )
            if run.failed:
                raise CommandError(
                    f"{len(run.failed)} address(es) could not be reached; "
                    "run the command again to retry them."
                )

    def write_plan(self, run, verbosity):
        self.stdout.write("Dry run: nothing is sent or recorded.")
        self.stdout.write(f"Subject: {run.subject}")
        for item in run.items:
            self.stdout.write(f"  {item.title}\n    {item.url}")
        self.stdout.write(f"It would go to {len(run.recipients)} subscriber(s).")
        if verbosity > 1:
            for address in run.recipients:
                self.stdout.write(f"  {address}")
