import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.formats import date_format

from reviews.briefings import BATCH_SIZE, Outcome, send_briefing


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Email the Daily Briefing, the reviews published on a day (today by default, in the "
        "newsroom's time zone), to every confirmed subscriber: queued in batches for the task "
        "worker (at once while developing). Safe to run again: nobody gets a day's briefing "
        "twice, and a run that stopped part-way carries on with whoever has not had it."
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
        run = send_briefing(day=day, dry_run=dry_run)

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
                f"The Daily Briefing of {when} ({len(run.items)} review(s)) is queued for "
                f"{len(run.recipients)} subscriber(s) in {len(run.batches)} batch(es) of up to "
                f"{BATCH_SIZE}."
            )
            self.report(run)

    def report(self, run):
        """What the batches did, when they have run already (while
        developing, or a fast worker); otherwise where they are."""
        if not all(batch.is_finished for batch in run.batches):
            self.stdout.write(
                "The task worker (manage.py db_worker) sends them; run this command again "
                "later to send to anyone it could not reach."
            )
            return
        sent = failed = 0
        for batch in run.batches:
            if batch.status == TaskResultStatus.FAILED:
                raise CommandError(
                    f"A batch stopped: {batch.errors[-1].traceback.strip().splitlines()[-1]}. "
                    "Run the command again: nobody who has it is sent it twice."
                )
            sent += batch.return_value["sent"]
            for address, error in batch.return_value["failed"]:
                failed += 1
                self.stderr.write(f"Not sent to {address}: {error}. The next run will try again.")
        self.stdout.write(f"Sent to {sent} of {len(run.recipients)} subscriber(s).")
        if failed:
            raise CommandError(
                f"{failed} address(es) could not be reached; run the command again to retry them."
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
