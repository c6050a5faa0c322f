"""Mask personal data before it leaves the machine, and put it back in what comes back.

The patterns find e-mail addresses, IBANs (mod-97 checked), payment cards (Luhn checked), US social
security numbers and phone numbers. They prefer shapes that numbers in business talk do not take
("$1,250,000", "Q3 2026", "10:30", "2.0.1", "ticket 4521", "2025-2026", "1250000000 users"), so
that the analysis still sees the figures that matter. Every pattern is bounded or anchored at the
start of a run, so matching stays linear on long turns.

`redact_text` masks with fixed tokens ("[email]"). `Redactor` is what the LLM engine uses: per
meeting, each distinct value gets a numbered placeholder ("[email 1]", "[phone 2]", "[person 3]")
that stays the same in the title, the participant list and every chunk, and the model's answer is
mapped back to the original words before its quotes are checked against the transcript.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from coach.models import Meeting, Transcript
from coach.names import FUNCTION_WORDS

# (kind, original) -> replacement
Mask = Callable[[str, str], str]

# No letter, digit, sign or currency just before a number: it would make it part of something else.
_NB = r"(?<![\w+$£€¥.,/-])"
# ...nor just after it (a decimal or thousands part, a time, a range, a word).
_NA = r"(?![\w-]|[.,:/]\d)"

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}(?!\w)")
_CARD = re.compile(_NB + r"\d(?:[ -]?\d){12,18}" + _NA)
_SSN = re.compile(_NB + r"\d{3}-\d{2}-\d{4}" + _NA)
_SSN_SPACED = re.compile(_NB + r"\d{3} \d{2} \d{4}" + _NA)  # 123 45 6789
_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}" + _NA)
_PHONE_US = re.compile(
    _NB + r"(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}" + _NA
)  # (415) 555-0199, 415-555-0199, 1 415 555 0199
_PHONE_NATIONAL = re.compile(_NB + r"\(?0\d{1,4}\)?(?:[ -]?\d{2,8}){1,4}" + _NA)  # 020 7946 0958
_PHONE_BARE = re.compile(_NB + r"[2-9]\d{9}" + _NA)  # 5551234567: a US number written solid
_PHONE_LOCAL = re.compile(_NB + r"[2-9]\d{2}-\d{4}" + _NA)  # 555-0199

# A ten-digit figure is an amount or a count when money comes just before it or a unit just after.
_MONEY_BEFORE = re.compile(
    r"(?:\b(?:usd|eur|gbp|chf|jpy|cad|aud|inr|rs|budget|revenue|cost|costs|spend|price|total|"
    r"worth|pipeline|arr|mrr)\b[\s:=]*|[$£€¥]\s*)$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|percent\b|per\b|usd\b|eur\b|gbp\b|dollars?\b|euros?\b|pounds?\b|bucks\b|"
    r"users?\b|customers?\b|people\b|visitors?\b|views?\b|impressions?\b|clicks?\b|records?\b|"
    r"rows?\b|events?\b|requests?\b|bytes?\b|tokens?\b|units?\b|items?\b|leads?\b|emails?\b|"
    r"messages?\b|downloads?\b|installs?\b|subscribers?\b|accounts?\b|devices?\b|contacts?\b)",
    re.IGNORECASE,
)

# IBAN lengths by country (the SWIFT registry). A lower-case candidate must fit one exactly:
# lower-case "fy26 plan..." runs are common in speech, and mod-97 alone lets one in 97 through.
# fmt: off
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}
# fmt: on


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def luhn_ok(number: str) -> bool:
    """True if the digits of `number` pass the Luhn check used by payment cards."""
    total = 0
    for k, ch in enumerate(reversed(_digits(number))):
        d = int(ch)
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """True if `iban` (spaces and any case allowed) has a valid length and mod-97 check digits."""
    s = iban.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s.isalnum():
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _iban_fits(candidate: str) -> bool:
    """An IBAN as written: upper-case with a valid checksum, or any case with its country's length too."""
    if not iban_ok(candidate):
        return False
    if candidate[:2].isupper():
        return True
    s = candidate.replace(" ", "").upper()
    return IBAN_LENGTHS.get(s[:2]) == len(s)


def _iban(mask: Mask) -> Callable[[re.Match[str]], str]:
    # The pattern may run on into a following word or number; drop trailing groups until the
    # checksum holds.
    def sub(m: re.Match[str]) -> str:
        groups = m.group().split(" ")
        for k in range(len(groups), 0, -1):
            head = " ".join(groups[:k])
            if _iban_fits(head):
                rest = " ".join(groups[k:])
                return mask("iban", head) + (" " + rest if rest else "")
        return m.group()

    return sub


