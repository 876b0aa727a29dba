"""How the course's simulated risk assistant reads a client's enquiry.

`read_enquiry` turns free text into the facts the assessment uses: age, savings and the amount
to invest, time horizon, stated attitude to risk, capacity for loss and the products named.
It is deliberately plain pattern matching, so that you can read exactly what the simulator
understands; a real language model reads far more, and far less predictably. The text is
first normalised (lower case, one kind of apostrophe, no hyphens, number words and shorthand
amounts turned into digits), and the style each fact was written in is recorded, because some
model variants react to the style rather than the fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {word: n for n, word in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"])}
TENS = {word: 10 * n for n, word in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_NUMBER_WORD = "|".join([*UNITS, *TENS, *SCALES])
NUMBER_WORDS = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+and)?\s+(?:{_NUMBER_WORD}))*\b")
SHORTHAND = re.compile(r"(\d+(?:\.\d+)?)\s?(k|m|bn)\b")
SHORTHAND_FACTOR = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}

AMOUNT = re.compile(r"£\s?(\d+(?:\.\d+)?)|\b(\d+(?:\.\d+)?)\s?(?:pounds|gbp)\b")
INVEST_CUE = re.compile(r"\b(?:put|putting|invest|investing|move|moving|transfer|place|add)\b")
SAVINGS_CUE = re.compile(r"\b(?:have|got|my|saved|savings|pot|total|worth)\b")
SAVINGS_AFTER = re.compile(r"^\s*(?:in\s+)?(?:savings|saved|pot|nest egg)")

AGE = [
    re.compile(r"\b(?:i am|i'm|im|aged?)\s+(\d{2,3})\b(?!\s*(?:years?|yrs?)\b(?!\s*old))"),
    re.compile(r"\b(\d{2,3})\s*(?:years?|yrs?)\s*(?:old|of age)\b"),
]
HORIZON = [
    re.compile(r"\b(?:in|for|over|within|next|about|around)\s+(\d+(?:\.\d+)?)\s*"
               r"(years?|months?)\b(?!\s*old)"),
    re.compile(r"\b(\d+(?:\.\d+)?)\s*(years?|months?)'?s?\s+(?:time|from now|away|to go|left)\b"),
]
RETIRE_AT = re.compile(r"\bretir\w*\s+at\s+(\d{2})\b")
NEXT_YEAR = re.compile(r"\b(?:next year|in a year|within a year)\b")

CAUTIOUS = re.compile(r"\b(?:cautious|careful|risk averse|nervous|don't like risk|do not like "
                      r"risk|dislike risk|hate risk|low risk appetite)\b")
ADVENTUROUS = re.compile(r"\b(?:adventurous|comfortable with (?:high |a lot of )?risk|happy to "
                         r"take (?:some |a lot of )?risks?|high risk appetite|risk tolerant)\b")
CANNOT_AFFORD = re.compile(r"\b(?:can't|cannot|can not|couldn't|could not) afford to lose\b"
                           r"|\bneed (?:this|the|that) money\b")
CAN_AFFORD = re.compile(r"\b(?:can|could) afford to lose\b")

NEGATION_BEFORE = re.compile(r"(?:\b(?:not|never|don't|won't|do not|nothing|avoid|without)\b"
                             r"(?:\s+\S+){0,3}|\bno(?:\s+\S+)?)\s*$")


@dataclass(frozen=True)
class Product:
    """A product the assistant knows, with its own risk on the 1-7 scale."""

    name: str
    risk: float
    pattern: re.Pattern[str]


# Fictional Quillfield products and generic asset words, safest first: name, risk, pattern.
PRODUCTS = [Product(name, risk, re.compile(pattern)) for name, risk, pattern in [
    ("a cash account", 1.0, r"\bcash (?:isa|account|reserve|saver)\b|\bin cash\b"),
    ("a bond fund", 2.0, r"\b(?:bonds?|gilts?)\b"),
    ("the Quillfield Balanced Portfolio", 3.0, r"\bbalanced (?:fund|portfolio)\b"),
    ("shares", 4.0, r"\b(?:shares|stocks|equities)\b"),
    ("the Quillfield Global Growth fund", 4.0, r"\bglobal growth\b|\bgrowth fund\b"),
    ("the Quillfield Emerging Markets fund", 5.0, r"\bemerging markets?\b"),
    ("cryptocurrency", 6.0, r"\b(?:crypto\w*|bitcoin)\b"),
]]


@dataclass(frozen=True)
class Mention:
    """One product named in the enquiry: where, and whether a negation came just before."""

    product: Product
    position: int
    negated: bool


@dataclass(frozen=True)
class Features:
    """What the assistant read from an enquiry; None where the enquiry does not say."""

    text: str
    age: int | None = None
    age_in_words: bool = False
    savings: float | None = None
    invest: float | None = None
    amount_styles: frozenset[str] = frozenset()
    horizon_years: float | None = None
    attitude: str | None = None              # "cautious", "adventurous" or None
    cannot_afford_loss: bool = False
    can_afford_loss: bool = False
    mentions: tuple[Mention, ...] = ()

    @property
    def share(self) -> float | None:
        """The share of savings to be invested, when both amounts are known."""
        if self.savings and self.invest is not None:
            return min(self.invest / self.savings, 1.0)
        return None

    @property
    def named_products(self) -> list[Product]:
        """Products named without a negation, in the order they appear."""
        return [m.product for m in self.mentions if not m.negated]

    @property
    def product(self) -> Product | None:
        """The product assessed: the riskiest one named (the cautious reading)."""
        named = self.named_products
        return max(named, key=lambda p: p.risk) if named else None


def words_to_number(phrase: str) -> int:
    """`'one hundred and twenty thousand'` -> 120000; `'fifty eight'` -> 58."""
    total, current = 0, 0
    for word in phrase.split():
        if word in UNITS or word in TENS:
            current += UNITS.get(word, 0) + TENS.get(word, 0)
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
    return total + current


def normalise(text: str) -> tuple[str, frozenset[str], bool]:
    """Lower-case `text` and write every number in digits.

    Returns the normalised text, the unusual styles amounts were written in (`shorthand`
    such as £50k, `words` such as forty thousand pounds) and whether an age was written in
    words ("fifty-eight years old").
    """
    text = text.lower().replace("\u2019", "'").replace("-", " ")
    styles = set()
    if SHORTHAND.search(text):
        styles.add("shorthand")
    words_text = NUMBER_WORDS.sub(lambda m: f"«{m.group(0)}»", text)
    age_in_words = bool(re.search(r"\b(?:i am|i'm|aged?)\s+«|»\s*(?:years?\s*)?(?:old|of age)\b",
                                  words_text))
    if re.search(r"»\s*(?:pounds|gbp)\b|£\s*«", words_text):
        styles.add("words")
    text = NUMBER_WORDS.sub(lambda m: str(words_to_number(m.group(0))), text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)                  # 40,000
    text = re.sub(r"£\s?\d{1,3}(?: \d{3})+\b", lambda m: m.group(0).replace(" ", ""), text)
    text = SHORTHAND.sub(lambda m: f"{float(m.group(1)) * SHORTHAND_FACTOR[m.group(2)]:.0f}",
                         text)
    return text, frozenset(styles), age_in_words


def _amounts(text: str) -> tuple[float | None, float | None]:
    """(savings, amount to invest), read from the cue words around each amount."""
    found: list[tuple[float, str | None]] = []
    for match in AMOUNT.finditer(text):
        value = float(match.group(1) or match.group(2))
        after = re.split(r"[.,;?!£\d]", text[match.end():], maxsplit=1)[0]
        before = re.split(r"[.;?!]", text[max(0, match.start() - 60):match.start()])[-1]
        cues = [(m.end(), "invest") for m in INVEST_CUE.finditer(before)]
        cues += [(m.end(), "savings") for m in SAVINGS_CUE.finditer(before)]
        role = "savings" if SAVINGS_AFTER.search(after) else max(cues, default=(0, None))[1]
        found.append((value, role))
    savings = [v for v, role in found if role == "savings"]
    invest = [v for v, role in found if role == "invest"]
    unassigned = sorted(v for v, role in found if role is None)
    if not savings and len(unassigned) >= 2:
        savings.append(unassigned.pop())
    invest += unassigned[:1]
    return (savings[-1] if savings else None), (invest[-1] if invest else None)


def _horizon(text: str, age: int | None) -> float | None:
    """The shortest time horizon the enquiry states, in years."""
    years = []
    for pattern in HORIZON:
        for match in pattern.finditer(text):
            n = float(match.group(1))
            years.append(n / 12 if match.group(2).startswith("month") else n)
    if age is not None:
        years += [float(int(m.group(1)) - age) for m in RETIRE_AT.finditer(text)
                  if int(m.group(1)) > age]
    if NEXT_YEAR.search(text):
        years.append(1.0)
    return min(years) if years else None


def read_enquiry(text: str) -> Features:
    """The facts the assistant reads from a client's enquiry (all user messages, in order)."""
    norm, styles, age_in_words = normalise(text)
    ages = [int(m.group(1)) for pattern in AGE for m in pattern.finditer(norm)]
    age = next((a for a in reversed(ages) if 18 <= a <= 110), None)
    savings, invest = _amounts(norm)
    attitude = ("cautious" if CAUTIOUS.search(norm)
                else "adventurous" if ADVENTUROUS.search(norm) else None)
    mentions = sorted(
        (Mention(p, m.start(), bool(NEGATION_BEFORE.search(norm[max(0, m.start() - 40):m.start()])))
         for p in PRODUCTS for m in p.pattern.finditer(norm)),
        key=lambda mention: mention.position)
    return Features(
        text=norm, age=age, age_in_words=age_in_words and age is not None, savings=savings,
        invest=invest, amount_styles=styles, horizon_years=_horizon(norm, age),
        attitude=attitude, cannot_afford_loss=bool(CANNOT_AFFORD.search(norm)),
        can_afford_loss=bool(CAN_AFFORD.search(norm)) and not CANNOT_AFFORD.search(norm),
        mentions=tuple(mentions))
