"""`retention_run [--dry-run]`: what the nightly retention removes, now."""

from django.core.management.base import BaseCommand

from ...services.retention import retention_run


class Command(BaseCommand):
    help = (
        "Pseudonymise closed conversations older than WEBCARE_RETENTION_DAYS and empty raw payloads and "
        "webhook bodies older than WEBCARE_RAW_RETENTION_DAYS (as the nightly task does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be removed")

    def handle(self, *args, **options):
        summary = retention_run(dry_run=options["dry_run"], via="command")
        verb = "Would pseudonymise" if options["dry_run"] else "Pseudonymised"
        self.stdout.write(
            f"{verb} {summary['conversations']} closed conversations; raw payloads emptied: "
            f"{summary['raw_payloads']} messages, {summary['monitoring_raw']} monitoring hits, "
            f"{summary['webhook_bodies']} webhook bodies."
            + ("" if options["dry_run"] else f" Contacts pseudonymised: {summary['contacts']}.")
        )