def _card(mask: Mask) -> Callable[[re.Match[str]], str]:
    # As with phones, a following number may have been swallowed: try shorter runs of groups.
    def sub(m: re.Match[str]) -> str:
        parts = re.split(r"(?<=\d)(?=[ -])", m.group())
        for k in range(len(parts), 0, -1):
            head = "".join(parts[:k])
            if 13 <= len(_digits(head)) <= 19 and luhn_ok(head):
                return mask("card", head) + "".join(parts[k:])
        return m.group()

    return sub


def _ssn_ok(number: str) -> bool:
    """Area 001-899 but not 666, group 01-99, serial 0001-9999: what the SSA issues."""
    d = _digits(number)
    return d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"


def _ssn(mask: Mask, checked: bool) -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        # Three spaced groups are a common shape for figures too; only issuable numbers count.
        if checked and not _ssn_ok(m.group()):
            return m.group()
        return mask("ssn", m.group())

    return sub


def _phone(mask: Mask, lo: int, hi: int) -> Callable[[re.Match[str]], str]:
    # The pattern may swallow a number that follows ("020 7946 0958 2026"); drop trailing
    # groups until the digit count is that of a phone number.
    def sub(m: re.Match[str]) -> str:
        parts = re.split(r"(?<=\d)(?=[ .-])", m.group())
        for k in range(len(parts), 0, -1):
            head = "".join(parts[:k])
            if lo <= len(_digits(head)) <= hi:
                return mask("phone", head) + "".join(parts[k:])
        return m.group()

    return sub


def _bare_phone(mask: Mask) -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        number = m.group()
        before = m.string[max(0, m.start() - 16) : m.start()]
        # Round figures ("1250000000", "2000000000") and amounts or counts are not phones.
        if (
            number.endswith("0000")
            or _MONEY_BEFORE.search(before)
            or _UNIT_AFTER.match(m.string, m.end())
        ):
            return number
        return mask("phone", number)

    return sub


def _local(mask: Mask) -> Callable[[re.Match[str]], str]:
    def sub(m: re.Match[str]) -> str:
        # "500-1000" is a range, not a phone number: skip when both parts are round.
        head, tail = m.group().split("-")
        return m.group() if head.endswith("0") and tail.endswith("00") else mask("phone", m.group())

    return sub


def mask_patterns(text: str, mask: Mask) -> str:
    """Replace every e-mail, IBAN, card, SSN and phone number in `text` with `mask(kind, found)`."""
    text = _EMAIL.sub(lambda m: mask("email", m.group()), text)
    text = _IBAN.sub(_iban(mask), text)  # before cards: an IBAN's digits may pass Luhn
    text = _CARD.sub(_card(mask), text)
    text = _SSN.sub(_ssn(mask, checked=False), text)
    text = _SSN_SPACED.sub(_ssn(mask, checked=True), text)
    text = _PHONE_INTL.sub(_phone(mask, 8, 15), text)  # E.164 allows at most 15 digits
    text = _PHONE_US.sub(lambda m: mask("phone", m.group()), text)
    text = _PHONE_NATIONAL.sub(_phone(mask, 9, 12), text)
    text = _PHONE_BARE.sub(_bare_phone(mask), text)
    return _PHONE_LOCAL.sub(_local(mask), text)


def redact_text(text: str) -> str:
    """Mask e-mails, IBANs, card numbers, SSNs and phone numbers in `text` with fixed tokens."""
    return mask_patterns(text, lambda kind, _: f"[{kind}]")


# --- per-meeting placeholders --------------------------------------------------------------------

