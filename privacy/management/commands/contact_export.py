"""`contact_export HANDLE_OR_ID [--json]`: everything held about one citizen (an inzageverzoek)."""

import json

from django.core.management.base import BaseCommand, CommandError

from ...services.export import contact_export
from ...services.lookup import ContactNotFound, contact_find


class Command(BaseCommand):
    help = (
        "Everything held about one citizen (contact, conversations, messages, cases and case contacts, "
        "notes that name them, timeline events, raw payloads), for an inzageverzoek. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "handle_or_id", help="our contact id (123 or #123), an @handle, or a platform user id"
        )
        parser.add_argument(
            "--json", action="store_true", help="print the export as JSON (default: a summary)"
        )

    def handle(self, *args, **options):
        try:
            contact = contact_find(options["handle_or_id"])
        except ContactNotFound as exc:
            raise CommandError(str(exc)) from None
        data = contact_export(contact=contact, via="command")
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        messages = sum(len(c["messages"]) for c in data["conversations"])
        self.stdout.write(
            f"Contact #{contact.pk} ({contact.platform}): {len(data['conversations'])} conversations, "
            f"{messages} messages, {len(data['cases'])} cases, {len(data['notes_elsewhere'])} notes elsewhere, "
            f"{len(data['monitoring_hits'])} monitoring hits, {len(data['webhook_deliveries'])} webhook deliveries. "
            "Use --json for the export itself."
        )
