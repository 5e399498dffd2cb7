"""Message catalogues: one flat JSON file per language (messages/en.json, messages/zh.json), keys in dotted
form, parameters as {name}. Templates and the wallet layer read texts only from here.

The language is chosen per request: ?lang= (remembered in a cookie), then the cookie, then the best match in
Accept-Language, then English."""

import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

MESSAGES = Path(__file__).resolve().parent / "messages"
LANGUAGES = ("en", "zh")
DEFAULT = "en"
COOKIE = "lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    messages: dict[str, str] = json.loads((MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))
    return messages


class _Keep(dict[str, Any]):
    """format_map that leaves an unknown {name} as it is rather than failing the page."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Translator:
    lang: str

    def __call__(self, key: str, **params: Any) -> str:
        text = catalogue(self.lang).get(key) or catalogue(DEFAULT).get(key) or key
        if any(isinstance(value, Markup) for value in params.values()):  # e.g. a <time> inside a sentence
            return Markup(escape(text)).format_map(_Keep(params))
        return string.Formatter().vformat(text, (), _Keep(params)) if params else text

    def has(self, key: str) -> bool:
        return key in catalogue(self.lang)


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    for choice in (query_lang, cookie_lang):
        if choice in LANGUAGES:
            return choice
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


def wallet_messages(lang: str) -> dict[str, str]:
    """What the wallet layer needs: its own texts, every contract error, enum names and time units."""
    prefixes = ("wallet.", "error.", "enum.", "flow.", "time.")
    merged = {k: v for k, v in catalogue(DEFAULT).items() if k.startswith(prefixes)}
    merged.update({k: v for k, v in catalogue(lang).items() if k.startswith(prefixes)})
    return merged
