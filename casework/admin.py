"""Staff accounts from the command line (the first admin has to come from somewhere).

    python -m casework.admin create-staff --username U --role admin --name N [--group G] [--password-stdin]
    python -m casework.admin list-staff

The password is asked for twice at a prompt, or read from the first line of standard input with
``--password-stdin`` (for scripts). The database is ``DATABASE_URL`` (core.settings). Exit status: 0 done,
2 refused (bad input, name taken), with the reason on standard error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from sqlalchemy import select

from casework.errors import StaffError
from casework.machine import ROLES
from casework.models import StaffUser
from casework.staff import create_staff
from core.db import make_engine, make_sessionmaker, unit_of_work
from core.settings import get_settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m casework.admin", description="Workbench staff accounts")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create-staff", help="create a staff account")
    c.add_argument("--username", required=True)
    c.add_argument("--name", required=True, help="the person's name as shown in the workbench")
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--group", default=None, help="mediators: the committee id from the mediation directory")
    c.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("list-staff", help="list staff accounts")
    return p


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise StaffError("passwords differ", "两次输入的密码不一致。")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    factory = make_sessionmaker(make_engine(get_settings().database_url))
    if args.command == "list-staff":
        with unit_of_work(factory) as db:
            for u in db.scalars(select(StaffUser).order_by(StaffUser.id)):
                state = "active" if u.active else "disabled"
                sys.stdout.write(f"{u.id}\t{u.username}\t{u.role}\t{u.group_id or '-'}\t{state}\t{u.name}\n")
        return 0
    try:
        password = _password(args.password_stdin)
        with unit_of_work(factory) as db:
            user = create_staff(
                db, args.username, args.name, args.role, password, group=args.group, actor="cli:casework.admin"
            )
            sys.stdout.write(f"created staff {user.id} {user.username} ({user.role})\n")
    except StaffError as exc:
        sys.stderr.write(f"refused: {exc} — {exc.user_message}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
