"""The official account's custom menu (自定义菜单): three CLICK buttons whose keys are ``bot.messages.MenuKey``.

``python -m bot.wechat.menu --print`` prints the JSON body for the menu-creation API
(``POST /cgi-bin/menu/create?access_token=…``) or for pasting into the WeChat console. Creating the menu is
an operator's one-off step, deliberately not done by the server.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.messages import MenuKey

MENU: dict[str, Any] = {
    "button": [
        {"type": "click", "name": "开始咨询", "key": MenuKey.START.value},
        {"type": "click", "name": "查询进度", "key": MenuKey.PROGRESS.value},
        {"type": "click", "name": "转人工", "key": MenuKey.HUMAN.value},
    ]
}


def menu_json(*, indent: int | None = 2) -> str:
    """The menu as JSON with the Chinese names unescaped (the menu API takes UTF-8 JSON)."""
    return json.dumps(MENU, ensure_ascii=False, indent=indent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.wechat.menu", description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", dest="print_", help="print the menu JSON")
    parser.add_argument("--compact", action="store_true", help="one line, no indentation")
    args = parser.parse_args(argv)
    if not args.print_:
        parser.print_help(sys.stderr)
        return 2
    sys.stdout.write(menu_json(indent=None if args.compact else 2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