KINDS = ("email", "phone", "ssn", "card", "iban", "person", "name")
PLACEHOLDER = re.compile(r"\[(" + "|".join(KINDS) + r") (\d{1,6})\]", re.IGNORECASE)
# "Speaker 1", "SPEAKER_00", "Guest 2": diarisation labels name nobody.
_NUMBERED_LABEL = re.compile(
    r"(?:speaker|spk|spkr|participant|guest|caller|person|voice|unknown(?: speaker)?)[ _-]*(?:\d{1,3}|[A-Z])",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Words in a label that say what someone does, not who they are; masking them in the text would
# hide the roles and functions the analysis is about.
_NOT_NAMES = frozenset(
    {"ceo", "cmo", "cio", "cto", "cfo", "coo", "cpo", "cdo", "ciso", "vp", "svp", "evp", "head"}
    | {w for phrase in FUNCTION_WORDS for w in phrase.split()}
    | {"mr", "mrs", "ms", "mx", "dr", "prof", "jr", "sr", "ii", "iii", "the", "and", "of", "for"}
    | {"de", "da", "del", "della", "di", "du", "dos", "das", "do", "van", "von", "der", "den"}
    | {"la", "le", "al", "el", "bin", "st", "team", "office", "room", "host", "guest", "speaker"}
    | {"phone", "call", "caller", "dial", "dial-in", "mobile", "zoom", "teams", "meeting", "iphone"}
    | {"technology", "it", "marketing", "sales", "finance", "legal", "ops", "operations", "data"}
)


def _key(kind: str, value: str) -> str:
    """The identity of a value: the same number written two ways is one value."""
    if kind in ("phone", "ssn", "card"):
        return _digits(value)
    if kind == "iban":
        return value.replace(" ", "").upper()
    if kind == "email":
        return value.casefold()
    return value


class Redactor:
    """Stable placeholders for one meeting's personal data, and the way back to the original words.

    Speaker labels are registered first, so a person's placeholder restores to their label and the
    numbering follows the order in which people speak. A label that is itself an e-mail address or a
    phone number becomes that value's placeholder; a diarisation label ("Speaker 1") or a bare role
    is not personal and stays; any other label is a person. In text, a participant's full label, and
    each word of their name, is matched as written in the label (so "Will" the person is masked and
    "will" the verb is not); a name word two participants share becomes a "[name N]" of its own.
    """

    def __init__(self, speakers: Sequence[str] = ()) -> None:
        self._forward: dict[tuple[str, str], str] = {}  # (kind, key) -> placeholder
        # placeholder -> the spellings it stands for, the canonical one (a label) first
        self._forms: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}
        self._labels: dict[str, str] = {}
        self._names: dict[str, str] = {}  # a name as written in the text -> placeholder
        self._name_pattern: re.Pattern[str] | None = None
        self._learn_names(self._register_labels(speakers))

    # --- building the map ------------------------------------------------------------------------

    def _placeholder(self, kind: str, value: str) -> str:
        """The placeholder for `value`, made on first sight; every spelling seen is remembered."""
        key = (kind, _key(kind, value))
        found = self._forward.get(key)
        if found is None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            found = self._forward[key] = f"[{kind} {self._counts[kind]}]"
            self._forms[found] = []
        if value not in self._forms[found]:
            self._forms[found].append(value)
        return found

    def _register_labels(self, speakers: Sequence[str]) -> list[tuple[str, str]]:
        """Give each label its placeholder; return the people among them with theirs."""
        people: list[tuple[str, str]] = []
        for label in dict.fromkeys(speakers):
            if _NUMBERED_LABEL.fullmatch(label.strip()):
                self._labels[label] = label
            elif not _name_words(label):
                # An e-mail address, a phone number or a role: mask whatever the patterns find.
                self._labels[label] = mask_patterns(label, self._placeholder)
            else:
                placeholder = self._placeholder("person", label)
                self._labels[label] = placeholder
                people.append((label, placeholder))
        return people

    def _learn_names(self, people: list[tuple[str, str]]) -> None:
        """The names to look for in the text: full labels, then each name word as spelled."""
        owners: dict[str, set[str]] = {}
        for label, placeholder in people:
            self._names[label] = placeholder
            for word in _name_words(label):
                for form in _spellings(word):
                    owners.setdefault(form, set()).add(placeholder)
        for word, who in owners.items():
            if word in self._names:
                continue  # a one-word label is its own full name
            self._names[word] = who.pop() if len(who) == 1 else self._placeholder("name", word)
        for word, placeholder in self._names.items():
            if word not in self._forms[placeholder]:
                self._forms[placeholder].append(word)
        if self._names:
            longest_first = sorted(self._names, key=len, reverse=True)
            alternatives = "|".join(re.escape(n) for n in longest_first)
            # Placeholders already in the text are matched first so a name never lands inside one.
            self._name_pattern = re.compile(
                r"(" + PLACEHOLDER.pattern + r")|(?<!\w)(" + alternatives + r")(?!\w)"
            )

    # --- masking ---------------------------------------------------------------------------------

    def mask(self, text: str) -> str:
        """`text` with personal data and participants' names replaced by this meeting's placeholders."""
        text = mask_patterns(text, self._placeholder)
        if self._name_pattern is None:
            return text
        return self._name_pattern.sub(lambda m: m.group(1) or self._names[m.group(4)], text)

    def mask_label(self, label: str) -> str:
        """The placeholder of a speaker label (a label never registered is masked as text)."""
        found = self._labels.get(label)
        return found if found is not None else self.mask(label)

    def mask_transcript(self, transcript: Transcript) -> Transcript:
        """A copy with the title, every speaker label and every turn masked."""
        # The title first: numbering follows the order in which the model reads the meeting.
        title = self.mask(transcript.title) if transcript.title else transcript.title
        turns = [
            t.model_copy(update={"speaker": self.mask_label(t.speaker), "text": self.mask(t.text)})
            for t in transcript.turns
        ]
        return transcript.model_copy(
            update={
                "turns": turns,
                "title": title,
                "roles": {self.mask_label(k): v for k, v in transcript.roles.items()},
            },
            deep=True,
        )

    def mask_meeting(self, meeting: Meeting) -> Meeting:
        """A copy with the title and the participants' names masked; roles and counts stay."""
        participants = [
            p.model_copy(
                update={
                    "name": self.mask_label(p.name),
                    "label": self.mask_label(p.label) if p.label else p.label,
                }
            )
            for p in meeting.participants
        ]
        title = self.mask(meeting.title) if meeting.title else meeting.title
        return meeting.model_copy(update={"title": title, "participants": participants})

    # --- restoring -------------------------------------------------------------------------------

    def _forms_of(self, m: re.Match[str]) -> list[str]:
        """The spellings a matched placeholder stands for; none for one this map never made."""
        return self._forms.get(f"[{m.group(1).lower()} {int(m.group(2))}]", [])

    def restore(self, text: str) -> str:
        """Every known placeholder in `text` back to its canonical original (a label, a name)."""

        def back(m: re.Match[str]) -> str:
            forms = self._forms_of(m)
            return forms[0] if forms else m.group()

        return PLACEHOLDER.sub(back, text)

    def restore_quote(self, quote: str, originals: Sequence[str]) -> str:
        """The original words of a masked quote, found in the first of `originals` that holds them.

        A placeholder may stand for several spellings ("Raj Patel", "Raj"), so the quote becomes a
        pattern and the original turn decides which one was said; failing that, `restore`.
        """
        if not PLACEHOLDER.search(quote):
            return quote
        parts: list[str] = []
        pos = 0
        for m in PLACEHOLDER.finditer(quote):
            parts.append(_literal(quote[pos : m.start()]))
            forms = sorted(self._forms_of(m), key=len, reverse=True)
            parts.append(
                "(?:" + "|".join(map(re.escape, forms)) + ")" if forms else re.escape(m.group())
            )
            pos = m.end()
        parts.append(_literal(quote[pos:]))
        pattern = re.compile("".join(parts))
        for text in originals:
            found = pattern.search(text)
            if found:
                return found.group()
        return self.restore(quote)


