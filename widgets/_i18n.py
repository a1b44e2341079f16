"""Bilingual message layer shared by every helper.

Each helper declares its texts as ``Message`` constants; ``str`` of a message, or
calling it with format arguments, gives the text in the language chosen by ``setup``.
Errors raised for bad input carry a ``Message`` so they, too, speak the learner's language.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

LANGUAGES: dict[str, str] = {"ja": "日本語", "en": "English"}
_state = {"lang": "ja"}


def get_lang() -> str:
    """The language helpers currently speak: ``"ja"`` or ``"en"``."""
    return _state["lang"]


def normalize_lang(lang: object) -> str:
    """Return ``"ja"`` or ``"en"`` for inputs such as ``"ja"``, ``"EN"`` or ``"ja_JP"``."""
    if isinstance(lang, str):
        code = lang.strip().lower().replace("-", "_").split("_")[0]
        if code in LANGUAGES:
            return code
    choices = ", ".join(f'"{k}" ({v})' for k, v in LANGUAGES.items())
    raise CourseValueError(UNKNOWN_LANG, lang=repr(lang), choices=choices, both=True)


def set_lang(lang: object) -> str:
    """Switch every helper's language; returns the normalized code."""
    _state["lang"] = normalize_lang(lang)
    return _state["lang"]


@dataclass(frozen=True)
class Message:
    """One text in both languages, with the same ``{placeholders}`` in each."""

    ja: str
    en: str

    def __post_init__(self) -> None:
        if placeholders(self.ja) != placeholders(self.en):
            raise ValueError(f"placeholders differ: {self.ja!r} / {self.en!r}")

    def __call__(self, lang: str | None = None, /, **fmt: object) -> str:
        lang = "ja" if (lang or get_lang()) == "ja" else "en"
        text = self.ja if lang == "ja" else self.en
        # A blank filled by another message (a word such as "an integer") speaks this language.
        fmt = {k: v(lang) if isinstance(v, Message) else v for k, v in fmt.items()}
        # Without blanks the text is still formatted, so {{ and }} print as { and }; with
        # blanks and no values it stays a template (tests read its words up to the first {).
        return text.format(**fmt) if fmt or not placeholders(text) else text

    def __str__(self) -> str:
        return self()

    def both(self, **fmt: object) -> str:
        """Both languages, the current one first (for errors raised before ``setup``)."""
        first = get_lang()
        second = "en" if first == "ja" else "ja"
        return f"{self(first, **fmt)}\n{self(second, **fmt)}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class CourseError(Exception):
    """Base class of the helpers' errors: the text is in the learner's language.

    In IPython the traceback is replaced by the message alone: the learner's own cell
    is what needs fixing, not the helper's internals.
    """

    def __init__(self, message: Message, *, both: bool = False, **fmt: object) -> None:
        self.message = message
        self.fmt = fmt
        text = message.both(**fmt) if both else message(**fmt)
        super().__init__(text)

    def _render_traceback_(self) -> list[str]:
        name = type(self).__name__
        return [f"\x1b[31m{name}\x1b[0m: {self}"]


class CourseValueError(CourseError, ValueError):
    """A value a helper cannot use (empty, NaN, out of range, unknown name)."""


class CourseTypeError(CourseError, TypeError):
    """An argument of the wrong type."""


UNKNOWN_LANG = Message(
    ja="言語 {lang} には対応していません。次のどれかを指定してください: {choices}",
    en="Language {lang} is not supported. Use one of: {choices}",
)
