"""Count the hourly tallies again from the rows: after the working calendar changed, or after rows
were written past the services (a bulk import). The migration did it once for existing data."""

import time

from django.core.management.base import BaseCommand

from ...services.tallies import tallies_recount


class Command(BaseCommand):
    help = "Count the dashboard's hourly tallies again from the messages, conversations and events."

    def handle(self, *args, **options):
        started = time.perf_counter()
        hours = tallies_recount()
        self.stdout.write(f"{hours:,} hour tallies counted in {time.perf_counter() - started:.1f} s")