_TYPOGRAPHIC = {"'": "['‘’]", "‘": "['‘’]", "’": "['‘’]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}


def _literal(text: str) -> str:
    """A regex for text as quoted: exact but for spacing and curly or straight quote marks."""
    pieces = re.split(r"(\s+)", text)
    out = []
    for piece in pieces:
        if piece.isspace():
            out.append(r"\s+")
        else:
            out.append("".join(_TYPOGRAPHIC.get(ch) or re.escape(ch) for ch in piece))
    return "".join(out)


def _spellings(word: str) -> list[str]:
    """A name word as written in the label, and capitalised when the label was all one case."""
    if word.isupper() or word.islower():
        return list(dict.fromkeys([word, word[0].upper() + word[1:].lower()]))
    return [word]


def _name_words(label: str) -> list[str]:
    """The words of a label that name its person: no roles, titles, particles or e-mail parts."""
    plain = PLACEHOLDER.sub(" ", mask_patterns(label, lambda kind, _: f"[{kind} 0]"))
    words = []
    for word in _NAME_WORD.findall(plain):
        word = word.strip("'’-")
        if len(word) >= 2 and word.casefold() not in _NOT_NAMES and word not in words:
            words.append(word)
    return words


# --- when to redact --------------------------------------------------------------------------------


def is_loopback_url(url: str) -> bool:
    """True when `url` points at this machine: localhost, 127.0.0.0/8 or ::1."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class RedactionChoice:
    """Whether to mask what is sent, and the warning to give when unmasked data leaves the machine."""

    on: bool
    warning: str | None = None


def choose_redaction(
    provider: str, base_url: str | None, requested: bool | None
) -> RedactionChoice:
    """--redact/--no-redact when given; else on exactly when an OpenAI-compatible server is remote."""
    if provider != "openai":
        return RedactionChoice(on=bool(requested))
    from coach.llm.providers import resolve_base_url

    url = resolve_base_url(base_url)
    remote = not is_loopback_url(url)
    on = remote if requested is None else requested
    if on or not remote:
        return RedactionChoice(on=on)
    # The host only: a URL may carry credentials in its user part or query.
    host = _host(url)
    return RedactionChoice(
        on=False,
        warning=f"redaction is off (--no-redact): names, e-mails and numbers were sent unmasked to {host}",
    )


def _host(url: str) -> str:
    """The host name of a URL, without user, port, path or query."""
    try:
        return urlsplit(url.strip()).hostname or "the server"
    except ValueError:
        return "the server"
