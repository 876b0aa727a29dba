"""Generate practice project 3's data: three products' native logs and the answer key.

Cobblewick Home (a fictional UK homeware shop) runs three LLM products on one shared model:
Ask Cobblewick (search answers), Forge (a coding assistant) and the review summariser. This
script invents every record, plants the failures and writes, under ROOT (default: the
repository):

    datasets/cross-product/search/answers.jsonl
    datasets/cross-product/codegen/forge_export.json
    datasets/cross-product/summaries/summaries.csv
    solutions/cross-domain-synthesis/gold.csv

It lives with the answer keys because it knows the labels. The shared pattern is
`hallucinated-specificity`: the output states a precise detail its evidence does not contain,
far more often when the evidence is thin (fewer than 40 words). Everything is invented.

    python solutions/cross-domain-synthesis/make_data.py [--out ROOT]

Deterministic: one `random.Random(SEED)` drives every choice, so two runs write
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20261130
REPO = Path(__file__).resolve().parents[2]
SEARCH_FILE = "datasets/cross-product/search/answers.jsonl"
CODEGEN_FILE = "datasets/cross-product/codegen/forge_export.json"
SUMMARIES_FILE = "datasets/cross-product/summaries/summaries.csv"
GOLD_FILE = "solutions/cross-domain-synthesis/gold.csv"
GOLD_COLUMNS = ["record_id", "product", "position", "status", "reject_reason", "code", "thin",
                "signal", "occurred_at", "evidence_ids", "unsupported"]

PATTERN = "hallucinated-specificity"
CLUSTERS = {"search": ("wrong-document", "broken-format"),
            "codegen": ("incomplete-change", "wrong-task"),
            "summarisation": ("length-violation", "omitted-complaint")}
THIN_SHARE = 0.35
PATTERN_THIN, PATTERN_RICH = 0.325, 0.065
CLUSTER_SHARE = 0.14
SIGNAL_RATES = {"search": (0.45, 0.25, 0.04), "codegen": (0.35, 0.20, 0.03),
                "summarisation": (0.25, 0.10, 0.02)}      # pattern, other failures, ok
UNREVIEWED_FAILURES = 0.15
TYPO_SHARE = 0.05
START = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
END = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------

def words(text: str) -> int:
    return len(text.split())


def evidence_words(texts: list[str]) -> int:
    return sum(words(t) for t in texts)


def absent(specific: str, texts: list[str]) -> bool:
    low = specific.lower()
    return all(low not in t.lower() for t in texts)


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a swapped, dropped or doubled letter in a longer word."""
    tokens = text.split(" ")
    spots = [i for i, t in enumerate(tokens) if len(t) >= 5 and t.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    w = tokens[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    elif kind == 1:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j] + w[j] + w[j:]
    tokens[i] = w
    return " ".join(tokens)


def label_plan(rng: random.Random, n: int, product: str) -> list[tuple[str, bool]]:
    """(code, thin) for n converted records: exact counts per stratum, shuffled."""
    a, b = CLUSTERS[product]
    n_thin = round(THIN_SHARE * n)
    plan: list[tuple[str, bool]] = []
    for thin, size, rate in ((True, n_thin, PATTERN_THIN), (False, n - n_thin, PATTERN_RICH)):
        k_pat = round(rate * size)
        k_a = round(CLUSTER_SHARE * size)
        k_b = round(CLUSTER_SHARE * size)
        codes = [PATTERN] * k_pat + [a] * k_a + [b] * k_b
        codes += ["ok"] * (size - len(codes))
        plan += [(c, thin) for c in codes]
    rng.shuffle(plan)
    return plan


def plan_signals(rng: random.Random, codes: list[str], product: str) -> list[bool]:
    """The business signal per record: exactly round(rate * group size) per group."""
    p_pat, p_other, p_ok = SIGNAL_RATES[product]
    groups = {"pattern": [], "other": [], "ok": []}
    for i, code in enumerate(codes):
        key = "pattern" if code == PATTERN else "ok" if code == "ok" else "other"
        groups[key].append(i)
    signal = [False] * len(codes)
    for key, rate in (("pattern", p_pat), ("other", p_other), ("ok", p_ok)):
        members = groups[key]
        for i in rng.sample(members, round(rate * len(members))):
            signal[i] = True
    return signal


def note_for(rng: random.Random, code: str, templates: dict[str, list[str]],
             terse: list[str], fill: dict[str, str]) -> str:
    """A reviewer's note for a failing record, in the team's own words."""
    if rng.random() < 0.08:
        return rng.choice(terse)
    text = rng.choice(templates[code]).format(**fill)
    if rng.random() < TYPO_SHARE:
        text = typo(rng, text)
    return text


def spread_times(rng: random.Random, n: int) -> list[datetime]:
    """n instants in November, denser on weekday daytimes, sorted."""
    out = []
    span = (END - START).total_seconds()
    while len(out) < n:
        moment = START + timedelta(seconds=rng.random() * span)
        weight = 1.0 if 8 <= moment.hour <= 21 else 0.25
        if moment.weekday() >= 5:
            weight *= 0.7
        if rng.random() < weight:
            out.append(moment.replace(microsecond=0))
    return sorted(out)


@dataclass
class Gold:
    record_id: str
    product: str
    position: int = 0
    status: str = "converted"
    reject_reason: str = ""
    code: str = ""
    thin: bool = False
    signal: bool = False
    occurred_at: str = ""
    evidence_ids: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    def row(self) -> list[str]:
        return [self.record_id, self.product, str(self.position), self.status,
                self.reject_reason, self.code if self.status == "converted" else "",
                str(self.thin).lower(), str(self.signal).lower(), self.occurred_at,
                ";".join(self.evidence_ids), ";".join(self.unsupported)]


# ---------------------------------------------------------------------------------------
# The catalogue: invented products and help articles
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    short: str
    cat: str
    blurb: tuple[str, ...]
    attrs: dict[str, str]


def _p(sku, name, short, cat, blurb, **attrs):
    return Product(sku, name, short, cat, tuple(blurb), attrs)


PRODUCTS = [
    _p("P-ALDER-TBL", "Alder dining table", "alder dining table", "furniture",
       ["Solid oak top with softly rounded corners.", "Finished in a hard-wearing natural oil.",
        "Tapered legs in the same oak."],
       size="180 x 90 cm", seats="six", weight="48 kg", price="£649", origin="Portugal"),
    _p("P-ALDER-CFT", "Alder coffee table", "alder coffee table", "furniture",
       ["Low oak table with a lower shelf for magazines.", "Matches the Alder dining range."],
       size="110 x 60 cm", load="30 kg", price="£279", origin="Portugal"),
    _p("P-ALDER-BEN", "Alder bench", "alder bench", "furniture",
       ["Oak bench that slides under the Alder dining table.", "Oiled finish."],
       size="140 x 35 cm", load="150 kg", price="£229"),
    _p("P-HARROW-SHF", "Harrow ladder shelf", "harrow ladder shelf", "furniture",
       ["Leaning ladder shelf in powder-coated steel and ash.", "Five shelves, narrowing "
        "towards the top.", "Supplied with a wall strap."],
       size="60 x 180 cm", load="8 kg", guarantee="2-year", price="£119"),
    _p("P-HARROW-DSK", "Harrow wall desk", "harrow desk", "furniture",
       ["Compact ladder desk with a single drawer.", "Steel frame, ash veneer top."],
       size="90 x 50 cm", load="20 kg", guarantee="2-year", price="£189"),
    _p("P-MOSS-SOFA", "Moss three-seat sofa", "moss sofa", "furniture",
       ["Deep-seated sofa in recycled velvet.", "Feather-wrapped cushions.",
        "Removable covers."],
       size="214 x 96 cm", seats="three", guarantee="10-year", origin="Lithuania",
       price="£1,195"),
    _p("P-MOSS-CHR", "Moss armchair", "moss armchair", "furniture",
       ["The armchair from the Moss range, in recycled velvet.", "Solid beech legs."],
       size="92 x 88 cm", guarantee="10-year", origin="Lithuania", price="£545"),
    _p("P-TERN-BED", "Tern bed frame", "tern bed", "furniture",
       ["Slatted bed frame in white-washed pine.", "Headboard with a soft curve.",
        "Under-bed clearance for storage boxes."],
       size="160 x 210 cm", load="200 kg", guarantee="5-year", price="£429"),
    _p("P-WREN-STL", "Wren bar stool", "wren stool", "furniture",
       ["Counter-height stool with a footrest.", "Seat in woven paper cord."],
       size="45 x 65 cm", load="110 kg", weight="4.5 kg", price="£95"),
    _p("P-FERN-CAB", "Fern sideboard", "fern sideboard", "furniture",
       ["Fluted-front sideboard in walnut veneer.", "Two adjustable shelves inside.",
        "Push-to-open doors."],
       size="160 x 45 cm", load="25 kg", origin="Poland", price="£799"),
    _p("P-KILN-CSR", "Kiln cast-iron casserole", "kiln casserole", "kitchen",
       ["Enamelled cast-iron casserole with a self-basting lid.",
        "Works on every hob, including induction."],
       capacity="4.2 litres", oven="250°C", weight="5.1 kg", guarantee="25-year",
       origin="France", price="£165"),
    _p("P-KILN-SKL", "Kiln skillet", "kiln skillet", "kitchen",
       ["Pre-seasoned cast-iron skillet with a helper handle.",
        "Hand wash only; dry straight away."],
       size="26 cm", oven="260°C", weight="2.4 kg", price="£49"),
    _p("P-BRAMBLE-MUG", "Bramble stoneware mug", "bramble mug", "kitchen",
       ["Hand-glazed stoneware mug; each glaze varies slightly.",
        "Dishwasher and microwave safe."],
       capacity="350 ml", origin="Portugal", price="£14"),
    _p("P-BRAMBLE-PLT", "Bramble dinner plate", "bramble plate", "kitchen",
       ["Stoneware dinner plate in the Bramble reactive glaze.", "Dishwasher safe."],
       size="27 cm", origin="Portugal", price="£18"),
    _p("P-LARK-KNF", "Lark chef's knife", "lark knife", "kitchen",
       ["Forged stainless steel chef's knife with an olive-wood handle.",
        "Comes in a card sleeve."],
       size="20 cm", weight="210 g", guarantee="lifetime", origin="Japan", price="£75"),
    _p("P-SLATE-BRD", "Slate serving board", "slate board", "kitchen",
       ["Natural slate board with rubber feet.", "Chalk pen included for labelling cheese."],
       size="40 x 25 cm", price="£22"),
    _p("P-COPSE-KTL", "Copse stovetop kettle", "copse kettle", "kitchen",
       ["Stainless steel whistling kettle with a beech handle.",
        "Suitable for gas, electric and induction hobs."],
       capacity="1.8 litres", guarantee="2-year", price="£42"),
    _p("P-EMBER-FIG", "Ember fig candle", "fig candle", "candles",
       ["Soy wax candle scented with fig leaf and cedar.", "Cotton wick, amber glass jar."],
       burn="45 hours", weight="220 g", origin="Wales", price="£24"),
    _p("P-EMBER-SEA", "Ember sea salt candle", "sea salt candle", "candles",
       ["Soy wax candle with sea salt and driftwood notes.",
        "Jar can be reused once cleaned."],
       burn="45 hours", weight="220 g", origin="Wales", price="£24"),
    _p("P-EMBER-3WK", "Ember three-wick candle", "three wick candle", "candles",
       ["Large three-wick candle in a ceramic bowl.", "Scented with smoked vanilla."],
       burn="60 hours", weight="650 g", price="£48"),
    _p("P-TAPER-SET", "Dinner taper set", "taper candles", "candles",
       ["Set of six unscented dinner tapers in rapeseed wax.", "Drip-resistant."],
       burn="8 hours", size="25 cm", price="£12"),
    _p("P-GLOW-LTN", "Glow hurricane lantern", "hurricane lantern", "candles",
       ["Glass hurricane lantern with a brass base.", "Takes pillar candles up to 10 cm wide."],
       size="38 cm", weight="1.6 kg", price="£39"),
    _p("P-DUNE-THR", "Dune wool throw", "wool throw", "textiles",
       ["Brushed lambswool throw with blanket-stitched edges.",
        "Woven in a herringbone pattern."],
       size="130 x 180 cm", wash="30°C wool cycle", origin="Scotland", price="£89"),
    _p("P-DUNE-CSH", "Dune cushion cover", "dune cushion", "textiles",
       ["Herringbone wool cushion cover with a hidden zip.", "Pad sold separately."],
       size="45 x 45 cm", wash="30°C wool cycle", origin="Scotland", price="£32"),
    _p("P-LINEN-DUV", "Stonewashed linen duvet cover", "linen duvet", "textiles",
       ["Stonewashed French flax linen, softer with every wash.", "Button closure."],
       size="200 x 200 cm", wash="40°C", origin="Lithuania", price="£129"),
    _p("P-LINEN-TEA", "Linen tea towel pair", "linen tea towels", "textiles",
       ["Pair of striped linen tea towels with a hanging loop."],
       size="50 x 70 cm", wash="60°C", price="£16"),
    _p("P-WAFFLE-TWL", "Waffle bath towel", "waffle towel", "textiles",
       ["Lightweight waffle-weave cotton towel that dries quickly."],
       size="70 x 140 cm", wash="40°C", weight="450 g", origin="Turkey", price="£28"),
    _p("P-MEADOW-RUG", "Meadow jute rug", "jute rug", "textiles",
       ["Hand-braided jute rug with a natural finish.", "Use with a non-slip underlay."],
       size="160 x 230 cm", weight="7 kg", origin="India", price="£199"),
    _p("P-ORB-LMP", "Orb table lamp", "orb lamp", "lighting",
       ["Opal glass globe on a brushed brass stem.", "Inline switch on the cable."],
       size="42 cm", weight="2.2 kg", guarantee="2-year", price="£115"),
    _p("P-ORB-PND", "Orb pendant light", "orb pendant", "lighting",
       ["Opal glass pendant with a brass ceiling rose.", "Needs fitting by an electrician."],
       size="30 cm", guarantee="2-year", price="£140"),
    _p("P-REED-DIF", "Reed diffuser", "reed diffuser", "candles",
       ["Fig leaf and cedar diffuser with rattan reeds.", "Flip the reeds weekly."],
       capacity="200 ml", burn="12 weeks", price="£30"),
    _p("P-PEBBLE-VAS", "Pebble vase", "pebble vase", "lighting",
       ["Matte stoneware vase with an uneven, pebble-like shape.", "Watertight glaze inside."],
       size="24 cm", origin="Portugal", price="£38"),
]
BY_SKU = {p.sku: p for p in PRODUCTS}

ATTR_SENTENCE = {
    "size": "Measures {v}.", "load": "Maximum load {v}.", "price": "Price {v}.",
    "guarantee": "Covered by a {v} guarantee.", "origin": "Made in {v}.",
    "burn": "Burn time around {v}.", "oven": "Oven safe to {v}.", "weight": "Weighs {v}.",
    "wash": "Machine washable at {v}.", "seats": "Seats {v}.", "capacity": "Holds {v}.",
}
ATTR_WORD = {
    "size": "dimensions", "load": "weight limit", "price": "price",
    "guarantee": "guarantee length", "origin": "country of origin", "burn": "burn time",
    "oven": "maximum oven temperature", "weight": "weight", "wash": "washing temperature",
    "seats": "seating capacity", "capacity": "capacity",
}
QUERIES = {
    "size": ["{s} size", "how big is the {s}", "{s} dimensions", "what size is the {s}",
             "will the {s} fit in a small flat", "{s} measurements in cm"],
    "load": ["how much weight can the {s} take", "{s} max load",
             "is the {s} strong enough for heavy books", "{s} weight limit"],
    "price": ["how much is the {s}", "{s} price", "{s} cost", "price of {s}"],
    "guarantee": ["does the {s} have a guarantee", "{s} warranty",
                  "how long is the guarantee on the {s}"],
    "origin": ["where is the {s} made", "{s} country of origin", "is the {s} made in the uk"],
    "burn": ["how long does the {s} burn", "{s} burn time", "{s} how many hours"],
    "oven": ["can the {s} go in the oven", "{s} oven safe temperature", "is the {s} oven proof"],
    "weight": ["how heavy is the {s}", "{s} weight", "{s} kg"],
    "wash": ["can i machine wash the {s}", "{s} washing instructions", "{s} wash temp"],
    "seats": ["how many people does the {s} seat", "{s} seats how many"],
    "capacity": ["how much does the {s} hold", "{s} capacity", "{s} volume"],
}
ANSWER = {
    "size": ["The {name} measures {v} [{doc}].", "It's {v} [{doc}]."],
    "load": ["The {name} takes a maximum load of {v} [{doc}].",
             "It's rated for up to {v} [{doc}]."],
    "price": ["The {name} costs {v} [{doc}].", "It's {v} [{doc}]."],
    "guarantee": ["The {name} comes with a {v} guarantee [{doc}].",
                  "Yes, it has a {v} guarantee [{doc}]."],
    "origin": ["The {name} is made in {v} [{doc}].", "It's made in {v} [{doc}]."],
    "burn": ["The {name} burns for around {v} [{doc}].", "Expect about {v} of burn time [{doc}]."],
    "oven": ["Yes, the {name} is oven safe up to {v} [{doc}].",
             "Yes, up to {v} [{doc}]."],
    "weight": ["The {name} weighs {v} [{doc}].", "It weighs {v} [{doc}]."],
    "wash": ["Yes, you can machine wash the {name} at {v} [{doc}].",
             "Yes, at {v} [{doc}]."],
    "seats": ["The {name} seats {v} [{doc}].", "It seats {v} [{doc}]."],
    "capacity": ["The {name} holds {v} [{doc}].", "It holds {v} [{doc}]."],
}
INVENTED = {
    "size": ["180 x 90 cm", "160 x 80 cm", "200 x 100 cm", "120 x 60 cm", "45 x 45 cm",
             "75 cm high", "140 x 200 cm", "32 cm", "28 cm", "220 x 95 cm", "50 x 50 cm"],
    "load": ["25 kg", "40 kg", "15 kg", "120 kg", "180 kg", "12 kg"],
    "price": ["£149", "£89", "£24.99", "£12.50", "£349", "£59", "£1,049", "£199"],
    "guarantee": ["2-year", "5-year", "10-year", "3-year", "15-year"],
    "origin": ["Portugal", "Denmark", "Vietnam", "Italy", "Sweden", "Romania", "Cornwall"],
    "burn": ["60 hours", "45 hours", "80 hours", "35 hours", "50 hours", "100 hours"],
    "oven": ["220°C", "250°C", "180°C", "200°C", "240°C"],
    "weight": ["14 kg", "9.5 kg", "2.1 kg", "3.2 kg", "780 g", "1.2 kg"],
    "wash": ["40°C", "30°C", "60°C"],
    "seats": ["eight", "four", "six", "ten"],
    "capacity": ["1.5 litres", "500 ml", "3 litres", "400 ml", "2.5 litres"],
}
EXTRA_INVENTED = [  # a second invented detail tacked on
    "It's handmade in Denmark.",
    "It comes with a 5-year guarantee.", "It's part of the Hollin collection.",
    "It weighs just 3.2 kg.", "It was designed by Maren Holt.",
    "It's 20% off until Sunday.", "Stock is due back on 4 December.",
]
EXTRA_SPECIFIC = {  # the checkable detail of each extra sentence
    "It's handmade in Denmark.": "Denmark",
    "It comes with a 5-year guarantee.": "5-year",
    "It's part of the Hollin collection.": "Hollin collection",
    "It weighs just 3.2 kg.": "3.2 kg",
    "It was designed by Maren Holt.": "Maren Holt",
    "It's 20% off until Sunday.": "20%",
    "Stock is due back on 4 December.": "4 December",
}


SECOND = {"size": "It measures {v} [{doc}].", "load": "Its maximum load is {v} [{doc}].",
          "price": "It costs {v} [{doc}].", "guarantee": "It has a {v} guarantee [{doc}].",
          "origin": "It's made in {v} [{doc}].", "burn": "It burns for around {v} [{doc}].",
          "oven": "It's oven safe to {v} [{doc}].", "weight": "It weighs {v} [{doc}].",
          "wash": "You can machine wash it at {v} [{doc}].", "seats": "It seats {v} [{doc}].",
          "capacity": "It holds {v} [{doc}]."}
EXTRA_WHAT = {"Denmark": "origin", "5-year": "guarantee", "Hollin collection": "collection",
              "3.2 kg": "weight", "Maren Holt": "designer", "20%": "discount",
              "4 December": "restock date", "£6.95": "next-day price", "10%": "discount",
              "Bristol": "shop", "£9.50": "Saturday delivery price"}
HELP_EXTRA = {"Next-day delivery costs £6.95.": "£6.95",
              "You'll also get a 10% welcome code by email.": "10%",
              "Our Bristol shop can help in person.": "Bristol",
              "Saturday deliveries cost £9.50.": "£9.50"}


@dataclass(frozen=True)
class Help:
    doc: str
    title: str
    text: str          # the article without its key fact
    fact: str          # the sentence that carries the checkable detail ("" for none)
    value: str         # the detail itself
    queries: tuple[str, ...] = ()
    answer: str = ""   # how a good answer states it, with {v} and {doc}
    what: str = ""     # what an abstention says is missing
    invented: tuple[str, ...] = ()


HELP = [
    Help("H-01", "Delivery options", "We deliver to addresses across mainland UK. Large items "
         "such as sofas and beds go with our two-person team, who will bring them to the room "
         "of your choice.", "Standard delivery takes 3 to 5 working days.", "3 to 5 working days",
         ("how long does delivery take", "delivery times", "when will my order arrive",
          "standard delivery how long"),
         "Standard delivery takes {v} [{doc}].", "how many days delivery takes",
         ("2 to 3 working days", "48 hours", "7 to 10 working days")),
    Help("H-02", "Delivery charges", "Delivery charges are shown at checkout before you pay. "
         "Two-person delivery for furniture is priced separately.",
         "Standard delivery costs £4.95 and is free on orders over £60.", "£60",
         ("is delivery free", "free delivery threshold", "how much is delivery"),
         "Delivery is free on orders over {v} [{doc}].", "the free-delivery threshold",
         ("£50", "£75", "£40")),
    Help("H-03", "Returns", "You can return most items unused and in their original packaging. "
         "Start a return from your account and print the label. Refunds go back to the "
         "original payment method.", "You have 30 days from delivery to return an item.",
         "30 days",
         ("how do i return something", "return policy", "how long do i have to return"),
         "You have {v} from delivery to return an item [{doc}].", "the return window",
         ("28 days", "14 days", "60 days")),
    Help("H-04", "Returning candles", "Candles can be returned if they have not been lit. "
         "For hygiene reasons we cannot accept lit candles unless they are faulty.", "", ""),
    Help("H-05", "Click and collect", "Order online and collect from one of our shops. We "
         "email you when the order is ready. Bring the email and photo ID.",
         "Orders are held for 7 days.", "7 days",
         ("click and collect how long", "how long will you hold my click and collect",
          "click and collect"),
         "Click and collect orders are held for {v} [{doc}].", "how long orders are held",
         ("14 days", "10 days", "48 hours")),
    Help("H-06", "Gift cards", "Gift cards can be used online and in our shops, in several "
         "goes if you like. They cannot be exchanged for cash.",
         "A gift card is valid for 24 months from purchase.", "24 months",
         ("gift card expiry", "do gift cards expire", "how long is a gift card valid"),
         "Gift cards are valid for {v} from purchase [{doc}].", "when gift cards expire",
         ("12 months", "36 months", "5 years")),
    Help("H-07", "Candle care", "Trim the wick before each burn and keep candles away from "
         "draughts, children and pets. Never leave a burning candle unattended.",
         "Burn for no more than 4 hours at a time.", "4 hours",
         ("how long should i burn a candle", "candle tunnelling", "candle safety"),
         "Burn your candle for no more than {v} at a time [{doc}].",
         "how long to burn a candle in one go", ("3 hours", "2 hours", "6 hours")),
    Help("H-08", "Cast-iron care", "Season cast iron by wiping a thin layer of oil over the "
         "inside after washing. Avoid soaking it. Enamelled pieces need no seasoning.", "", ""),
    Help("H-09", "Wood care", "Oiled wood furniture should be re-oiled when water stops "
         "beading on the surface. Wipe spills straight away and use coasters under hot mugs.",
         "We recommend re-oiling every 6 months.", "6 months",
         ("how often should i oil my table", "oak table care", "re-oil alder table"),
         "Re-oil it about every {v} [{doc}].", "how often to re-oil",
         ("3 months", "12 months", "8 weeks")),
    Help("H-10", "Furniture assembly", "Most of our furniture arrives flat-packed with the "
         "tools you need. Our two-person team can assemble it for you at delivery for a "
         "fee.", "Assembly by our team costs £45 per item.", "£45",
         ("can you assemble my furniture", "assembly service cost", "do you build furniture"),
         "Our team can assemble it for {v} per item [{doc}].", "the price of assembly",
         ("£35", "£60", "£29")),
    Help("H-11", "Damaged items", "If something arrives damaged, tell us with photos and we "
         "will send a replacement or refund. Keep the packaging until we reply.",
         "Report damage within 48 hours of delivery.", "48 hours",
         ("my order arrived damaged", "broken on arrival", "damaged delivery what to do"),
         "Report damage within {v} of delivery [{doc}].", "the deadline for reporting damage",
         ("7 days", "24 hours", "14 days")),
    Help("H-12", "Order tracking", "Once your order ships you will get an email with a "
         "tracking link from the courier. Furniture deliveries are booked by phone.", "", ""),
    Help("H-13", "Changing an order", "You can change or cancel an order from your account "
         "until it is picked in the warehouse.", "", ""),
    Help("H-14", "Price match", "We do not price match other retailers, but we sometimes run "
         "seasonal sales on selected lines.", "", ""),
    Help("H-15", "Guarantees", "Many of our products carry a manufacturer's guarantee. The "
         "length is shown on each product page. Guarantees cover faults, not wear and tear.",
         "", ""),
    Help("H-16", "Textile care", "Wash textiles inside out with similar colours. Linen softens "
         "with every wash. Wool throws should be dried flat, out of direct heat.", "", ""),
    Help("H-17", "Fabric samples", "Sofa and armchair fabric samples are free. Order up to "
         "five samples from the product page.", "", ""),
    Help("H-18", "Paying in instalments", "You can spread the cost of orders over a set "
         "value with our instalment partner, subject to status.",
         "Instalments are available on orders over £300.", "£300",
         ("can i pay in instalments", "pay monthly", "finance options"),
         "Instalments are available on orders over {v} [{doc}].", "the minimum order",
         ("£250", "£500", "£150")),
    Help("H-19", "Our shops", "Our shops are listed on the store finder page with their "
         "opening hours. Most shops have a click and collect desk.", "", ""),
    Help("H-20", "Recycling packaging", "Our boxes are cardboard and can be recycled at home. "
         "Furniture teams take large packaging away with them.", "", ""),
    Help("H-21", "Stock and restocks", "When an item is out of stock you can sign up for an "
         "email when it returns. We do not take back orders.", "", ""),
    Help("H-22", "International orders", "We currently deliver to the UK only, including "
         "Northern Ireland and most islands.", "", ""),
    Help("H-23", "Allergens in candles", "Fragrance allergens for each candle are listed on "
         "the safety label under the jar.", "", ""),
    Help("H-24", "Mattress trials", "We sell bed frames but not mattresses.", "", ""),
    Help("H-25", "Lighting and bulbs", "Bulbs are not included unless the product page says "
         "so. Check the fitting type before you buy a bulb.", "", ""),
    Help("H-26", "Discount codes", "One discount code can be used per order. Codes cannot be "
         "applied after the order is placed.", "", ""),
    Help("H-27", "Account and passwords", "Reset your password from the sign-in page. We "
         "never ask for your password by email.", "", ""),
    Help("H-28", "Corporate gifting", "For large gift orders, contact our business team "
         "through the contact form.", "", ""),
    Help("H-29", "Faulty electricals", "Stop using a lamp that flickers, buzzes or gets hot "
         "and contact us for a repair or replacement.", "", ""),
    Help("H-30", "Refund times", "Refunds are processed once the return reaches our "
         "warehouse.", "Refunds reach your account within 5 working days.", "5 working days",
         ("when will i get my refund", "refund how long", "refund not received"),
         "Refunds reach your account within {v} of the return arriving [{doc}].",
         "how long a refund takes", ("10 working days", "3 working days", "14 days")),
]
BY_DOC = {h.doc: h for h in HELP}
HELP_TOPICS = [h for h in HELP if h.fact]


# ---------------------------------------------------------------------------------------
# Search: Ask Cobblewick
# ---------------------------------------------------------------------------------------

CAT_ATTRS = {"furniture": ["size", "load", "price", "guarantee", "origin", "seats", "weight"],
             "kitchen": ["size", "oven", "capacity", "price", "guarantee", "origin", "weight"],
             "candles": ["burn", "price", "weight", "origin", "size"],
             "textiles": ["size", "wash", "origin", "price", "weight"],
             "lighting": ["size", "price", "guarantee", "weight", "origin"]}
CAT_HELP = {"furniture": ["H-09", "H-10", "H-15", "H-17", "H-01"],
            "kitchen": ["H-08", "H-15", "H-03", "H-11"],
            "candles": ["H-07", "H-04", "H-23", "H-03"],
            "textiles": ["H-16", "H-17", "H-03", "H-02"],
            "lighting": ["H-25", "H-29", "H-15", "H-11"]}
WRONG_HELP = {  # asked topic -> (article answered from, the wrong answer)
    "H-30": ("H-03", "You'll get your refund within 30 days [H-03]."),
    "H-05": ("H-01", "Click and collect orders are ready in 3 to 5 working days [H-01]."),
    "H-02": ("H-10", "Delivery costs £45 per item [H-10]."),
    "H-11": ("H-03", "You have 30 days from delivery to report damage [H-03]."),
    "H-06": ("H-05", "Gift cards are valid for 7 days [H-05]."),
    "H-01": ("H-30", "Delivery takes up to 5 working days [H-30]."),
    "H-18": ("H-02", "Instalments are available on orders over £60 [H-02]."),
    "H-09": ("H-06", "Re-oil your table every 24 months [H-06]."),
    "H-10": ("H-02", "Assembly costs £4.95 per order [H-02]."),
    "H-03": ("H-05", "You have 7 days to return an item [H-05]."),
    "H-07": ("H-11", "Burn your candle for no more than 48 hours at a time [H-11]."),
}
ABSTAIN_PRODUCT = [
    "The {name} page doesn't list its {what}, so I can't say for sure.",
    "I couldn't find the {what} of the {name} in the product information I have. The "
    "product page or our customer team can confirm it.",
    "Sorry, the {what} isn't listed for the {name}.",
    "I don't have the {what} for the {name}, so I'd rather not guess.",
    "The product information doesn't say. You could ask our customer team about the "
    "{what} of the {name}.",
]
ABSTAIN_HELP = ["I couldn't find {what} in our help articles.",
                "Our help pages don't say {what}, so I can't confirm it. Our customer team "
                "can help.",
                "I'm not sure: the articles I found don't mention {what}."]
ABSTAIN_NOTHING = ["I couldn't find anything about that. Try rephrasing, or contact our "
                   "customer team.",
                   "Sorry, I don't have any information on that.",
                   "I couldn't find a matching product or help article."]
SEARCH_NOTES = {
    PATTERN: ["invents {spec}, not on the page", "made-up figure: {spec}",
              "{spec} is not on the page anywhere", "answer invents {spec}; passages never say",
              "made-up figure ({spec}) - customer will hold us to that",
              "where does {spec} come from? not on the page",
              "confidently invents {spec}, the page says nothing about {what}",
              "invents the {what} ({spec})"],
    "cite": ["cites {spec}, which wasn't retrieved", "citation {spec} isn't in the results - "
             "invented source", "made-up source {spec}", "{spec} cited but not on any "
             "retrieved page", "cites {spec} out of nowhere", "invents a citation: {spec}"],
    "wrong-document": ["answered from the {other} page, not the {name}",
                       "wrong page: used {otherdoc}", "mixed up the {name} with the {other}",
                       "those figures are for the {other}",
                       "pulled {value} from {otherdoc}, different product",
                       "right kind of answer, wrong product ({other})",
                       "used the {other} passage instead of the {name} one"],
    "wrong-help": ["answered from the {other} article, question was about {topic}",
                   "wrong article ({otherdoc})", "used {otherdoc} - that's {other}, not {topic}",
                   "mixed up {topic} with {other}", "{value} is from the {other} article",
                   "wrong help page, customer asked about {topic}"],
    "broken-table": ["raw markdown table in the answer", "table markup not rendered",
                     "pipes and dashes everywhere, table didn't render",
                     "formatting broken, customer sees a markdown table"],
    "broken-html": ["html tags showing ({tag})", "markup leaking into the answer box ({tag})",
                    "raw {tag} in the text", "formatting broken, {tag} visible"],
    "broken-json": ["shows raw JSON to the customer", "answer is a JSON blob",
                    "formatting broken: the JSON wrapper is showing"],
    "broken-truncate": ["answer cut off mid-sentence", "truncated: ends '{tail}'",
                        "stops mid-word", "incomplete answer, cut off"],
}
SEARCH_TERSE = ["wrong", "bad", "no", "nope", "??"]
GOOD_NOTES = ["", "", "ok", "ok", "fine", "looks good", "OK", "good"]
QUERY_SLIPS = [("dimensions", "dimentions"), ("guarantee", "guarentee"), ("delivery", "delivey"),
               ("table", "tabel"), ("candle", "candel"), ("how", "hwo"), ("weight", "wieght"),
               ("collect", "colect"), ("instalments", "installments"), ("refund", "refudn")]


def _page(p: Product, attrs: list[str], blurbs: int) -> str:
    parts = [f"{p.name}.", *list(p.blurb[:blurbs])]
    parts += [ATTR_SENTENCE[a].format(v=p.attrs[a]) for a in attrs]
    return " ".join(parts)


def _help_text(h: Help, with_fact: bool) -> str:
    return f"{h.title}. {h.text}" + (f" {h.fact}" if with_fact and h.fact else "")


def _scores(rng: random.Random, n: int, thin: bool) -> list[float]:
    if not n:
        return []
    top = rng.uniform(0.35, 0.6) if thin else rng.uniform(0.68, 0.93)
    out = [top]
    for _ in range(n - 1):
        out.append(out[-1] - rng.uniform(0.02, 0.14))
    return [round(max(s, 0.05), 2) for s in out]


def _query(rng: random.Random, template: str, **kw) -> str:
    text = template.format(**kw)
    if rng.random() < 0.12:
        for right, wrong in QUERY_SLIPS:
            if right in text:
                text = text.replace(right, wrong, 1)
                break
        else:
            text = typo(rng, text)
    if rng.random() < 0.15:
        text = text.capitalize()
    if rng.random() < 0.1:
        text += "?"
    return text


def _pick_invented(rng: random.Random, pool: list[str], texts: list[str],
                   avoid: tuple[str, ...] = ()) -> str:
    options = [v for v in pool if absent(v, texts) and v not in avoid]
    return rng.choice(options)


def _broken(rng: random.Random, answer: str, name: str, what: str, value: str | None,
            doc: str | None) -> tuple[str, dict[str, str]]:
    kind = rng.choice(["table", "html", "truncate", "json", "truncate", "html"])
    if kind == "table" and value:
        text = (f"| Product | {what.capitalize()} |\n|---|---|\n| {name} | {value} |\n\n"
                f"Source: [{doc}]")
        return text, {"tag": "|", "tail": "", "kind": "broken-table"}
    if kind == "json":
        body = answer.replace('"', "'")
        return (json.dumps({"answer": body, "sources": [doc] if doc else []}, ensure_ascii=False),
                {"tag": "{", "tail": "", "kind": "broken-json"})
    if kind == "html" or len(answer.split()) < 8:
        tag = rng.choice(["<br>", "<p>", "<strong>", "&nbsp;"])
        if tag == "<p>":
            text = "<p>" + answer.replace(". ", ".</p><p>") + "</p>"
        elif tag == "<strong>":
            text = (f"<strong>{name}</strong><br/>{answer}" if value
                    else f"<strong>{answer}</strong>")
        elif tag == "&nbsp;":
            text = answer.replace(" [", "&nbsp;[").replace(". ", ".&nbsp;&nbsp;")
        else:
            text = answer.replace(". ", ".<br><br>") + "<br>"
        return text, {"tag": tag, "tail": "", "kind": "broken-html"}
    cut = rng.randint(len(answer) // 2, len(answer) - 4)
    text = answer[:cut].rstrip()
    return text, {"tag": "", "tail": " ".join(text.split()[-3:]), "kind": "broken-truncate"}


def _rich_pad(rng: random.Random, passages: list[tuple[str, str]], p: Product | None,
              cat: str, avoid_docs: set[str]) -> list[tuple[str, str]]:
    """Add related pages and help articles until the evidence has 60 or more words
    (sometimes well over: a long help page)."""
    target = 60 if rng.random() < 0.75 else rng.randint(90, 180)
    pool: list[tuple[str, str]] = []
    for q in PRODUCTS:
        if q.cat == cat and (p is None or q.sku != p.sku) and q.sku not in avoid_docs:
            pool.append((q.sku, _page(q, rng.sample(list(q.attrs), min(2, len(q.attrs))),
                                      rng.randint(1, len(q.blurb)))))
    for doc in CAT_HELP[cat]:
        if doc not in avoid_docs:
            pool.append((doc, _help_text(BY_DOC[doc], rng.random() < 0.5)))
    rng.shuffle(pool)
    have = {d for d, _ in passages}
    while (evidence_words([t for _, t in passages]) < target and len(passages) < 5 and pool):
        doc, text = pool.pop()
        if doc not in have:
            passages.append((doc, text))
            have.add(doc)
    if evidence_words([t for _, t in passages]) < 60:
        doc, text = passages[0]
        passages[0] = (doc, text + " " + "Our customer team can help with anything not covered "
                       "on this page, seven days a week, by phone, email or live chat.")
    return passages


@dataclass
class SearchRec:
    query: str
    passages: list[tuple[str, str]]
    answer: str | None
    citations: list[str]
    unsupported: list[str]
    fill: dict[str, str]
    note_kind: str


def _search_product(rng: random.Random, code: str, thin: bool) -> SearchRec:
    """One product question, answered as its code says."""
    while True:
        p = rng.choice(PRODUCTS)
        a = rng.choice(CAT_ATTRS[p.cat])
        siblings = [q for q in PRODUCTS if q.cat == p.cat and q.sku != p.sku and a in q.attrs
                    and q.attrs[a] != p.attrs.get(a)]
        if code == "wrong-document" and not siblings:
            continue
        if code in ("ok", "broken-format") and a not in p.attrs and rng.random() < 0.7:
            continue
        break
    query = _query(rng, rng.choice(QUERIES[a]), s=p.short)
    what = ATTR_WORD[a]
    fill = {"name": p.name, "what": what, "spec": "", "other": "", "otherdoc": "", "value": "",
            "tag": "", "tail": "", "topic": ""}
    answer_t = rng.choice(ANSWER[a])
    has = a in p.attrs
    if code == PATTERN:
        has = has and rng.random() < 0.35          # invent a second detail or a citation
    elif code == "wrong-document":
        has = False
    elif code == "ok":
        has = has and (rng.random() < (0.35 if thin else 0.88))
    others = [x for x in p.attrs if x != a]
    passages: list[tuple[str, str]] = []
    if thin:
        n_pass = rng.choice([0, 1, 1, 1, 2]) if code != "wrong-document" else 1
        if has:
            n_pass = max(n_pass, 1)
        if n_pass and code != "wrong-document":
            passages.append((p.sku, _page(p, [a] if has else [], rng.randint(0, 1))))
        if code == "wrong-document":
            q = rng.choice(siblings)
            passages.append((q.sku, _page(q, [a], rng.randint(0, 1))))
            if rng.random() < 0.4:
                passages.insert(0, (p.sku, f"{p.name}. {p.blurb[0]}"))
        elif n_pass == 2:
            h = BY_DOC[rng.choice(CAT_HELP[p.cat])]
            passages.append((h.doc, f"{h.title}. {h.text.split('. ')[0].rstrip('.')}."))
        while evidence_words([t for _, t in passages]) > 30:
            passages.pop()
    else:
        extra = rng.sample(others, min(len(others), rng.randint(1, 3)))
        passages.append((p.sku, _page(p, ([a] if has else []) + extra, len(p.blurb))))
        if code == "wrong-document":
            q = rng.choice(siblings)
            shown = [a, *[x for x in q.attrs if x != a][:1]]
            passages.insert(rng.randint(0, 1), (q.sku, _page(q, shown, len(q.blurb))))
            if rng.random() < 0.3:
                passages = [(d, t) for d, t in passages if d != p.sku]
        passages = _rich_pad(rng, passages, p, p.cat, {s for s, _ in passages})
    texts = [t for _, t in passages]
    docs = [d for d, _ in passages]
    unsupported: list[str] = []
    kind = code
    if code == PATTERN:
        style = rng.random()
        if has and style < 0.5:       # right answer, then an invented extra detail
            extras = [e for e, s in EXTRA_SPECIFIC.items() if s and absent(s, texts)]
            extra = rng.choice(extras)
            answer = answer_t.format(name=p.name, v=p.attrs[a], doc=p.sku) + " " + extra
            unsupported = [EXTRA_SPECIFIC[extra]]
            fill["what"] = EXTRA_WHAT[unsupported[0]]
        elif has or style < 0.3:      # cites a document that was not retrieved
            ghost = rng.choice([q.sku for q in PRODUCTS if q.cat == p.cat and q.sku not in docs]
                               + [h for h in CAT_HELP[p.cat] if h not in docs])
            if has:
                answer = answer_t.format(name=p.name, v=p.attrs[a], doc=p.sku)
                answer = answer.replace(f"[{p.sku}]", f"[{p.sku}][{ghost}]")
                unsupported = [ghost]
            else:
                v = _pick_invented(rng, INVENTED[a], texts, (p.attrs.get(a, ""),))
                answer = answer_t.format(name=p.name, v=v, doc=ghost)
                unsupported = [v, ghost]
            kind = "cite"
            fill["ghost"] = ghost
        else:                          # invents the value it was asked for
            v = _pick_invented(rng, INVENTED[a], texts, (p.attrs.get(a, ""),))
            doc = p.sku if p.sku in docs or not docs else rng.choice(docs)
            if not docs:
                doc = p.sku
                unsupported_doc = [p.sku]
            else:
                unsupported_doc = []
            answer = answer_t.format(name=p.name, v=v, doc=doc)
            unsupported = [v, *unsupported_doc]
            if rng.random() < 0.25:
                extras = [e for e, s in EXTRA_SPECIFIC.items() if s and absent(s, texts)
                          and s not in unsupported]
                extra = rng.choice(extras)
                answer += " " + extra
                unsupported.append(EXTRA_SPECIFIC[extra])
        fill["spec"] = fill.pop("ghost", unsupported[0])
    elif code == "wrong-document":
        q = BY_SKU[next(d for d in docs if d in BY_SKU and d != p.sku
                        and a in BY_SKU[d].attrs and d in siblings_skus(siblings))]
        cite = q.sku if rng.random() < 0.6 or p.sku not in docs else p.sku
        answer = answer_t.format(name=p.name, v=q.attrs[a], doc=cite)
        fill.update(other=q.name, otherdoc=q.sku, value=q.attrs[a])
    else:
        if has:
            answer = answer_t.format(name=p.name, v=p.attrs[a], doc=p.sku)
            if not thin and rng.random() < 0.4:
                shown = [x for x in others if ATTR_SENTENCE[x].format(v=p.attrs[x]) in texts[
                    docs.index(p.sku)]]
                if shown:
                    x = rng.choice(shown)
                    answer += " " + SECOND[x].format(v=p.attrs[x], doc=p.sku)
            if not thin and rng.random() < 0.05:
                answer += (" " + p.blurb[0].rstrip(".") + f" [{p.sku}]. " + "If you have any "
                           "other questions about sizing, delivery or care, our customer team is "
                           "happy to help, and you can also order fabric samples or visit a shop "
                           "to see it in person before you buy.")
        elif passages:
            answer = rng.choice(ABSTAIN_PRODUCT).format(name=p.name, what=what)
            if (p.sku in docs and p.blurb[0] in texts[docs.index(p.sku)]
                    and rng.random() < 0.5):
                answer += f" It is described as: {p.blurb[0].lower().rstrip('.')} [{p.sku}]."
        else:
            answer = rng.choice(ABSTAIN_NOTHING)
        if code == "broken-format":
            answer, extra_fill = _broken(rng, answer, p.name, what,
                                         p.attrs[a] if has else None, p.sku if has else None)
            kind = extra_fill.pop("kind")
            fill.update(extra_fill)
    citations = list(dict.fromkeys(re.findall(r"\[([A-Z]-[A-Z0-9-]+)\]", answer)))
    return SearchRec(query, passages, answer, citations, unsupported, fill, kind)


def siblings_skus(siblings: list[Product]) -> set[str]:
    return {q.sku for q in siblings}


def _search_help(rng: random.Random, code: str, thin: bool) -> SearchRec:
    """One help-centre question."""
    while True:
        h = rng.choice(HELP_TOPICS)
        if code != "wrong-document" or h.doc in WRONG_HELP:
            break
    query = _query(rng, rng.choice(h.queries))
    fill = {"name": h.title, "what": h.what, "spec": "", "other": "", "otherdoc": "",
            "value": "", "tag": "", "tail": "", "topic": h.title.lower()}
    has = code in ("ok", "broken-format") and rng.random() < (0.35 if thin else 0.9)
    if code == PATTERN:
        has = rng.random() < 0.2
    passages: list[tuple[str, str]] = []
    if code == "wrong-document":
        wdoc, _ = WRONG_HELP[h.doc]
        wh = BY_DOC[wdoc]
        passages.append((wdoc, wh.fact if thin else _help_text(wh, True)))
        if not thin or rng.random() < 0.5:
            passages.insert(0, (h.doc, f"{h.title}. {h.text.split('. ')[0].rstrip('.')}."))
    elif thin:
        if has or rng.random() < 0.8:
            text = f"{h.title}. " + (h.fact if has else h.text.split(". ")[0].rstrip(".") + ".")
            passages.append((h.doc, text))
    else:
        passages.append((h.doc, _help_text(h, has)))
    if not thin:
        cat = rng.choice(list(CAT_HELP))
        passages = _rich_pad(rng, passages, None, cat, {d for d, _ in passages} | {
            t.doc for t in HELP_TOPICS if t.doc != h.doc})
    while thin and evidence_words([t for _, t in passages]) > 30:
        passages.pop()
    texts = [t for _, t in passages]
    docs = [d for d, _ in passages]
    unsupported: list[str] = []
    kind = code
    if code == PATTERN:
        if has:
            extras = [e for e, s in HELP_EXTRA.items() if absent(s, texts)]
            extra = rng.choice(extras)
            answer = h.answer.format(v=h.value, doc=h.doc) + " " + extra
            unsupported = [HELP_EXTRA[extra]]
            fill["what"] = EXTRA_WHAT[unsupported[0]]
        else:
            v = _pick_invented(rng, list(h.invented), texts)
            doc = h.doc
            answer = h.answer.format(v=v, doc=doc)
            unsupported = [v] + ([] if doc in docs else [doc])
            if doc not in docs:
                kind = PATTERN
        fill["spec"] = unsupported[0]
    elif code == "wrong-document":
        wdoc, answer = WRONG_HELP[h.doc]
        value = re.search(r"(£[\d.,]+|\d+ (?:to \d+ )?(?:working )?(?:days|months|hours))",
                          answer).group(1)
        fill.update(other=BY_DOC[wdoc].title.lower(), otherdoc=wdoc, value=value)
        kind = "wrong-help"
    else:
        if has:
            answer = h.answer.format(v=h.value, doc=h.doc)
        elif passages:
            answer = rng.choice(ABSTAIN_HELP).format(what=h.what)
        else:
            answer = rng.choice(ABSTAIN_NOTHING)
        if code == "broken-format":
            answer, extra_fill = _broken(rng, answer, h.title, h.what, h.value if has else None,
                                         h.doc if has else None)
            kind = extra_fill.pop("kind")
            fill.update(extra_fill)
    citations = list(dict.fromkeys(re.findall(r"\[([A-Z]-[A-Z0-9-]+)\]", answer)))
    return SearchRec(query, passages, answer, citations, unsupported, fill, kind)


def make_search(rng: random.Random) -> tuple[list[str], list[Gold]]:
    n_converted, invalid = 315, ["no-output", "no-output", "missing-timestamp"]
    plan = label_plan(rng, n_converted, "search")
    signals = plan_signals(rng, [c for c, _ in plan], "search")
    total = n_converted + len(invalid)
    slots = list(range(total))
    bad_slots = set(rng.sample(slots[10:-10], len(invalid)))
    times = spread_times(rng, total)
    qid = 5012
    sessions: list[str] = []
    records: list[tuple[dict, Gold]] = []
    k = 0
    bad_iter = iter(invalid)
    ms_from = datetime(2026, 11, 14, 6, 0, tzinfo=UTC)
    ms_to = datetime(2026, 11, 15, 14, 0, tzinfo=UTC)
    for slot in range(total):
        if slot in bad_slots:
            code, thin, signal, reason = "ok", rng.random() < 0.35, False, next(bad_iter)
        else:
            (code, thin), signal, reason = plan[k], signals[k], ""
            k += 1
        maker = _search_help if rng.random() < 0.22 else _search_product
        rec = maker(rng, code, thin)
        assert (evidence_words([t for _, t in rec.passages]) < 40) == thin, rec
        assert all(absent(s, [t for _, t in rec.passages]) for s in rec.unsupported), rec
        assert all(s in (rec.answer or "") for s in rec.unsupported), rec
        qid += rng.randint(3, 31)
        if sessions and rng.random() < 0.25:
            session = sessions[-1]
        else:
            session = f"w-{rng.getrandbits(24):06x}"
            sessions.append(session)
        moment = times[slot]
        ts = int(moment.timestamp())
        if ms_from <= moment < ms_to:
            ts = ts * 1000 + rng.randint(0, 999)
        failing = code != "ok"
        if reason == "no-output":
            answer, citations, feedback, review = None, [], None, None
        else:
            answer, citations = rec.answer, rec.citations
            if signal:
                feedback = "down"
            elif rng.random() < (0.16 if not failing else 0.08):
                feedback = "up"
            else:
                feedback = None
            review = None
            if failing and rng.random() > UNREVIEWED_FAILURES:
                tmpl = rec.note_kind if rec.note_kind in SEARCH_NOTES else code
                note = note_for(rng, tmpl, {tmpl: SEARCH_NOTES[tmpl]}, SEARCH_TERSE, rec.fill)
                review = {"by": f"rv-{rng.randint(1, 6):02d}", "note": note}
            elif not failing and rng.random() < (0.3 if feedback != "down" else 0.6):
                review = {"by": f"rv-{rng.randint(1, 6):02d}", "note": rng.choice(GOOD_NOTES)}
        data = {"qid": f"q-{qid:05d}", "ts": ts, "session": session, "query": rec.query,
                "retrieved": [{"doc_id": d, "score": s, "text": t} for (d, t), s in
                              zip(rec.passages, _scores(rng, len(rec.passages), thin),
                                  strict=True)],
                "answer": answer, "citations": citations, "feedback": feedback,
                "review": review}
        if reason == "missing-timestamp":
            del data["ts"]
        gold = Gold(f"search:{data['qid']}", "search", status="rejected" if reason else
                    "converted", reject_reason=reason, code="" if reason else code, thin=thin,
                    signal=signal, occurred_at="" if reason == "missing-timestamp" else
                    iso_z(moment), evidence_ids=[d for d, _ in rec.passages],
                    unsupported=rec.unsupported if not reason else [])
        records.append((data, gold))
    lines = [json.dumps(d, ensure_ascii=False) for d, _ in records]
    golds = [g for _, g in records]
    # Two lines exported twice: the copy a few lines after the first.
    for _ in range(2):
        while True:
            i = rng.randrange(20, len(lines) - 20)
            if golds[i].status == "converted" and not golds[i + 1].reject_reason:
                break
        j = i + rng.randint(2, 6)
        copy = Gold(**{**golds[i].__dict__})
        copy.status, copy.reject_reason = "rejected", "duplicate"
        copy.unsupported = []
        lines.insert(j, lines[i])
        golds.insert(j, copy)
    for pos, g in enumerate(golds, 1):
        g.position = pos
    return [line + "\n" for line in lines], golds


# ---------------------------------------------------------------------------------------
# Codegen: Forge
# ---------------------------------------------------------------------------------------

REPO_FILES = {
    "orders-service": {
        "orders/client.py": '''"""HTTP client for the orders API."""
from __future__ import annotations

from orders.http import get_json, post_json
from orders.models import Order


def fetch_order(order_id: str) -> Order:
    """Return one order by id; raises OrderNotFound on a 404."""
    data = get_json(f"/orders/{order_id}")
    return Order.from_dict(data)


def list_orders(customer_id: str, limit: int = 50) -> list[Order]:
    data = get_json(f"/customers/{customer_id}/orders", params={"limit": limit})
    return [Order.from_dict(item) for item in data["items"]]


def cancel_order(order_id: str, reason: str) -> None:
    post_json(f"/orders/{order_id}/cancel", {"reason": reason})
''',
        "orders/http.py": '''"""Thin wrapper over urllib for the internal orders API."""
from __future__ import annotations

import json
import urllib.request

BASE_URL = "http://orders.internal"


class OrderNotFound(Exception):
    pass


def get_json(path: str, params: dict | None = None, timeout: float = 10.0) -> dict:
    query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
    url = f"{BASE_URL}{path}" + (f"?{query}" if query else "")
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def post_json(path: str, body: dict, timeout: float = 10.0) -> dict:
    request = urllib.request.Request(f"{BASE_URL}{path}", data=json.dumps(body).encode())
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)
''',
        "orders/models.py": '''from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OrderLine:
    sku: str
    quantity: int
    unit_price_pence: int


@dataclass
class Order:
    order_id: str
    customer_id: str
    status: str
    total_pence: int
    lines: list[OrderLine] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> Order:
        lines = [OrderLine(**line) for line in data.get("lines", [])]
        return cls(data["order_id"], data["customer_id"], data["status"],
                   data["total_pence"], lines)
''',
        "orders/pricing.py": '''"""Money is always integer pence."""

VAT_RATE = 0.2


def compute_vat(amount_pence: int, rate: float = VAT_RATE) -> int:
    """VAT on a net amount, rounded half up to the penny."""
    return int(amount_pence * rate + 0.5)


def apply_discount(total_pence: int, percent: int) -> int:
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    return total_pence - (total_pence * percent) // 100
''',
    },
    "web-shop": {
        "shop/catalogue.py": '''from __future__ import annotations

from shop.api import fetch
from shop.models import Product


def get_product(sku: str) -> Product:
    """One product from the catalogue service."""
    return Product.from_api(fetch(f"/products/{sku}"))


def search_products(term: str, limit: int = 20) -> list[Product]:
    hits = fetch(f"/search?q={term}&limit={limit}")["hits"]
    return [Product.from_api(hit) for hit in hits]
''',
        "shop/api.py": '''import json
import urllib.request

CATALOGUE_URL = "http://catalogue.internal"


def fetch(path: str, timeout: float = 5.0) -> dict:
    """GET a JSON document from the catalogue service."""
    with urllib.request.urlopen(CATALOGUE_URL + path, timeout=timeout) as response:
        return json.load(response)
''',
        "shop/formatting.py": '''def format_price(pence: int) -> str:
    """Format integer pence as pounds for display, e.g. 12950 -> '£129.50'."""
    return f"£{pence / 100:,.2f}"


def format_stock(level: int) -> str:
    if level <= 0:
        return "Out of stock"
    return "Low stock" if level < 5 else "In stock"
''',
        "shop/basket.py": '''from __future__ import annotations


class Basket:
    """A shopper's basket: sku -> quantity."""

    def __init__(self) -> None:
        self.items: dict[str, int] = {}

    def add(self, sku: str, quantity: int = 1) -> None:
        self.items[sku] = self.items.get(sku, 0) + quantity

    def remove(self, sku: str) -> None:
        self.items.pop(sku, None)

    def total_pence(self, prices: dict[str, int]) -> int:
        return sum(prices[sku] * qty for sku, qty in self.items.items())
''',
    },
    "stock-sync": {
        "stocksync/warehouse_api.py": '''"""Client for the warehouse partner's stock endpoint."""
import json
import urllib.request

WAREHOUSE_URL = "http://warehouse-gw.internal/v1"


def fetch_levels(warehouse_id: str) -> dict[str, int]:
    """Stock level per sku for one warehouse."""
    url = f"{WAREHOUSE_URL}/warehouses/{warehouse_id}/levels"
    with urllib.request.urlopen(url, timeout=20) as response:
        rows = json.load(response)["levels"]
    return {row["sku"]: int(row["on_hand"]) for row in rows}
''',
        "stocksync/sync.py": '''from __future__ import annotations

from dataclasses import dataclass

from stocksync.store import read_levels, write_levels
from stocksync.warehouse_api import fetch_levels


@dataclass
class SyncReport:
    warehouse_id: str
    changed: int
    unchanged: int


def sync_warehouse(warehouse_id: str, dry_run: bool = False) -> SyncReport:
    """Copy one warehouse's levels into the shop's stock file."""
    remote = fetch_levels(warehouse_id)
    local = read_levels()
    changed = {sku: n for sku, n in remote.items() if local.get(sku) != n}
    if not dry_run:
        write_levels({**local, **changed})
    return SyncReport(warehouse_id, len(changed), len(remote) - len(changed))
''',
        "stocksync/store.py": '''import json
from pathlib import Path

LEVELS_PATH = Path("/var/lib/stocksync/levels.json")


def read_levels(path: Path = LEVELS_PATH) -> dict[str, int]:
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def write_levels(levels: dict[str, int], path: Path = LEVELS_PATH) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(levels, sort_keys=True))
    tmp.replace(path)
''',
    },
    "payments-gateway": {
        "payments/gateway.py": '''from __future__ import annotations

from payments.models import Charge
from payments.transport import send


def charge(amount_pence: int, card_token: str, currency: str = "GBP") -> Charge:
    """Take a payment; raises PaymentDeclined when the card is refused."""
    reply = send("charges", {"amount": amount_pence, "source": card_token,
                             "currency": currency})
    return Charge.from_reply(reply)


def refund(charge_id: str, amount_pence: int | None = None) -> Charge:
    body = {"charge": charge_id}
    if amount_pence is not None:
        body["amount"] = amount_pence
    return Charge.from_reply(send("refunds", body))
''',
        "payments/transport.py": '''import json
import urllib.request

from payments.errors import GatewayTimeout

PSP_URL = "https://psp.cobblewick.example/api"


def send(endpoint: str, body: dict) -> dict:
    request = urllib.request.Request(f"{PSP_URL}/{endpoint}", data=json.dumps(body).encode())
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return json.load(response)
    except TimeoutError as error:
        raise GatewayTimeout(endpoint) from error
''',
        "payments/errors.py": '''class PaymentDeclined(Exception):
    """The card issuer refused the payment."""


class GatewayTimeout(Exception):
    """The payment provider did not answer in time."""
''',
        "payments/webhooks.py": '''import hashlib
import hmac


def verify_signature(payload: bytes, signature: str, secret: str) -> bool:
    """True when the webhook's HMAC-SHA256 signature matches."""
    expected = hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
''',
    },
    "delivery-tracker": {
        "tracking/client.py": '''from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from tracking.carriers import carrier_for


@dataclass
class Shipment:
    tracking_number: str
    carrier: str
    status: str


def shipment_status(tracking_number: str) -> Shipment:
    """Ask the carrier's API where a parcel is."""
    carrier = carrier_for(tracking_number)
    url = f"http://tracking-proxy.internal/{carrier}/{tracking_number}"
    with urllib.request.urlopen(url, timeout=10) as response:
        status = json.load(response)["status"]
    return Shipment(tracking_number, carrier, status)
''',
        "tracking/carriers.py": '''\
CARRIERS = {"PW": "parcelwing", "SP": "swiftpost", "HL": "hillside-freight"}


def carrier_for(tracking_number: str) -> str:
    """The carrier code from a tracking number's two-letter prefix."""
    prefix = tracking_number[:2].upper()
    if prefix not in CARRIERS:
        raise KeyError(f"unknown carrier prefix {prefix!r}")
    return CARRIERS[prefix]
''',
        "tracking/notify.py": '''from tracking.mailer import send_template


def send_dispatch_email(order_id: str, email: str) -> None:
    """Tell the customer their order has left the warehouse."""
    send_template("dispatch", to=email, context={"order_id": order_id})
''',
    },
    "reviews-api": {
        "reviews/store.py": '''import sqlite3

DB_PATH = "reviews.db"


def add_review(sku: str, rating: int, text: str) -> int:
    with sqlite3.connect(DB_PATH) as db:
        cur = db.execute("INSERT INTO reviews (sku, rating, text) VALUES (?, ?, ?)",
                         (sku, rating, text))
        return cur.lastrowid


def reviews_for(sku: str, limit: int = 100) -> list[dict]:
    with sqlite3.connect(DB_PATH) as db:
        rows = db.execute("SELECT rating, text FROM reviews WHERE sku = ? LIMIT ?",
                          (sku, limit)).fetchall()
    return [{"rating": r, "text": t} for r, t in rows]
''',
        "reviews/moderation.py": '''\
BLOCKED_TERMS = ("http://", "https://", "whatsapp", "discount code")


def needs_moderation(text: str) -> bool:
    """True when a review should wait for a human moderator."""
    lowered = text.lower()
    return any(term in lowered for term in BLOCKED_TERMS) or len(text) > 4000
''',
        "reviews/summary_job.py": '''\
def build_prompt(sku: str, reviews: list[str], max_words: int) -> str:
    """The summariser's prompt for one product's reviews."""
    numbered = "\\n".join(f"[R{i}] {text}" for i, text in enumerate(reviews, 1))
    return (f"Summarise these customer reviews of {sku} in at most {max_words} words. "
            f"Use only what the reviews say.\\n\\n{numbered}")
''',
    },
}


@dataclass(frozen=True)
class Target:
    repo: str
    f: str
    path: str
    params: str
    args: str
    first: str
    io: bool
    thing: str
    test: str


def _t(repo, f, path, params, io, thing, test):
    args = ", ".join(p.split(":")[0].strip() for p in params.split(", "))
    return Target(repo, f, path, params, args, args.split(", ")[0], io, thing, test)


TARGETS = [
    _t("orders-service", "fetch_order", "orders/client.py", "order_id: str", True, "order",
       '''from orders import client


def test_fetch_order_builds_an_order(monkeypatch):
    monkeypatch.setattr(client, "get_json", lambda path: {
        "order_id": "CW-1", "customer_id": "C-9", "status": "paid", "total_pence": 1200})
    order = client.fetch_order("CW-1")
    assert order.order_id == "CW-1"
    assert order.total_pence == 1200
'''),
    _t("orders-service", "list_orders", "orders/client.py", "customer_id: str, limit: int = 50",
       True, "customer", '''from orders import client


def test_list_orders_passes_the_limit(monkeypatch):
    seen = {}

    def fake_get_json(path, params=None):
        seen.update(params or {})
        return {"items": []}

    monkeypatch.setattr(client, "get_json", fake_get_json)
    assert client.list_orders("C-9", limit=5) == []
    assert seen == {"limit": 5}
'''),
    _t("orders-service", "cancel_order", "orders/client.py", "order_id: str, reason: str", True,
       "order", '''from orders import client


def test_cancel_order_posts_the_reason(monkeypatch):
    calls = []
    monkeypatch.setattr(client, "post_json", lambda path, body: calls.append((path, body)))
    client.cancel_order("CW-7", "changed mind")
    assert calls == [("/orders/CW-7/cancel", {"reason": "changed mind"})]
'''),
    _t("orders-service", "compute_vat", "orders/pricing.py", "amount_pence: int", False,
       "amount", '''from orders.pricing import compute_vat


def test_compute_vat_rounds_half_up():
    assert compute_vat(1000) == 200
    assert compute_vat(3) == 1
    assert compute_vat(0) == 0
'''),
    _t("orders-service", "apply_discount", "orders/pricing.py", "total_pence: int, percent: int",
       False, "basket", '''import pytest

from orders.pricing import apply_discount


def test_apply_discount():
    assert apply_discount(1000, 10) == 900
    assert apply_discount(999, 0) == 999


def test_apply_discount_rejects_out_of_range():
    with pytest.raises(ValueError):
        apply_discount(1000, 120)
'''),
    _t("web-shop", "get_product", "shop/catalogue.py", "sku: str", True, "product",
       '''from shop import catalogue


def test_get_product_asks_for_the_sku(monkeypatch):
    paths = []
    monkeypatch.setattr(catalogue, "fetch", lambda path: paths.append(path) or {})
    monkeypatch.setattr(catalogue.Product, "from_api", staticmethod(lambda data: data))
    catalogue.get_product("P-ORB-LMP")
    assert paths == ["/products/P-ORB-LMP"]
'''),
    _t("web-shop", "search_products", "shop/catalogue.py", "term: str, limit: int = 20", True,
       "product", '''from shop import catalogue


def test_search_products_returns_every_hit(monkeypatch):
    monkeypatch.setattr(catalogue, "fetch", lambda path: {"hits": [{"sku": "a"}, {"sku": "b"}]})
    monkeypatch.setattr(catalogue.Product, "from_api", staticmethod(lambda data: data["sku"]))
    assert catalogue.search_products("lamp") == ["a", "b"]
'''),
    _t("web-shop", "format_price", "shop/formatting.py", "pence: int", False, "price",
       '''from shop.formatting import format_price


def test_format_price():
    assert format_price(12950) == "£129.50"
    assert format_price(5) == "£0.05"
    assert format_price(123456) == "£1,234.56"
'''),
    _t("stock-sync", "fetch_levels", "stocksync/warehouse_api.py", "warehouse_id: str", True,
       "warehouse", '''import io
import json

from stocksync import warehouse_api


def test_fetch_levels_maps_sku_to_on_hand(monkeypatch):
    body = json.dumps({"levels": [{"sku": "P-1", "on_hand": "4"}]}).encode()
    monkeypatch.setattr(warehouse_api.urllib.request, "urlopen",
                        lambda url, timeout: io.BytesIO(body))
    assert warehouse_api.fetch_levels("WH-2") == {"P-1": 4}
'''),
    _t("stock-sync", "sync_warehouse", "stocksync/sync.py", "warehouse_id: str, dry_run: bool = "
       "False", True, "warehouse", '''from stocksync import sync


def test_dry_run_writes_nothing(monkeypatch):
    writes = []
    monkeypatch.setattr(sync, "fetch_levels", lambda wid: {"P-1": 3})
    monkeypatch.setattr(sync, "read_levels", lambda: {"P-1": 1})
    monkeypatch.setattr(sync, "write_levels", writes.append)
    report = sync.sync_warehouse("WH-1", dry_run=True)
    assert report.changed == 1
    assert writes == []
'''),
    _t("stock-sync", "read_levels", "stocksync/store.py", "path: Path = LEVELS_PATH", False,
       "levels", '''from stocksync.store import read_levels


def test_read_levels_missing_file(tmp_path):
    assert read_levels(tmp_path / "none.json") == {}
'''),
    _t("payments-gateway", "charge", "payments/gateway.py", "amount_pence: int, card_token: str",
       True, "card", '''from payments import gateway


def test_charge_sends_pence_and_currency(monkeypatch):
    sent = []
    monkeypatch.setattr(gateway, "send", lambda endpoint, body: sent.append(body) or {})
    monkeypatch.setattr(gateway.Charge, "from_reply", staticmethod(lambda reply: reply))
    gateway.charge(4999, "tok_test")
    assert sent == [{"amount": 4999, "source": "tok_test", "currency": "GBP"}]
'''),
    _t("payments-gateway", "refund", "payments/gateway.py", "charge_id: str, amount_pence: int "
       "| None = None", True, "charge", '''from payments import gateway


def test_full_refund_sends_no_amount(monkeypatch):
    sent = []
    monkeypatch.setattr(gateway, "send", lambda endpoint, body: sent.append(body) or {})
    monkeypatch.setattr(gateway.Charge, "from_reply", staticmethod(lambda reply: reply))
    gateway.refund("ch_1")
    assert sent == [{"charge": "ch_1"}]
'''),
    _t("payments-gateway", "verify_signature", "payments/webhooks.py",
       "payload: bytes, signature: str, secret: str", False, "webhook",
       '''import hashlib
import hmac

from payments.webhooks import verify_signature


def test_verify_signature_accepts_a_good_one_only():
    sig = hmac.new(b"s3cret", b"{}", hashlib.sha256).hexdigest()
    assert verify_signature(b"{}", sig, "s3cret")
    assert not verify_signature(b"{}", sig, "other")
'''),
    _t("delivery-tracker", "shipment_status", "tracking/client.py", "tracking_number: str", True,
       "shipment", '''import io

from tracking import client


def test_shipment_status_reads_the_status(monkeypatch):
    monkeypatch.setattr(client.urllib.request, "urlopen",
                        lambda url, timeout: io.BytesIO(b'{"status": "out for delivery"}'))
    shipment = client.shipment_status("PW123")
    assert shipment.carrier == "parcelwing"
    assert shipment.status == "out for delivery"
'''),
    _t("delivery-tracker", "carrier_for", "tracking/carriers.py", "tracking_number: str", False,
       "parcel", '''import pytest

from tracking.carriers import carrier_for


def test_carrier_for_known_prefixes():
    assert carrier_for("sp0042") == "swiftpost"


def test_carrier_for_unknown_prefix():
    with pytest.raises(KeyError):
        carrier_for("ZZ1")
'''),
    _t("delivery-tracker", "send_dispatch_email", "tracking/notify.py", "order_id: str, email: "
       "str", True, "order", '''from tracking import notify


def test_dispatch_email_uses_the_template(monkeypatch):
    sent = []
    monkeypatch.setattr(notify, "send_template", lambda name, to, context: sent.append(name))
    notify.send_dispatch_email("CW-1", "sam@cobblewick.example")
    assert sent == ["dispatch"]
'''),
    _t("reviews-api", "reviews_for", "reviews/store.py", "sku: str, limit: int = 100", True,
       "review", '''import sqlite3

from reviews import store


def test_reviews_for_limits(tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE reviews (sku, rating, text)")
        conn.executemany("INSERT INTO reviews VALUES (?, ?, ?)", [("P-1", 5, "x")] * 3)
    monkeypatch.setattr(store, "DB_PATH", str(db))
    assert len(store.reviews_for("P-1", limit=2)) == 2
'''),
    _t("reviews-api", "needs_moderation", "reviews/moderation.py", "text: str", False, "review",
       '''from reviews.moderation import needs_moderation


def test_links_need_moderation():
    assert needs_moderation("see https://example.org")
    assert not needs_moderation("Lovely mug, keeps tea hot.")
'''),
    _t("reviews-api", "build_prompt", "reviews/summary_job.py", "sku: str, reviews: list[str], "
       "max_words: int", False, "review", '''from reviews.summary_job import build_prompt


def test_build_prompt_numbers_reviews():
    prompt = build_prompt("P-1", ["good", "bad"], 50)
    assert "[R1] good" in prompt and "[R2] bad" in prompt
    assert "50 words" in prompt
'''),
]
REPO_PKG = {"orders-service": "orders", "web-shop": "shop", "stock-sync": "stocksync",
            "payments-gateway": "payments", "delivery-tracker": "tracking",
            "reviews-api": "reviews"}
KINDS_IO = ["retry", "logging", "cache", "validation", "test", "test"]
KINDS_PURE = ["logging", "validation", "test", "test"]
REQUESTS = {
    "retry": ["add a retry around {f} in {path}", "wrap {f} in a retry, it times out under load",
              "{f} keeps failing with connection resets, can you add retries",
              "retry {f} up to 3 times with a short backoff"],
    "logging": ["add logging to {f}", "log when {f} is called and when it fails",
                "we need logs around {f} for the incident review", "add some logging in {path}"],
    "cache": ["cache the result of {f} for 5 minutes", "add a short in-memory cache in front of "
              "{f}", "{f} is slow, cache it for 5 minutes"],
    "validation": ["make {f} reject an empty {first}", "add input validation to {f}",
                   "{f} should raise ValueError when {first} is empty"],
    "test": ["write a unit test for {f}", "add a test for {f}",
             "can you write a pytest for {f} in {path}", "unit test for {f} please"],
}
SECOND_PART = {  # incomplete-change: the part the code leaves out
    "retry": ("and log each failed attempt", "logging of the retries"),
    "logging": ("and record how long each call takes", "the timing"),
    "cache": ("and add a function to clear the cache", "the clear-cache function"),
    "validation": ("and add a test for the empty case", "the test"),
    "test": ("covering both the happy path and an error case", "the error-case test"),
}
MISSING_TEST = {
    "retry": "FAILED tests/test_{short}.py::test_logs_each_failed_attempt - AssertionError: "
             "expected 2 warning records, got 0",
    "logging": "FAILED tests/test_{short}.py::test_logs_duration - AssertionError: 'took' not "
               "found in log output",
    "cache": "FAILED tests/test_{short}.py::test_clear_cache - AttributeError: module "
             "'{mod}' has no attribute 'clear_cache'",
    "validation": "",
    "test": "",
}
DID = {"retry": "a retry wrapper", "logging": "logging", "cache": "a cache",
       "validation": "input validation", "test": "a test", "docs": "docs"}
CODE_NOTES = {
    "name": ["hallucinated API: {spec} isn't anywhere in {repo}",
             "{spec}? hallucinated helper, not in the repo", "calls {spec}, which doesn't exist",
             "hallucinated API ({spec})", "made up {spec} - grep finds nothing",
             "where is {spec} defined? nowhere. hallucinated"],
    "kwarg": ["nonexistent kwarg {spec}", "{f}() has no {spec} parameter",
              "passes {spec}=..., no such kwarg", "nonexistent kwarg: {spec} isn't in the "
              "signature", "hallucinated API - {spec} kwarg doesn't exist"],
    "module": ["no such module {spec}", "imports from {spec}, no such module in {repo}",
               "no such module: {spec}", "{spec} doesn't exist, hallucinated import"],
    "config": ["no such setting {spec}", "config key {spec} doesn't exist",
               "reads {spec}, we have no such key", "hallucinated config key {spec}"],
    "pin": ["pins {spec}, that version doesn't exist", "made-up version pin {spec}",
            "where did {spec} come from? not in our lock file"],
    "incomplete-change": ["only does half: {missing} missing", "incomplete - no {missing}",
                          "{missing} not done", "asked for {missing} too, not there",
                          "partial change, {missing} left out", "missing {missing}",
                          "did the {done} but forgot {missing}"],
    "wrong-task": ["wrong task: asked for {asked}, got {did}", "this is {did}, not {asked}",
                   "didn't do what was asked ({asked})", "off-task, wrote {did}",
                   "asked for {asked}. got {did}??", "misread the request: {did} instead of "
                   "{asked}"],
}
CODE_TERSE = ["no", "wrong", "bad", "nope", "-1", "revert"]
HALLUCINATED = {  # kind -> [(form, name template, code template)]
    "retry": [
        ("name", "retry_with_backoff;{pkg}.utils", '''from {mod} import {f}
from {pkg}.utils import retry_with_backoff


@retry_with_backoff(max_attempts=3, base_delay=0.5)
def {f}_with_retry({params}):
    return {f}({args})
'''),
        ("kwarg", "retries", '''from {mod} import {f}


def {f}_with_retry({params}):
    """{f} already supports retries; turn them on."""
    return {f}({args}, retries=3)
'''),
        ("pin", "tenacity==8.2.9", '''# add to requirements.txt: tenacity==8.2.9
from tenacity import retry, stop_after_attempt, wait_exponential

from {mod} import {f}


@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5))
def {f}_with_retry({params}):
    return {f}({args})
'''),
    ],
    "logging": [
        ("name", "get_structured_logger;{pkg}.observability", '''from {mod} import {f}
from {pkg}.observability import get_structured_logger

log = get_structured_logger(__name__)


def {f}_logged({params}):
    log.info("{f}.start", {first}={first})
    result = {f}({args})
    log.info("{f}.done")
    return result
'''),
        ("module", "{pkg}.telemetry;log_event", '''from {mod} import {f}
from {pkg}.telemetry import log_event


def {f}_logged({params}):
    log_event("{f}", {first}={first})
    return {f}({args})
'''),
        ("config", "LOG_LEVEL_{PKG}", '''import logging

from {mod} import {f}
from {pkg} import settings

logger = logging.getLogger(__name__)
logger.setLevel(settings.LOG_LEVEL_{PKG})


def {f}_logged({params}):
    logger.info("calling {f}")
    return {f}({args})
'''),
    ],
    "cache": [
        ("config", "CACHE_TTL_SECONDS", '''import time

from {mod} import {f}
from {pkg}.settings import CACHE_TTL_SECONDS

_cache = {{}}


def cached_{f}({params}):
    hit = _cache.get({first})
    if hit and time.monotonic() - hit[0] < CACHE_TTL_SECONDS:
        return hit[1]
    value = {f}({args})
    _cache[{first}] = (time.monotonic(), value)
    return value
'''),
        ("name", "redis_cache;{pkg}.cache", '''from {mod} import {f}
from {pkg}.cache import redis_cache


@redis_cache(ttl=300, namespace="{f}")
def cached_{f}({params}):
    return {f}({args})
'''),
        ("kwarg", "use_cache;cache_ttl", '''from {mod} import {f}


def cached_{f}({params}):
    return {f}({args}, use_cache=True, cache_ttl=300)
'''),
    ],
    "validation": [
        ("name", "InvalidInputError", '''from {mod} import {f}
from {pkg}.errors import InvalidInputError


def checked_{f}({params}):
    if not {first}:
        raise InvalidInputError("{first}", "must not be empty")
    return {f}({args})
'''),
        ("name", "validate_{first};{pkg}.validators", '''from {mod} import {f}
from {pkg}.validators import validate_{first}


def checked_{f}({params}):
    validate_{first}({first})
    return {f}({args})
'''),
    ],
    "test": [
        ("name", "make_{thing};{pkg}.testing", '''from {mod} import {f}
from {pkg}.testing.factories import make_{thing}


def test_{f}_happy_path():
    {thing} = make_{thing}()
    assert {f}({thing}.{first}) is not None
'''),
        ("name", "{thing}_fixture", '''import pytest

from {mod} import {f}
from tests.fixtures import {thing}_fixture


@pytest.mark.usefixtures("{thing}_fixture")
def test_{f}_returns_something():
    assert {f}({thing}_fixture.{first}) is not None
'''),
    ],
}
ERROR_LOG = {
    "name": ["ImportError: cannot import name '{spec}' from '{where}'",
             "ModuleNotFoundError: No module named '{where}'",
             "NameError: name '{spec}' is not defined"],
    "module": ["ModuleNotFoundError: No module named '{spec}'"],
    "kwarg": ["TypeError: {f}() got an unexpected keyword argument '{spec}'"],
    "config": ["AttributeError: module '{pkg}.settings' has no attribute '{spec}'",
               "ImportError: cannot import name '{spec}' from '{pkg}.settings'",
               "ModuleNotFoundError: No module named '{pkg}.settings'"],
    "pin": ["ERROR: No matching distribution found for {spec}",
            "ModuleNotFoundError: No module named 'tenacity'"],
}
OK_CODE = {
    "retry": '''import time

from {mod} import {f}


def {f}_with_retry({params}, attempts: int = 3, delay: float = 0.5):
    """Call {f}, retrying on connection errors with a growing pause."""
    for attempt in range(1, attempts + 1):
        try:
            return {f}({args})
        except ConnectionError:
            if attempt == attempts:
                raise
            time.sleep(delay * attempt)
''',
    "logging": '''import logging

from {mod} import {f}

logger = logging.getLogger(__name__)


def {f}_logged({params}):
    logger.info("{f} called with %s", {first})
    try:
        result = {f}({args})
    except Exception:
        logger.exception("{f} failed for %s", {first})
        raise
    logger.debug("{f} finished")
    return result
''',
    "cache": '''import time

from {mod} import {f}

TTL_SECONDS = 5 * 60
_cache: dict = {{}}


def cached_{f}({params}):
    hit = _cache.get({first})
    if hit and time.monotonic() - hit[0] < TTL_SECONDS:
        return hit[1]
    value = {f}({args})
    _cache[{first}] = (time.monotonic(), value)
    return value
''',
    "validation": '''from {mod} import {f}


def checked_{f}({params}):
    if not {first}:
        raise ValueError("{first} must not be empty")
    return {f}({args})
''',
}
GENERIC_OK = {  # no context at all: an honest, self-contained answer
    "retry": '''# I couldn't find {f} or a retry helper in the context I was given, so here is a
# small generic one you can add; wrap {f} with it.
import time


def with_retry(func, *args, attempts: int = 3, delay: float = 0.5, **kwargs):
    for attempt in range(1, attempts + 1):
        try:
            return func(*args, **kwargs)
        except ConnectionError:
            if attempt == attempts:
                raise
            time.sleep(delay * attempt)
''',
    "logging": '''# {f} isn't in the context I was given, so this is a decorator you can put on it.
import functools
import logging

logger = logging.getLogger(__name__)


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        logger.info("%s called", func.__name__)
        try:
            return func(*args, **kwargs)
        except Exception:
            logger.exception("%s failed", func.__name__)
            raise
    return wrapper
''',
    "cache": '''# No cache helper in the context I was given; a small TTL cache decorator:
import functools
import time


def ttl_cache(seconds: float):
    def decorate(func):
        store = {{}}

        @functools.wraps(func)
        def wrapper(*args):
            hit = store.get(args)
            if hit and time.monotonic() - hit[0] < seconds:
                return hit[1]
            value = func(*args)
            store[args] = (time.monotonic(), value)
            return value
        return wrapper
    return decorate
''',
    "validation": '''# I don't have {f}'s code here, so this is a guard to call at its top.
def require_non_empty(name: str, value) -> None:
    if not value:
        raise ValueError(f"{{name}} must not be empty")
''',
    "test": '''# I don't have {f}'s code in the context, so I can't write a meaningful test for it
# without guessing its behaviour. Could you share the module? Here is a placeholder that
# at least checks it can be imported.
import importlib


def test_module_imports():
    assert importlib.import_module("{mod}")
''',
}

OFFICES = {"london": ["Z", "+00:00"], "krakow": ["+01:00"], "pune": ["+05:30"],
           "toronto": ["-05:00"]}
ENGINEERS = {f"eng-{i:02d}": office for i, office in enumerate(
    ["london", "london", "pune", "london", "krakow", "toronto", "pune", "london", "krakow",
     "london", "toronto", "pune", "london", "krakow"], 1)}
TRACEBACK = '''

it fails in prod like this:
Traceback (most recent call last):
  File "/srv/app/{path}", line 12, in {f}
    with urllib.request.urlopen(url, timeout=timeout) as response:
  File "/usr/lib/python3.11/urllib/request.py", line 216, in urlopen
    return opener.open(url, data, timeout)
  File "/usr/lib/python3.11/http/client.py", line 1375, in getresponse
    response.begin()
ConnectionResetError: [Errno 104] Connection reset by peer'''


def _stub(t: Target) -> str:
    """The target's signature and docstring only: thin context."""
    lines = REPO_FILES[t.repo][t.path].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {t.f}("))
    out = [lines[start]]
    nxt = lines[start + 1].strip()
    if nxt.startswith('"""') and nxt.endswith('"""') and len(nxt) > 3:
        out.append(lines[start + 1])
    return "\n".join([*out, "    ..."]) + "\n"


@dataclass
class Turn:
    request: str
    context: list[tuple[str, str]]
    language: str
    code: str
    unsupported: list[str]
    form: str
    fill: dict[str, str]
    test_log: str


def _fmt(template: str, t: Target) -> str:
    pkg = REPO_PKG[t.repo]
    return template.format(f=t.f, mod=t.path[:-3].replace("/", "."), pkg=pkg, PKG=pkg.upper(),
                           params=t.params, args=t.args, first=t.first, thing=t.thing,
                           path=t.path)


def _codegen_turn(rng: random.Random, code: str, thin: bool, t: Target) -> Turn:
    kind = rng.choice(KINDS_IO if t.io else KINDS_PURE)
    if code == "incomplete-change" and kind == "test" and "raises" in t.test:
        kind = "validation"
    request = _fmt(rng.choice(REQUESTS[kind]), t)
    fill = {"f": t.f, "repo": t.repo, "spec": "", "missing": "", "done": DID[kind],
            "asked": DID[kind], "did": ""}
    if code == "incomplete-change":
        request += " " + SECOND_PART[kind][0]
        fill["missing"] = SECOND_PART[kind][1]
    if kind == "retry" and rng.random() < 0.2:
        request += _fmt(TRACEBACK, t)
    if rng.random() < 0.12:
        request = typo(rng, request)
    # context
    files = REPO_FILES[t.repo]
    if thin:
        empty = rng.random() < (0.3 if code in (PATTERN, "ok") else 0.15)
        context = [] if empty else [(t.path, _stub(t))]
    else:
        others = [path for path in files if path != t.path]
        context = [(t.path, files[t.path])]
        rng.shuffle(others)
        want = rng.randint(1, 3)
        while others and (len(context) <= want or evidence_words([c for _, c in context]) < 60):
            path = others.pop()
            context.append((path, files[path]))
        rng.shuffle(context)
    texts = [c for _, c in context]
    unsupported: list[str] = []
    form = ""
    language = "python"
    log = ""
    if code == PATTERN:
        options = []
        for f_form, names, template in HALLUCINATED[kind]:
            planted = [_fmt(n, t) for n in names.split(";")]
            if absent(planted[0], texts):
                options.append((f_form, planted, template))
        form, planted, template = rng.choice(options)
        body = _fmt(template, t)
        unsupported = [n for n in planted if absent(n, texts) and n in body]
        fill["spec"] = unsupported[0]
        found = re.search(rf"from ([\w.]+) import [^\n]*\b{re.escape(unsupported[0])}\b", body)
        where = found.group(1) if found else next(
            (n for n in planted if "." in n and "==" not in n), "")
        log = rng.choice(ERROR_LOG[form]).format(spec=unsupported[0], f=t.f,
                                                 pkg=REPO_PKG[t.repo], where=where or
                                                 _fmt("{mod}", t))
        if form == "pin":
            fill["spec"] = unsupported[0]
    elif code == "wrong-task":
        choices = [k for k in ("retry", "logging", "cache", "validation", "test", "docs")
                   if k != kind and (t.io or k not in ("retry", "cache"))]
        other = rng.choice(choices)
        fill["did"] = DID[other]
        body = _ok_body(rng, other, t, thin, context)
    else:
        body = _ok_body(rng, kind, t, thin, context)
    if body.startswith("## "):
        language = "markdown"
    return Turn(request, context, language, body, unsupported, form, fill, log)


def _ok_body(rng: random.Random, kind: str, t: Target, thin: bool,
             context: list[tuple[str, str]]) -> str:
    if kind == "docs":
        return _fmt("## `{f}`\n\n`{f}({params})` is defined in `{path}`.\n", t) + (
            "\nSee the module for details. It is covered by the tests under `tests/`.\n")
    if not context:
        return _fmt(GENERIC_OK[kind], t)
    if kind == "test":
        return t.test if not thin else _fmt(GENERIC_OK["test"], t)
    return _fmt(OK_CODE[kind], t)


def _checks(rng: random.Random, code: str, turn: Turn, kind_log: str) -> dict:
    lint_msgs = []
    if rng.random() < (0.1 if code == "ok" else 0.18):
        lint_msgs.append(rng.choice(["E501 line too long (104 > 100)",
                                     "F401 'time' imported but unused",
                                     "I001 import block is un-sorted or un-formatted",
                                     "W291 trailing whitespace"]))
    lint = {"errors": len(lint_msgs), "messages": lint_msgs}
    r = rng.random()
    if code == PATTERN:
        if r < 0.22:
            return {"lint": lint, "tests": None}
        if r < 0.82:
            passed = rng.randint(0, 40)
            return {"lint": lint, "tests": {"passed": passed, "failed": rng.randint(1, 3),
                                            "log": kind_log}}
        return {"lint": lint, "tests": {"passed": rng.randint(3, 60), "failed": 0,
                                        "log": "all tests passed (network and imports mocked)"
                                        if rng.random() < 0.3 else ""}}
    if r < 0.15:
        return {"lint": lint, "tests": None}
    if code == "incomplete-change" and turn.test_log and r < 0.75:
        return {"lint": lint, "tests": {"passed": rng.randint(2, 40), "failed": 1,
                                        "log": turn.test_log}}
    if code == "wrong-task" and r < 0.45:
        return {"lint": lint, "tests": {"passed": rng.randint(2, 40), "failed": rng.randint(1, 2),
                                        "log": "AssertionError: assert False"}}
    n = rng.randint(4, 80)
    return {"lint": lint, "tests": {"passed": n, "failed": 0,
                                    "log": f"{n} passed in {rng.uniform(0.3, 9):.2f}s"
                                    if rng.random() < 0.6 else ""}}


def make_codegen(rng: random.Random) -> tuple[str, list[Gold]]:
    n_unique = 257
    plan = label_plan(rng, 254, "codegen")
    signals = plan_signals(rng, [c for c, _ in plan], "codegen")
    # sessions: 1-6 turns, about 90 of them
    sizes: list[int] = []
    while sum(sizes) < n_unique:
        sizes.append(rng.choice([1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6]))
    sizes[-1] -= sum(sizes) - n_unique
    if sizes[-1] == 0:
        sizes.pop()
    starts = spread_times(rng, len(sizes))
    slots = list(range(n_unique))
    bad = rng.sample(slots[5:-5], 3)
    bad_reason = {bad[0]: "missing-timestamp", bad[1]: "missing-timestamp", bad[2]: "no-output"}
    sessions = []
    golds_by_turn: dict[str, Gold] = {}
    slot = 0
    k = 0
    turn_no = 4100
    session_no = 1000
    for s_i, size in enumerate(sizes):
        engineer = rng.choice(sorted(ENGINEERS))
        repo = rng.choice(sorted(REPO_FILES))
        repo_targets = [t for t in TARGETS if t.repo == repo]
        moment = starts[s_i]
        turns = []
        for _ in range(size):
            reason = bad_reason.get(slot, "")
            if reason:
                code, thin, signal = "ok", rng.random() < 0.35, False
            else:
                (code, thin), signal = plan[k], signals[k]
                k += 1
            slot += 1
            t = rng.choice(repo_targets)
            turn = _codegen_turn(rng, code, thin, t)
            texts = [c for _, c in turn.context]
            assert (evidence_words(texts) < 40) == thin, (thin, evidence_words(texts))
            assert evidence_words(texts) <= 30 or evidence_words(texts) >= 60
            assert all(absent(u, texts) and u in turn.code for u in turn.unsupported), turn
            turn_no += rng.randint(1, 9)
            moment = moment + timedelta(minutes=rng.randint(2, 40))
            offset = rng.choice(OFFICES[ENGINEERS[engineer]])
            if offset == "Z":
                created = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                sign = -1 if offset[0] == "-" else 1
                delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
                created = (moment.astimezone(timezone(delta))).isoformat()
            accepted = signal or rng.random() < (0.78 if code == "ok" else 0.6)
            merged = signal or (accepted and rng.random() < 0.85)
            comment = None
            if code != "ok":
                if rng.random() > UNREVIEWED_FAILURES:
                    key = turn.form if code == PATTERN else code
                    comment = note_for(rng, key, CODE_NOTES, CODE_TERSE, turn.fill)
            elif rng.random() < 0.45:
                comment = rng.choice(["", "LGTM", "LGTM", "lgtm", "lgtm", "LGTM 👍", "ok"])
            if code == "incomplete-change":
                turn.test_log = MISSING_TEST[_kind_of(turn)].format(
                    short=t.path.split("/")[-1][:-3], mod=_fmt("{mod}", t))
            checks = _checks(rng, code, turn, turn.test_log)
            tid = f"t-{turn_no:05d}"
            data = {"turn_id": tid, "created": None if reason == "missing-timestamp" else
                    created, "request": turn.request,
                    "context": [{"path": p, "content": c} for p, c in turn.context],
                    "completion": None if reason == "no-output" else
                    {"language": turn.language, "code": turn.code},
                    "checks": checks if reason != "no-output" else {"lint": None, "tests": None},
                    "outcome": {"accepted": accepted and not reason, "merged": merged and not
                                reason, "reverted": signal},
                    "review_comment": comment if not reason else None}
            turns.append(data)
            golds_by_turn[tid] = Gold(
                f"codegen:{tid}", "codegen", status="rejected" if reason else "converted",
                reject_reason=reason, code="" if reason else code, thin=thin, signal=signal,
                occurred_at="" if reason == "missing-timestamp" else iso_z(moment),
                evidence_ids=[p for p, _ in turn.context],
                unsupported=turn.unsupported if not reason else [])
        session_no += rng.randint(1, 4)
        sessions.append({"session_id": f"FS-{session_no}",
                         "engineer": engineer, "repo": repo, "turns": turns})
    # one session of three turns, all converted, exported twice
    candidates = [i for i, s in enumerate(sessions[:-8]) if len(s["turns"]) == 3
                  and all(golds_by_turn[t["turn_id"]].status == "converted" for t in s["turns"])]
    i = rng.choice(candidates)
    sessions.insert(i + rng.randint(2, 6), json.loads(json.dumps(sessions[i])))
    golds: list[Gold] = []
    seen: set[str] = set()
    for session in sessions:
        for turn in session["turns"]:
            g = golds_by_turn[turn["turn_id"]]
            if turn["turn_id"] in seen:
                g = Gold(**{**g.__dict__})
                g.status, g.reject_reason, g.unsupported = "rejected", "duplicate", []
            seen.add(turn["turn_id"])
            golds.append(g)
    for pos, g in enumerate(golds, 1):
        g.position = pos
    export = {"export_version": "2.3", "exported_at": "2026-11-30T23:59:00Z",
              "sessions": sessions}
    return json.dumps(export, ensure_ascii=False, indent=2) + "\n", golds


def _kind_of(turn: Turn) -> str:
    for kind, (tail, _) in SECOND_PART.items():
        if tail in turn.request:
            return kind
    return "validation"


# ---------------------------------------------------------------------------------------
# Summariser
# ---------------------------------------------------------------------------------------

POS = {  # category -> [(review phrasings, summary phrase)]
    "furniture": [(["Really sturdy, no wobble at all.", "Solid and well made.",
                    "Feels much sturdier than our old one.", "Rock solid.",
                    "Heavy and well built, you can tell it will last."], "feels sturdy"),
                  (["Easy to put together, took us about 45 minutes.", "Assembly was "
                    "straightforward with two of us.", "Instructions were clear and all the "
                    "fixings were there.", "Put it together on my own in an evening."],
                   "is straightforward to assemble"),
                  (["The wood is beautiful in person.", "Lovely finish, looks expensive.",
                    "The grain is gorgeous.", "Colour is warmer than the photos, which we "
                    "prefer."], "has a lovely finish"),
                  (["Delivery team were careful and took the packaging.", "The two-man "
                    "delivery was on time.", "Drivers carried it upstairs without a fuss."],
                   "was delivered with care"),
                  (["Comfortable for long dinners.", "Comfy, we sit at it for hours.",
                    "Good height for the kids too."], "is comfortable to use")],
    "kitchen": [(["Heats really evenly on our induction hob.", "Cooks evenly, no hot spots.",
                  "Even heat, my stews have never been better.", "Great on the gas hob."],
                 "heats evenly"),
                (["Goes from oven to table and looks smart.", "Looks great on the table.",
                   "The colour is gorgeous on the table.", "Guests always comment on it."],
                 "looks good enough to serve from"),
                (["Survived the dishwasher fine so far.", "Easy to clean.", "Wipes clean "
                  "in seconds.", "Nothing sticks to it."], "is easy to clean"),
                (["Heavy in a good way, feels like it will last.", "Very well made.",
                  "Quality feels a cut above what we had."], "feels well made"),
                (["Nice size for two of us.", "Just the right size for a family meal.",
                  "Bigger than I expected, in a good way."], "is a useful size")],
    "candles": [(["Smells gorgeous, fills the whole living room.", "The scent is lovely and "
                  "not sickly.", "Beautiful fragrance even before lighting.", "Smells like "
                  "a posh hotel.", "The fragrance carries right up the stairs."],
                 "smells lovely"),
                (["Burned evenly right to the bottom.", "Even burn, no tunnelling for me.",
                  "Burns cleanly and evenly.", "Melted right across the top on the first "
                  "burn."], "burns evenly"),
                (["Lovely gift, came nicely wrapped.", "Bought as a present and it went down "
                  "well.", "My sister loved it.", "Perfect little thank-you present."],
                 "makes a good gift"),
                (["The jar is pretty enough to reuse.", "Looks smart on the mantelpiece.",
                  "Nice packaging, looks more expensive than it is."], "looks smart"),
                (["Lasted ages.", "Still going after weeks of evenings.", "Long-lasting for "
                  "the price."], "lasts well")],
    "textiles": [(["So soft, and heavier than I expected.", "Really soft and cosy.",
                   "Soft straight out of the packet.", "Lovely and snuggly."], "is soft"),
                 (["Colour exactly as pictured.", "The colour is even nicer in person.",
                   "True to the photos."], "matches the photos"),
                 (["Washed well and came out softer.", "Still looks new after several "
                   "washes.", "Goes through the wash with no trouble."], "washes well"),
                 (["Good quality for the price.", "Feels far more expensive than it was.",
                   "Worth every penny."], "is good value"),
                 (["Generous size.", "Bigger than I thought, covers the whole sofa.",
                   "Fits well."], "is a generous size")],
    "lighting": [(["Gives a lovely warm glow.", "Soft light, perfect for the bedroom.",
                   "Lovely diffused light, not harsh at all."], "gives a warm light"),
                 (["Looks even better in person.", "Beautiful design, lots of compliments.",
                   "Really stylish, the brass is lovely."], "looks good"),
                 (["Well packed, arrived safely.", "Packaging was excellent.",
                   "Arrived in one piece, very well boxed."], "arrived well packed"),
                 (["Easy to set up.", "Plugged it in and it just works."],
                  "is easy to set up")],
}
FILLER = ["Would buy again.", "Five stars.", "Does what it says.", "Nice enough.",
          "Arrived quickly.", "Happy with it.", "Exactly what I wanted.", "Recommended.",
          "No complaints so far.", "Good service from Cobblewick as always."]
SUMMARY_LEADS = ["Reviewers say it {pos}.", "Customers find that it {pos}.",
                 "Most reviews say it {pos}.", "Buyers report that it {pos}.",
                 "Reviews agree it {pos}."]
NEG = {  # category -> [(review phrasings, summary phrase, qa name)]
    "furniture": [(["One leg wobbles whatever we do.", "Ours wobbles on a flat floor.",
                    "Still wobbly after tightening everything."], "wobbles", "wobble"),
                  (["Arrived with a scratch on the top.", "Surface was scratched out of the "
                    "box.", "Scratches on delivery, had to send photos."],
                   "arrived scratched", "scratches"),
                  (["It tipped forward when the drawers were open, please use the wall "
                    "strap.", "Tips over easily if not strapped to the wall, scary with "
                    "kids.", "Almost fell on my son, fix it to the wall."],
                   "can tip over unless fixed to the wall", "tipping hazard")],
    "kitchen": [(["The enamel chipped within a month.", "Chipped on the rim after a few "
                  "uses.", "Enamel flaking already."], "chips", "chipping"),
                (["The handle gets dangerously hot.", "Burnt my hand on the handle, it gets "
                  "very hot.", "Handle too hot to touch without a cloth."],
                 "has a handle that gets very hot", "hot handle")],
    "candles": [(["The jar cracked on the third burn.", "Glass cracked while it was lit, "
                  "quite frightening.", "Jar split down the side halfway through."],
                 "has a jar that can crack while lit", "cracking jar"),
                (["Barely any scent once lit.", "Can hardly smell it when burning.",
                  "Scent disappears after the first burn."], "has a weak scent when lit",
                 "weak scent"),
                (["The flame got very high and left soot on the wall.", "Huge flame and black "
                  "smoke.", "Flame too big, soot everywhere."],
                 "can burn with a high, sooty flame", "high flame")],
    "textiles": [(["Shrank in the first wash.", "Shrunk badly even on a cool wash.",
                   "Lost a few inches after washing."], "shrinks", "shrinking"),
                 (["The dye ran onto my white sheets.", "Colour bled in the wash.",
                   "Dye came off on my sofa."], "can run in the wash", "colour run"),
                 (["Bobbled after a week.", "Pilling already.", "Went bobbly fast."],
                  "bobbles", "bobbling")],
    "lighting": [(["The plug gets hot after an hour.", "Cable and plug got worryingly warm.",
                   "Plug was hot to touch, unplugged it."], "has a plug that gets hot",
                  "hot plug"),
                 (["Flickers on and off.", "Started flickering after a week.",
                   "Constant flicker with every bulb we tried."], "flickers", "flicker")],
}
OPENERS = ["", "", "", "Bought two of these. ", "Second one I've bought. ", "Gift for my mum. ",
           "Got this in the sale. ", "Had it a month now. ", "Wasn't sure at first but ",
           "Ordered on a Tuesday, here by Friday. "]
INVENTED_CLAIMS = [
    ("Rated {r} by {n} customers.", lambda rng: {"r": rng.choice(["4.7", "4.8", "4.6", "4.9"]),
                                                   "n": str(rng.choice([312, 96, 1240, 58,
                                                                        417, 203]))},
     lambda v: [v["r"], f"{v['n']} customers"], "rating"),
    ("Comes with a {g} guarantee.", lambda rng: {"g": rng.choice(["10-year", "5-year",
                                                                  "25-year"])},
     lambda v: [v["g"]], "guarantee"),
    ("Ships in {d}.", lambda rng: {"d": rng.choice(["3 days", "48 hours", "2 working days"])},
     lambda v: [v["d"]], "delivery time"),
    ("Designed in {c}.", lambda rng: {"c": rng.choice(["Copenhagen", "Stockholm", "Milan",
                                                       "Bath"])},
     lambda v: [v["c"]], "design origin"),
    ("Weighs just {w}.", lambda rng: {"w": rng.choice(["1.2 kg", "3.4 kg", "850 g"])},
     lambda v: [v["w"]], "weight"),
    ("Available in {n} colours.", lambda rng: {"n": rng.choice(["6", "8", "12"])},
     lambda v: [f"{v['n']} colours"], "colour range"),
    ("Burns for up to {h}.", lambda rng: {"h": rng.choice(["60 hours", "80 hours"])},
     lambda v: [v["h"]], "burn time"),
]
QA_NOTES = {
    PATTERN: ["unsupported claim: '{spec}'", "{spec} not in source", "fabricated {what}",
              "not in source - where does {spec} come from?", "unsupported claim ({what})",
              "fabricated {what}, reviews never say {spec}", "{what} is not in source"],
    "length-violation": ["over the limit ({n} words, max {m})", "too long", "{n} words, limit "
                         "is {m}", "exceeds word limit", "too long - cut to {m}",
                         "word count {n}/{m}"],
    "omitted-complaint": ["leaves out the {neg} complaints", "misses the {neg} issue, "
                          "{k} reviews mention it", "omits {neg}", "no mention of {neg}",
                          "one-sided: ignores {neg}", "safety point missing ({neg})"],
}
QA_TERSE = ["no", "bad", "redo", "reject"]
ABSTAIN_SUM = ["The reviews do not mention {gap}.", "Too few reviews to say more; none "
               "mention {gap}.", "Nothing yet on {gap}."]
GAPS = ["delivery times", "durability", "how it washes", "assembly", "size", "long-term wear"]


def _review(rng: random.Random, text: str) -> str:
    opener = rng.choice(OPENERS)
    body = text[0].lower() + text[1:] if opener.endswith("but ") else text
    out = opener + body
    if rng.random() < 0.06:
        out = typo(rng, out)
    if rng.random() < 0.05:
        out = out.lower()
    return out


def _source(reviews: list[str]) -> str:
    return "\n".join(f"[R{i}] {text}" for i, text in enumerate(reviews, 1))


def _summary_sentence(pos: list[str], negs: list[str], max_words: int) -> str:
    lead_t = SUMMARY_LEADS[len("".join(pos)) % len(SUMMARY_LEADS)]
    text = lead_t.format(pos=rng_choice_free(pos))
    if negs:
        text += " " + " ".join(f"However, several say it {n}." for n in negs)
    return text if words(text) <= max_words else lead_t.format(pos=pos[0])


def rng_choice_free(pos: list[str]) -> str:
    if len(pos) == 1:
        return pos[0]
    return ", ".join(pos[:-1]) + " and " + pos[-1]


def _summariser_row(rng: random.Random, code: str, thin: bool) -> dict:
    p = rng.choice(PRODUCTS)
    cat = p.cat
    max_words = rng.randint(40, 80)
    pos_pool = POS[cat][:]
    rng.shuffle(pos_pool)
    neg_pool = NEG[cat][:]
    rng.shuffle(neg_pool)
    reviews: list[str] = []
    pos_used: list[str] = []
    negs_present: list[tuple[str, str, int]] = []
    if thin:
        n_rev = rng.randint(1, 3)
        chosen_neg = None
        if code == "omitted-complaint" or (code == "ok" and rng.random() < 0.2):
            chosen_neg = neg_pool[0]
            n_rev = max(n_rev, 2)
        for i in range(n_rev):
            if chosen_neg and i < 2:
                reviews.append(chosen_neg[0][i])
            else:
                phr, summ = pos_pool[i % len(pos_pool)]
                reviews.append(rng.choice(phr))
                if summ not in pos_used:
                    pos_used.append(summ)
        if chosen_neg:
            negs_present.append((chosen_neg[1], chosen_neg[2], 2))
        if not pos_used:
            pos_used.append(pos_pool[0][1])
            reviews.append(rng.choice(pos_pool[0][0]))
        while words(_source(reviews)) > 30:
            reviews.pop()
    else:
        n_rev = rng.randint(4, 12) if rng.random() > 0.04 else rng.randint(18, 26)
        k_neg = 0
        chosen_neg = None
        if code == "omitted-complaint" or rng.random() < 0.45:
            chosen_neg = neg_pool[0]
            k_neg = rng.randint(2, min(3, n_rev - 2)) if n_rev >= 4 else 2
        neg_slots = set(rng.sample(range(n_rev), k_neg))
        neg_i = 0
        for i in range(n_rev):
            if i in neg_slots:
                reviews.append(_review(rng, chosen_neg[0][neg_i % len(chosen_neg[0])]))
                neg_i += 1
            else:
                picks = rng.sample(pos_pool, rng.randint(1, 2))
                text = " ".join(rng.choice(ph) for ph, _ in picks)
                if rng.random() < 0.3:
                    text += " " + rng.choice(FILLER)
                reviews.append(_review(rng, text))
                for _, summ in picks:
                    if summ not in pos_used:
                        pos_used.append(summ)
        if chosen_neg:
            negs_present.append((chosen_neg[1], chosen_neg[2], k_neg))
        while words(_source(reviews)) < 60:
            phr, summ = rng.choice(pos_pool)
            reviews.append(_review(rng, " ".join(phr)))
            if summ not in pos_used:
                pos_used.append(summ)
    source = _source(reviews)
    fill = {"spec": "", "what": "", "n": "", "m": str(max_words), "neg": "", "k": ""}
    unsupported: list[str] = []
    pos_phrases = pos_used[:3]
    negs = [n for n, _, _ in negs_present]
    if code == "omitted-complaint":
        negs = []
        fill["neg"], fill["k"] = negs_present[0][1], str(negs_present[0][2])
    if thin:
        n_found = len(reviews)
        summary = (f"Only {['no', 'one', 'two', 'three'][n_found]} review"
                   f"{'s' if n_found != 1 else ''} so far: "
                   f"{'it' if n_found == 1 else 'they'} say{'s' if n_found == 1 else ''} "
                   f"it {rng_choice_free(pos_phrases)}.")
        if negs:
            summary += f" Both mention that it {negs[0]}."
        if code in ("ok", "omitted-complaint") and rng.random() < 0.7:
            summary += " " + rng.choice(ABSTAIN_SUM).format(gap=rng.choice(GAPS))
    else:
        summary = _summary_sentence(pos_phrases, negs, max_words)
        if rng.random() < 0.5 and words(summary) + 12 <= max_words:
            summary += rng.choice([" Most would buy it again.", " Overall, buyers are happy.",
                                   " Generally well liked."])
    if code == PATTERN:
        for _ in range(50):
            template, make, specs, what = rng.choice(INVENTED_CLAIMS)
            if what == "burn time" and cat != "candles":
                continue
            values = make(rng)
            planted = specs(values)
            if all(absent(x, [source]) for x in planted):
                break
        claim = template.format(**values)
        summary = (claim + " " + summary) if rng.random() < 0.5 else (summary + " " + claim)
        while words(summary) > max_words:
            summary = summary.rsplit(". ", 1)[0] + "."
        unsupported = planted
        fill["spec"], fill["what"] = planted[0], what
    if code == "length-violation":
        target = max_words + rng.randint(3, 45)
        quotes = [text for text in reviews]
        rng.shuffle(quotes)
        intro = ["One buyer writes: \"{q}\"", "Another says: \"{q}\"",
                 "A third review reads: \"{q}\"", "Someone else adds: \"{q}\"",
                 "As one customer puts it: \"{q}\"", "Another review: \"{q}\"",
                 "One more says: \"{q}\"", "And another: \"{q}\""]
        extra = [intro[i % len(intro)].format(q=q.rstrip()) for i, q in enumerate(quotes)]
        extra += ["Taken together, the reviews paint a consistent and broadly positive "
                  "picture of the product and of the experience of buying it.",
                  "Several buyers describe it in warm terms and say they would be happy to "
                  "recommend it to friends and family.",
                  "In summary, customers who have reviewed it so far are, on the whole, "
                  "satisfied with what they received and how it has performed in use."]
        for sentence in extra:
            if words(summary) > target:
                break
            summary += " " + sentence
        fill["n"] = str(words(summary))
    assert code == "length-violation" or words(summary) <= max_words, (code, summary)
    return {"p": p, "max_words": max_words, "source": source, "summary": summary,
            "unsupported": unsupported, "fill": fill, "n_reviews": len(reviews)}


def make_summaries(rng: random.Random) -> tuple[str, list[Gold]]:
    plan = label_plan(rng, 297, "summarisation")
    signals = plan_signals(rng, [c for c, _ in plan], "summarisation")
    n_unique = 299
    bad = rng.sample(range(10, n_unique - 10), 2)
    reasons = {bad[0]: "impossible-date", bad[1]: "no-output"}
    times = spread_times(rng, n_unique)
    rows: list[list[str]] = []
    golds: list[Gold] = []
    k = 0
    sid = 20117
    for i in range(n_unique):
        reason = reasons.get(i, "")
        if reason:
            code, thin, signal = "ok", rng.random() < 0.35, False
        else:
            (code, thin), signal = plan[k], signals[k]
            k += 1
        r = _summariser_row(rng, code, thin)
        assert (evidence_words([r["source"]]) < 40) == thin
        assert all(absent(u, [r["source"]]) and u in r["summary"] for u in r["unsupported"])
        sid += rng.randint(1, 12)
        office = "Europe/London" if rng.random() < 0.6 else "America/New_York"
        local = times[i].astimezone(ZoneInfo(office))
        created = local.strftime("%d/%m/%Y %H:%M")
        occurred = iso_z(times[i].replace(second=0))
        if reason == "impossible-date":
            created, occurred = "31/02/2026 10:00", ""
        summary = "" if reason == "no-output" else r["summary"]
        failing = code != "ok"
        if failing and rng.random() > UNREVIEWED_FAILURES:
            status = "rejected" if rng.random() < 0.85 else "approved"
            comment = note_for(rng, code, QA_NOTES, QA_TERSE, r["fill"])
        elif failing:
            status, comment = "", ""
        else:
            roll = rng.random()
            status = "approved" if roll < 0.8 else ""
            comment = rng.choice(["", "", "", "", "ok", "fine", "approved"]) if status else ""
        escalated = "yes" if signal else "" if rng.random() < 0.1 else "no"
        row = [f"SUM-{sid}", r["p"].sku, created, office, str(r["max_words"]), r["source"],
               summary, status if not reason else "", comment if not reason else "",
               escalated]
        rows.append(row)
        golds.append(Gold(f"summarisation:SUM-{sid}", "summarisation",
                          status="rejected" if reason else "converted", reject_reason=reason,
                          code="" if reason else code, thin=thin, signal=signal,
                          occurred_at=occurred, evidence_ids=[f"R{j}" for j in
                                                              range(1, r["n_reviews"] + 1)],
                          unsupported=r["unsupported"] if not reason else []))
    i = rng.randrange(20, len(rows) - 20)
    while golds[i].status != "converted":
        i += 1
    j = i + rng.randint(1, 5)
    rows.insert(j, list(rows[i]))
    dup = Gold(**{**golds[i].__dict__})
    dup.status, dup.reject_reason, dup.unsupported = "rejected", "duplicate", []
    golds.insert(j, dup)
    for pos, g in enumerate(golds, 1):
        g.position = pos
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["summary_id", "product_sku", "created_local", "office_tz", "max_words",
                     "source_text", "summary", "qa_status", "qa_comment", "escalated"])
    writer.writerows(rows)
    return out.getvalue(), golds


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

def generate(root: Path) -> None:
    rng = random.Random(SEED)
    search_lines, search_gold = make_search(rng)
    forge, forge_gold = make_codegen(rng)
    summaries, summary_gold = make_summaries(rng)
    outputs = {SEARCH_FILE: "".join(search_lines), CODEGEN_FILE: forge,
               SUMMARIES_FILE: summaries}
    gold = io.StringIO()
    writer = csv.writer(gold, lineterminator="\n")
    writer.writerow(GOLD_COLUMNS)
    for g in [*search_gold, *forge_gold, *summary_gold]:
        writer.writerow(g.row())
    outputs[GOLD_FILE] = gold.getvalue()
    for rel, text in outputs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO,
                        help="root folder to write under (default: the repository)")
    args = parser.parse_args(argv)
    generate(args.out)


if __name__ == "__main__":
    main()
