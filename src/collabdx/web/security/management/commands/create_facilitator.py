"""``manage.py create_facilitator USERNAME``: make a facilitator account.

With sign-up off (the production default), this is how accounts are made. The
password is asked for twice without echo (or read from standard input with
``--password-stdin``, for scripts) and must pass the same rules as sign-up. The
account has no staff or superuser rights: the app does not use them.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from collabdx.web.accounts.forms import PASSWORD_MAX


class Command(BaseCommand):
    help = "Create a facilitator account (sign-up is off by default in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--password-stdin", action="store_true",
            help="Read the password from the first line of standard input.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        username = str(options["username"]).strip()
        field = model._meta.get_field(model.USERNAME_FIELD)
        try:
            for validator in field.validators:
                validator(username)
        except ValidationError as exc:
            raise CommandError(f"Username {username!r}: {' '.join(exc.messages)}") from exc
        if model.objects.filter(username__iexact=username).exists():
            raise CommandError(f"Username {username!r} is taken.")
        password = self._password(options["password_stdin"])
        user = model(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
        self.stdout.write(f"Created the facilitator account {username!r}.")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password again: ") != password:
                raise CommandError("The two passwords are different.")
        if not password or len(password) > PASSWORD_MAX:
            raise CommandError(f"Enter a password of 1 to {PASSWORD_MAX:,} characters.")
        return password
