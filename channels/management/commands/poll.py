"""Run the pollers in this process: `poll [--account HANDLE] [--once]`."""

import time

from django.core.management.base import BaseCommand, CommandError

from inbox.models import Account

from ...polling import due_account_ids, poll_account


class Command(BaseCommand):
    help = "Poll enabled accounts in this process, once or in a loop (without Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--account", help="only this handle")
        parser.add_argument("--once", action="store_true", help="poll each account once now, then stop")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between looks in a loop")

    def handle(self, *args, **options):
        accounts = Account.objects.filter(enabled=True)
        if options["account"]:
            accounts = Account.objects.filter(handle=options["account"].lstrip("@"))
            if not accounts.exists():
                raise CommandError(f"No account with handle {options['account']!r}.")
        selected = list(accounts.values_list("pk", flat=True))
        if options["once"]:
            for account in Account.objects.filter(pk__in=selected):
                self.stdout.write(f"{account}: {poll_account(account.pk)}")
            return
        self.stdout.write("Polling; Ctrl-C stops.")
        try:
            while True:
                for account_id in set(due_account_ids()) & set(selected):
                    account = Account.objects.get(pk=account_id)
                    self.stdout.write(f"{account}: {poll_account(account_id)}")
                time.sleep(options["tick"])
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
