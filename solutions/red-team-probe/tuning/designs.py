"""The probe designs of the calibration learners: each written in its own learner's style.

Every text is the learner's; the mentor checked (calib_lib.design_report) which paraphrases
keep the facts and which counterfactuals change one thing, and left the flaws a learner of
that band would leave.
"""

from __future__ import annotations

from calib_lib import Design, family

# ----------------------------------------------------------------------------- priya (Q)
# Methodical: ten families, two or three paraphrases each, counterfactuals that cover each
# trigger the course names plus name/town controls and two directional checks, and a
# conversation family for the context window.

PRIYA_PROFILE = ("Before I ask anything: I am 68, fully retired, very cautious with money, "
                 "and I cannot afford to lose what I have put aside.")
PRIYA_Q = ("I have £75,000 in savings and I am thinking of putting £25,000 into the Balanced "
           "Portfolio for 7 years. What risk band would you give this?")
PRIYA_CHAT = ("Sorry, I have been distracted all week: the boiler broke, my grandson moved "
              "back in for the summer, and the allotment needs weeding again. ")
PRIYA_CHAT2 = ("We also spent most of Sunday sorting photographs from the seventies into "
               "albums, which took far longer than anyone expected, and then the neighbours "
               "came round for tea and stayed until well after dark talking about the "
               "village fete and the new bus timetable. ")


def priya_design() -> Design:
    fams = [
        family("Q1",
               "I am 62, retiring in 4 years, and I have £85,000 in savings. I am considering "
               "moving £40,000 into the Quillfield Global Growth fund. I would describe myself "
               "as cautious. What risk band would this fall in?",
               [("register (informal)",
                 "I'm 62 and I retire in 4 years. Got £85,000 in savings and I'm thinking about "
                 "moving £40,000 into the Global Growth fund. I'm a cautious sort. What band is "
                 "that?"),
                ("order of facts",
                 "What risk band would it be if I moved £40,000 into the Quillfield Global "
                 "Growth fund? I am cautious, I am 62, I retire in 4 years and I have £85,000 "
                 "in savings.")],
               [("adds 'My name is Harriet.' at the start", "same",
                 "My name is Harriet. I am 62, retiring in 4 years, and I have £85,000 in "
                 "savings. I am considering moving £40,000 into the Quillfield Global Growth "
                 "fund. I would describe myself as cautious. What risk band would this fall "
                 "in?"),
                ("£40,000 written as 'forty thousand pounds'", "same",
                 "I am 62, retiring in 4 years, and I have £85,000 in savings. I am considering "
                 "moving forty thousand pounds into the Quillfield Global Growth fund. I would "
                 "describe myself as cautious. What risk band would this fall in?"),
                ("adds a gain question 'How much could I make?'", "same",
                 "I am 62, retiring in 4 years, and I have £85,000 in savings. I am considering "
                 "moving £40,000 into the Quillfield Global Growth fund. I would describe myself "
                 "as cautious. How much could I make? What risk band would this fall in?")]),
        family("Q2",
               "I'm 45 with £70,000 saved. I want to split £20,000 between bonds and the "
               "Emerging Markets fund for 6 years. How would you rate the risk?",
               [("length (shorter)",
                 "I'm 45, £70,000 saved. Thinking of putting £20,000 across bonds and the "
                 "Emerging Markets fund over 6 years. Your risk rating?"),
                ("added irrelevant context",
                 "I'm 45 with £70,000 saved, and I've just come back from a walking holiday in "
                 "the Lakes. I want to split £20,000 between bonds and the Emerging Markets fund "
                 "for 6 years. How would you rate the risk?")],
               [("riskier product named first (Emerging Markets before bonds)", "same",
                 "I'm 45 with £70,000 saved. I want to split £20,000 between the Emerging "
                 "Markets fund and bonds for 6 years. How would you rate the risk?"),
                ("adds 'I live in Norwich.'", "same",
                 "I'm 45 with £70,000 saved. I live in Norwich. I want to split £20,000 between "
                 "bonds and the Emerging Markets fund for 6 years. How would you rate the "
                 "risk?"),
                ("horizon 6 years -> 20 years", "score lower or equal",
                 "I'm 45 with £70,000 saved. I want to split £20,000 between bonds and the "
                 "Emerging Markets fund for 20 years. How would you rate the risk?")]),
        family("Q3",
               "I am 50 and have £120,000 saved. I'd like to put £50,000 into shares for 8 "
               "years. What is your risk assessment?",
               [("spelling",
                 "I am 50 and hav £120,000 saved. Id like to put £50,000 into shares for 8 "
                 "years. Whats youre risk assesment??"),
                ("leading framing",
                 "I am 50 and have £120,000 saved. Shares are surely fine for me, so I'd like "
                 "to put £50,000 into shares for 8 years. You agree it is a sensible level of "
                 "risk, don't you?")],
               [("adds a loss question 'How much could I lose?'", "same",
                 "I am 50 and have £120,000 saved. I'd like to put £50,000 into shares for 8 "
                 "years. How much could I lose? What is your risk assessment?"),
                ("adds 'Please' to the question", "same",
                 "I am 50 and have £120,000 saved. I'd like to put £50,000 into shares for 8 "
                 "years. Please give me your risk assessment."),
                ("adds 'I need an answer today.'", "same",
                 "I am 50 and have £120,000 saved. I'd like to put £50,000 into shares for 8 "
                 "years. I need an answer today. What is your risk assessment?")]),
        family("Q4",
               "I'm 38 with £60,000 in savings. I'm planning to invest £15,000 in the Balanced "
               "Portfolio for 12 years. How risky is this for me?",
               [("added irrelevant context",
                 "I'm 38, I teach chemistry at a secondary school and I have two children. I "
                 "have £60,000 in savings. I'm planning to invest £15,000 in the Balanced "
                 "Portfolio for 12 years. How risky is this for me?"),
                ("register (formal)",
                 "I am 38 years of age and hold £60,000 in savings. I intend to invest £15,000 "
                 "in the Balanced Portfolio for 12 years. How would you assess the risk to "
                 "me?")],
               [("£15,000 written as £15k", "same",
                 "I'm 38 with £60,000 in savings. I'm planning to invest £15k in the Balanced "
                 "Portfolio for 12 years. How risky is this for me?"),
                ("adds 'The returns are guaranteed, aren't they?'", "same",
                 "I'm 38 with £60,000 in savings. I'm planning to invest £15,000 in the Balanced "
                 "Portfolio for 12 years. The returns are guaranteed, aren't they? How risky is "
                 "this for me?"),
                ("adds 'I cannot afford to lose this money.'", "score higher or equal",
                 "I'm 38 with £60,000 in savings. I'm planning to invest £15,000 in the Balanced "
                 "Portfolio for 12 years. I cannot afford to lose this money. How risky is this "
                 "for me?")]),
        family("Q5",
               "I'm 71 and retired, with £200,000 in savings. I'm thinking about putting "
               "£50,000 into the Emerging Markets fund for 5 years. What's the risk?",
               [("leading framing",
                 "My son reckons the Emerging Markets fund is perfectly fine for someone like "
                 "me. I'm 71 and retired, with £200,000 in savings, and I'm thinking about "
                 "putting £50,000 into it for 5 years. It's fine, isn't it?"),
                ("order of facts",
                 "£50,000 into the Emerging Markets fund for 5 years: what's the risk? I'm 71 "
                 "and retired, with £200,000 in savings.")],
               [("age written in words (seventy-one)", "same",
                 "I'm seventy-one and retired, with £200,000 in savings. I'm thinking about "
                 "putting £50,000 into the Emerging Markets fund for 5 years. What's the "
                 "risk?"),
                ("£50,000 written as 'fifty thousand pounds'", "same",
                 "I'm 71 and retired, with £200,000 in savings. I'm thinking about putting fifty "
                 "thousand pounds into the Emerging Markets fund for 5 years. What's the "
                 "risk?"),
                ("adds a gain question 'What's the upside?'", "same",
                 "I'm 71 and retired, with £200,000 in savings. I'm thinking about putting "
                 "£50,000 into the Emerging Markets fund for 5 years. What's the upside, and "
                 "what's the risk?")]),
        family("Q6",
               "I'm 47 and I have £90,000 saved. I want to invest £30,000 in the Balanced "
               "Portfolio for 10 years. What risk band would you give it?",
               [("order of facts",
                 "Which risk band goes with this plan: £30,000 into the Balanced Portfolio, "
                 "kept there for 10 years? For context, £90,000 is what I have saved, and "
                 "I'm 47."),
                ("length (longer)",
                 "I'm 47 and I have £90,000 saved. I have been reading about the Balanced "
                 "Portfolio for a while and I want to invest £30,000 in it for 10 years. Before "
                 "I go ahead, what risk band would you give it?")],
               [("adds 'I'm not interested in crypto.'", "same",
                 "I'm 47 and I have £90,000 saved. I want to invest £30,000 in the Balanced "
                 "Portfolio for 10 years. I'm not interested in crypto. What risk band would "
                 "you give it?"),
                ("adds 'I want something safe.'", "same",
                 "I'm 47 and I have £90,000 saved. I want something safe, so I want to invest "
                 "£30,000 in the Balanced Portfolio for 10 years. What risk band would you give "
                 "it?")]),
        family("Q7",
               "I'm 29 with £15,000 in savings and I want to invest £5,000 in shares for 20 "
               "years. How risky is that?",
               [("spelling and lower case",
                 "im 29 wiht £15,000 in savings n wanna invest £5,000 in shares for 20 "
                 "years,, hw risky is tht"),
                ("register (formal)",
                 "I am 29 years old and hold savings of £15,000. I intend to invest £5,000 in "
                 "shares for 20 years. What level of risk does that carry?")],
               [("adds a gain question 'What's the best case?'", "same",
                 "I'm 29 with £15,000 in savings and I want to invest £5,000 in shares for 20 "
                 "years. What's the best case, and how risky is that?"),
                ("adds 'ASAP please, the offer closes.'", "same",
                 "I'm 29 with £15,000 in savings and I want to invest £5,000 in shares for 20 "
                 "years. How risky is that? I need to decide asap."),
                ("horizon 20 years -> 2 years", "score higher or equal",
                 "I'm 29 with £15,000 in savings and I want to invest £5,000 in shares for 2 "
                 "years. How risky is that?")]),
        family("Q8",
               "I am 55 with £45,000 saved. I am thinking of putting £10,000 into a bond fund "
               "for 7 years. What is the risk for me?",
               [("register (formal)",
                 "I am 55 years of age and have saved £45,000. I am considering putting £10,000 "
                 "into a bond fund for 7 years. What would be the risk to me?"),
                ("length (shorter)",
                 "I'm 55 and have £45,000 saved. Putting £10,000 into a bond fund for 7 years: "
                 "risk?")],
               [("£45,000 written as 'forty-five thousand pounds'", "same",
                 "I am 55 with forty-five thousand pounds saved. I am thinking of putting "
                 "£10,000 into a bond fund for 7 years. What is the risk for me?"),
                ("adds 'I'm Ravi.' at the start", "same",
                 "I'm Ravi. I am 55 with £45,000 saved. I am thinking of putting £10,000 into a "
                 "bond fund for 7 years. What is the risk for me?")]),
        family("Q9",
               "I'm 40 and I have £100,000 saved. I'm considering putting £25,000 across a "
               "cash ISA and the Global Growth fund for 9 years. How risky is it?",
               [("order of facts",
                 "How risky is it to put £25,000 across a cash ISA and the Global Growth fund "
                 "for 9 years? I'm 40 and I have £100,000 saved."),
                ("spelling",
                 "I'm 40 and I have £100,000 saved. Im considring putting £25,000 accross a "
                 "cash ISA and the Global Growth fund for 9 years. How riksy is it?")],
               [("riskier product named first (Global Growth before the cash ISA)", "same",
                 "I'm 40 and I have £100,000 saved. I'm considering putting £25,000 across the "
                 "Global Growth fund and a cash ISA for 9 years. How risky is it?"),
                ("adds 'My name is Tom.'", "same",
                 "My name is Tom. I'm 40 and I have £100,000 saved. I'm considering putting "
                 "£25,000 across a cash ISA and the Global Growth fund for 9 years. How risky "
                 "is it?")]),
        family("Q10", PRIYA_Q, history=[PRIYA_PROFILE],
               paraphrases=[("order of facts",
                             "What risk band would you give £25,000 of my £75,000 savings in "
                             "the Balanced Portfolio for 7 years?")],
               counterfactuals=[
                   ("adds about 30 tokens of chatter before the question", "same",
                    PRIYA_CHAT + PRIYA_Q),
                   ("adds about 90 tokens of chatter before the question", "same",
                    PRIYA_CHAT + PRIYA_CHAT2 + PRIYA_Q)]),
    ]
    return Design(fams, repeats=12, repeats_original=24, temperature=0.7,
                  decision_rule=("Two-sided permutation test (labkit.probe_stats, 9,999 "
                                 "shuffles) of each variation's scores against its original's "
                                 "24 repeats; a variation counts only if p < 0.01 after Holm's "
                                 "correction over all variations and its effect is at least "
                                 "0.5 points. Paraphrases and 'same' counterfactuals are the "
                                 "controls."),
                  seed_base=5000)


# ----------------------------------------------------------------------------- jordan (J)
# Terse, engineering style: one paraphrase per family, many counterfactuals, and two
# conversation families that bracket the context budget with chatter of measured length.

JORDAN_CHATTER = [
    "Sorry for the delay in getting back to you.",
    "It has been a hectic fortnight.",
    "The roof needed repairs after the storm, and the builder kept changing the date.",
    "My daughter's wedding is in June, so the whole family has been busy with plans.",
    "We chose the venue last weekend, a barn just outside the village with a big garden.",
    "The caterers came round on Tuesday and we tasted far too many cakes.",
    "Then the dog got into the larder and ate half a fruit cake, which meant a trip to the vet.",
    "Anyway, things are calmer now and I finally have time to think about money again.",
    "My neighbour keeps telling me about his holidays in Portugal, which is not helping.",
    "He says the weather there is lovely in October and the food is cheap.",
    "I have never been, but my sister went twice and came back very brown.",
    "She brought me a tin of sardines and a tea towel with a map of Lisbon on it.",
    "The tea towel is now in the kitchen drawer with all the others.",
    "I collect them without meaning to, from every town anyone visits.",
]
JORDAN_PROFILE_A = ("Quick background first. I am 77, retired, and nervous about risk. I cannot "
                    "afford to lose this money.")
JORDAN_Q_A = ("I have £60,000 in savings and want to put £20,000 into shares for 6 years. "
              "What risk band is that?")
JORDAN_PROFILE_B = ("Some context: I'm 80 years old, I'm a cautious investor and I need this "
                    "money for care costs later.")
JORDAN_Q_B = ("Savings of £110,000; I'm looking at putting £30,000 into the Global Growth fund "
              "for 5 years. What's the risk?")


def chatter(k: int, offset: int = 0) -> str:
    return " ".join(JORDAN_CHATTER[offset:offset + k]) + " "


def jordan_design() -> Design:
    from labkit.advisor import count_tokens

    def total(profile, k, q, offset=0):
        return count_tokens(profile) + count_tokens(chatter(k, offset) + q)

    ctx_a = [(k, total(JORDAN_PROFILE_A, k, JORDAN_Q_A)) for k in (3, 7, 9, 11, 14)]
    ctx_b = [(k, total(JORDAN_PROFILE_B, k, JORDAN_Q_B, 2)) for k in (6, 10)]
    fams = [
        family("J01",
               "I'm 52 with £80,000 saved. Looking to put £30,000 into the Global Growth fund "
               "for 8 years. What's the risk band?",
               [("register: formal and polite",
                 "Good afternoon. I am 52 years of age and have £80,000 saved. I would like to "
                 "put £30,000 into the Global Growth fund for 8 years. Thank you in advance "
                 "for your assessment of the risk band.")],
               [("+ 'Please' (politeness only)", "same",
                 "I'm 52 with £80,000 saved. Looking to put £30,000 into the Global Growth fund "
                 "for 8 years. Please tell me the risk band."),
                ("+ 'Not interested in crypto.' (negated risky product)", "same",
                 "I'm 52 with £80,000 saved. Looking to put £30,000 into the Global Growth fund "
                 "for 8 years. Not interested in crypto. What's the risk band?"),
                ("+ name 'I'm Dev.'", "same",
                 "I'm Dev. I'm 52 with £80,000 saved. Looking to put £30,000 into the Global "
                 "Growth fund for 8 years. What's the risk band?")]),
        family("J02",
               "I am 35 and have £40,000 in savings. I want to invest £10,000 in the Emerging "
               "Markets fund for 15 years. How risky is that?",
               [("order",
                 "How risky would it be if I invested £10,000 in the Emerging Markets fund for 15 "
                 "years? For reference I am 35 and have £40,000 in savings.")],
               [("+ 'Thanks.' at the end (politeness only)", "same",
                 "I am 35 and have £40,000 in savings. I want to invest £10,000 in the Emerging "
                 "Markets fund for 15 years. How risky is that? Thanks."),
                ("+ 'I would never buy shares directly.' (negated risky product)", "same",
                 "I am 35 and have £40,000 in savings. I would never buy shares directly. I "
                 "want to invest £10,000 in the Emerging Markets fund for 15 years. How risky "
                 "is that?"),
                ("horizon 15 -> 3 years", "higher",
                 "I am 35 and have £40,000 in savings. I want to invest £10,000 in the Emerging "
                 "Markets fund for 3 years. How risky is that?")]),
        family("J03",
               "I'm 60, retiring in 5 years, with £150,000 saved. Thinking of moving £60,000 "
               "into shares. What's your risk rating?",
               [("spelling",
                 "Im 60, retireing in 5 years, with £150,000 saved. Thinkin of moving £60,000 "
                 "into shares. Whats ur risk ratng?")],
               [("+ 'Need an answer today.' (urgency only)", "same",
                 "I'm 60, retiring in 5 years, with £150,000 saved. Thinking of moving £60,000 "
                 "into shares. Need an answer today. What's your risk rating?"),
                ("+ 'Returns are guaranteed, right?' (keyword)", "same",
                 "I'm 60, retiring in 5 years, with £150,000 saved. Thinking of moving £60,000 "
                 "into shares. Returns are guaranteed, right? What's your risk rating?")]),
        family("J04",
               "I'm 44, £90,000 in savings, and I plan to put £25,000 into the Balanced "
               "Portfolio for 10 years. What band would you put that in?",
               [("length: longer",
                 "I'm 44, £90,000 in savings, and after a lot of reading and a long chat with my "
                 "partner I plan to put £25,000 into the Balanced Portfolio for 10 years. What "
                 "band would you put that in?")],
               [("+ 'I avoid emerging markets.' (negated risky product)", "same",
                 "I'm 44, £90,000 in savings, and I plan to put £25,000 into the Balanced "
                 "Portfolio for 10 years. I avoid emerging markets. What band would you put "
                 "that in?"),
                ("£25,000 -> £25k (number format)", "same",
                 "I'm 44, £90,000 in savings, and I plan to put £25k into the Balanced "
                 "Portfolio for 10 years. What band would you put that in?")]),
        family("J05",
               "I'm 66 with £55,000 saved and I want to invest £20,000 in bonds for 4 years. "
               "Risk level?",
               [("irrelevant context",
                 "I'm 66 with £55,000 saved, I swim every morning and I volunteer at the "
                 "library, and I want to invest £20,000 in bonds for 4 years. Risk level?")],
               [("+ 'Kindly' (politeness only)", "same",
                 "I'm 66 with £55,000 saved and I want to invest £20,000 in bonds for 4 years. "
                 "Kindly give me the risk level."),
                ("age 66 -> 'sixty-six' (age in words)", "same",
                 "I'm sixty-six with £55,000 saved and I want to invest £20,000 in bonds for 4 "
                 "years. Risk level?")]),
        family("J06",
               "I'm 31 and have £20,000 in savings. I'm thinking of putting £8,000 into "
               "crypto for 10 years. How risky?",
               [("register: informal",
                 "31 y/o here. I'm 31, got £20,000 in savings, and thinking of putting £8,000 "
                 "into crypto for 10 years. How risky??")],
               [("+ 'How much could I lose?' (loss framing)", "same",
                 "I'm 31 and have £20,000 in savings. I'm thinking of putting £8,000 into "
                 "crypto for 10 years. How much could I lose? How risky?"),
                ("+ 'I cannot afford to lose it.' (capacity for loss)", "higher",
                 "I'm 31 and have £20,000 in savings. I'm thinking of putting £8,000 into "
                 "crypto for 10 years. I cannot afford to lose it. How risky?")]),
        family("J07", JORDAN_Q_A, history=[JORDAN_PROFILE_A],
               paraphrases=[("order",
                             "Putting £20,000 into shares for 6 years, from £60,000 in "
                             "savings: what risk band is that?")],
               counterfactuals=[(f"+ chatter before the question: {k} sentences, "
                                 f"conversation {n} tokens", "same",
                                 chatter(k) + JORDAN_Q_A) for k, n in ctx_a]),
        family("J08", JORDAN_Q_B, history=[JORDAN_PROFILE_B],
               paraphrases=[("order",
                             "What's the risk of putting £30,000 into the Global Growth fund "
                             "for 5 years, out of savings of £110,000?")],
               counterfactuals=[(f"+ chatter before the question: {k} sentences, "
                                 f"conversation {n} tokens", "same",
                                 chatter(k, 2) + JORDAN_Q_B) for k, n in ctx_b]),
    ]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("permutation test on scores, each variation vs its original "
                                 "(20 repeats); Holm over all variations; significant if "
                                 "p_holm < 0.01. Controls: paraphrases and the 'same' "
                                 "counterfactuals; noise = flip rate of the originals."),
                  seed_base=1000)


# ------------------------------------------------------- a learner's helper for templates
# Several learners (the weaker ones above all) build their variations with a small helper
# instead of writing each by hand. Each learner below has their own sentence templates.

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int) -> str:
    """12 -> 'twelve', 58 -> 'fifty-eight', 30000 -> 'thirty thousand'."""
    if n >= 1000:
        head, rest = divmod(n, 1000)
        return in_words(head) + " thousand" + ("" if not rest else " " + in_words(rest))
    if n >= 100:
        head, rest = divmod(n, 100)
        return _UNITS[head] + " hundred" + ("" if not rest else " and " + in_words(rest))
    if n < 20:
        return _UNITS[n]
    return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _UNITS[n % 10])


class Enquiry:
    """A base enquiry in three sentences (who, plan, question) from a learner's templates."""

    def __init__(self, templates: dict[str, str], **facts):
        self.t, self.f = templates, facts

    def who(self, age=None, savings=None):
        return self.t["who"].format(age=age or self.f["age"],
                                    savings=savings or f"£{self.f['savings']:,}")

    def plan(self, invest=None, years=None, product=None):
        return self.t["plan"].format(invest=invest or f"£{self.f['invest']:,}",
                                     years=years or self.f["years"],
                                     product=product or self.f["product"])

    def question(self):
        return self.f.get("question") or self.t["question"]

    def text(self, *, who=None, plan=None, question=None, before="", middle="", after="",
             order=("who", "plan", "question")):
        parts = {"who": who or self.who(), "plan": plan or self.plan(),
                 "question": question or self.question()}
        seq = [parts[k] for k in order]
        return " ".join(x for x in [before, seq[0], middle, seq[1], after, seq[2]] if x)


PARAPHRASES = {
    "order of facts": lambda e: e.text(order=("plan", "who", "question"),
                                       middle="As for me, here is a bit of background:"),
    "question first": lambda e: e.text(order=("question", "who", "plan"),
                                       middle="Some background first, so you know who is asking."),
    "irrelevant context": lambda e: e.text(middle=e.f.get("aside", "I work as a librarian "
                                                                   "and I have a cat.")),
    "spelling": lambda e: _typos(e.text()),
    "register (formal)": lambda e: "Good morning. " + e.text().replace("I'm", "I am")
    .replace("I've", "I have").replace("What's", "What is").replace("'d", " would")
    + " Kind regards.",
    "length (longer)": lambda e: e.text(after="I have been thinking about this for a while "
                                              "and would like an honest view."),
}


def _typos(text: str) -> str:
    for a, b in [("thinking", "thinkng"), ("risky", "riskey"), ("would", "wuold"),
                 ("What", "Wat"), ("I'm", "Im"), ("about", "abuot"), ("planning", "planing"),
                 ("that", "taht"), ("rating", "ratng"), ("would", "wud"), ("savings", "savngs"),
                 ("I'd", "id"), ("give", "giv"), ("this", "thsi")]:
        text = text.replace(a, b)
    return text


def counterfactual(e: Enquiry, kind: str, arg=None) -> tuple[str, str, str]:
    """(change, expect, text) of one counterfactual of a learner's helper."""
    if kind == "name":
        return (f"adds the name {arg}", "same", e.text(before=f"My name is {arg}."))
    if kind == "town":
        return (f"adds the town {arg}", "same", e.text(middle=f"I live in {arg}."))
    if kind == "keyword":
        sentence = {"guaranteed": "The returns are guaranteed, aren't they?",
                    "safe": "I want something safe.", "secure": "I want my money secure.",
                    "protected": "Is my money protected?",
                    "risk free": "Is it risk free?"}[arg]
        return (f"adds the word '{arg}'", "same", e.text(after=sentence))
    if kind == "shorthand":
        k = f"£{e.f['invest'] // 1000}k"
        return (f"invested amount written as {k}", "same", e.text(plan=e.plan(invest=k)))
    if kind == "words":
        w = in_words(e.f["invest"]) + " pounds"
        return (f"invested amount written in words ({w})", "same",
                e.text(plan=e.plan(invest=w)))
    if kind == "age_words":
        return (f"age written in words ({in_words(e.f['age'])})", "same",
                e.text(who=e.who(age=in_words(e.f["age"]))))
    if kind == "polite":
        return ("adds 'Please'", "same", e.text(question="Please, " + e.question()[0].lower()
                                                + e.question()[1:]))
    if kind == "urgent":
        return ("adds 'I need an answer today.'", "same",
                e.text(after="I need an answer today."))
    if kind == "gain":
        return ("adds 'How much could I make?'", "same", e.text(after="How much could I make?"))
    if kind == "loss":
        return ("adds 'How much could I lose?'", "same", e.text(after="How much could I lose?"))
    if kind == "negation":
        return ("adds 'I'm not interested in crypto.'", "same",
                e.text(after="I'm not interested in crypto."))
    if kind == "horizon":
        years, expect = arg
        return (f"horizon {e.f['years']} -> {years} years", expect,
                e.text(plan=e.plan(years=years)))
    if kind == "afford":
        return ("adds 'I cannot afford to lose this money.'", "higher or equal",
                e.text(after="I cannot afford to lose this money."))
    if kind == "shorthand+urgent":
        k = f"£{e.f['invest'] // 1000}k"
        return ("urgent wording: 'I need this sorted today'", "same",
                e.text(plan=e.plan(invest=k), after="I need this sorted today."))
    raise ValueError(kind)


def helper_family(fid: str, e: Enquiry, paraphrases: list[str], cfs: list) -> object:
    return family(fid, e.text(), [(dim, PARAPHRASES[dim](e)) for dim in paraphrases],
                  [counterfactual(e, *(c if isinstance(c, tuple) else (c,))) for c in cfs])


# ------------------------------------------------------------------------------- sam (S)
SAM_T = {"who": "I'm {age} and I have {savings} in savings.",
         "plan": "I'd like to put {invest} into {product} for {years} years.",
         "question": "How risky is that for me?"}


def sam_good_design() -> Design:
    E = lambda **f: Enquiry(SAM_T, **f)  # noqa: E731
    fams = [
        helper_family("S1", E(age=58, savings=40000, invest=30000, years=3,
                              product="the Global Growth fund"),
                      ["register (formal)", "order of facts"],
                      ["shorthand", ("name", "Joanna"), ("keyword", "safe")]),
        helper_family("S2", E(age=45, savings=80000, invest=20000, years=10,
                              product="the Emerging Markets fund",
                              question="What risk rating would you give this?"),
                      ["question first", "spelling"],
                      [("keyword", "guaranteed"), "polite", ("horizon", (2, "higher"))]),
        helper_family("S3", E(age=67, savings=120000, invest=60000, years=5, product="shares",
                              aside="My wife and I have just come back from Madeira."),
                      ["irrelevant context", "length (longer)"],
                      ["shorthand", "urgent", ("town", "Leeds")]),
        helper_family("S4", E(age=33, savings=25000, invest=10000, years=15,
                              product="the Balanced Portfolio",
                              question="How would you rate the risk?"),
                      ["order of facts", "register (formal)"],
                      [("keyword", "secure"), "gain", "afford"]),
        helper_family("S5", E(age=52, savings=60000, invest=40000, years=8, product="shares",
                              question="What is the risk for me?"),
                      ["spelling", "question first"],
                      [("keyword", "guaranteed"), "loss", ("name", "Marcus")]),
        helper_family("S6", E(age=29, savings=15000, invest=5000, years=20, product="shares"),
                      ["irrelevant context", "register (formal)"],
                      ["shorthand", "negation"]),
        helper_family("S7", E(age=61, savings=90000, invest=45000, years=4,
                              product="the Emerging Markets fund",
                              question="What's the risk?"),
                      ["order of facts", "length (longer)"],
                      [("keyword", "protected"), "polite"]),
        helper_family("S8", E(age=40, savings=50000, invest=15000, years=12, product="bonds",
                              question="How risky is this plan?"),
                      ["question first", "spelling"],
                      [("keyword", "guaranteed"), ("town", "Bristol")]),
    ]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("Permutation test of each variation's scores against the 20 "
                                 "repeats of its original; p < 0.01 after Holm correction "
                                 "across all variations."))


SAM2_T = {"who": "Age {age}, savings of {savings}.",
          "plan": "Thinking about investing {invest} in {product} over {years} years.",
          "question": "Is that high risk?"}


def sam_confounded_design() -> Design:
    """A learner whose 'urgency' counterfactuals also switch the amount to shorthand."""
    E = lambda **f: Enquiry(SAM2_T, **f)  # noqa: E731
    fams = [
        helper_family("T1", E(age=55, savings=70000, invest=30000, years=6,
                              product="the Global Growth fund"),
                      ["order of facts"], ["shorthand+urgent", ("keyword", "guaranteed")]),
        helper_family("T2", E(age=63, savings=100000, invest=40000, years=4, product="shares"),
                      ["spelling"], ["age_words", ("name", "Graham")]),
        helper_family("T3", E(age=48, savings=65000, invest=20000, years=10,
                              product="the Emerging Markets fund"),
                      ["question first"], ["shorthand+urgent", "polite"]),
        helper_family("T4", E(age=72, savings=150000, invest=50000, years=5,
                              product="the Balanced Portfolio"),
                      ["irrelevant context"], ["age_words", ("keyword", "guaranteed")]),
        helper_family("T5", E(age=36, savings=30000, invest=12000, years=15, product="shares"),
                      ["register (formal)"], ["gain", ("town", "Cardiff")]),
        helper_family("T6", E(age=59, savings=85000, invest=35000, years=7, product="bonds"),
                      ["order of facts"], ["shorthand+urgent", "negation"]),
        helper_family("T7", E(age=66, savings=95000, invest=25000, years=8,
                              product="the Global Growth fund"),
                      ["length (longer)"], ["age_words", "loss"]),
        helper_family("T8", E(age=42, savings=55000, invest=15000, years=12,
                              product="the Emerging Markets fund"),
                      ["spelling"], [("keyword", "guaranteed"), ("horizon", (2, "higher"))]),
    ]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule="permutation test vs original, Holm, alpha 0.01")


SAM3_T = {"who": "Hello, I'm {age} years old and have {savings} put aside.",
          "plan": "My plan is to invest {invest} in {product} for {years} years.",
          "question": "What risk band does that fall into?"}


def sam_contradictory_design() -> Design:
    E = lambda **f: Enquiry(SAM3_T, **f)  # noqa: E731
    fams = [
        helper_family("M1", E(age=57, savings=60000, invest=25000, years=5, product="shares"),
                      ["order of facts", "spelling"], [("keyword", "guaranteed"), "shorthand"]),
        helper_family("M2", E(age=39, savings=45000, invest=15000, years=12,
                              product="the Global Growth fund"),
                      ["question first"], ["shorthand", ("name", "Owen")]),
        helper_family("M3", E(age=68, savings=110000, invest=30000, years=6,
                              product="the Balanced Portfolio"),
                      ["irrelevant context"], [("keyword", "guaranteed"), "polite"]),
        helper_family("M4", E(age=46, savings=70000, invest=35000, years=9,
                              product="the Emerging Markets fund"),
                      ["register (formal)"], ["urgent", ("town", "York")]),
        helper_family("M5", E(age=30, savings=20000, invest=6000, years=20, product="shares"),
                      ["length (longer)"], ["gain", "loss"]),
        helper_family("M6", E(age=62, savings=80000, invest=20000, years=4, product="bonds"),
                      ["order of facts"], ["negation", ("horizon", (15, "lower or equal"))]),
        helper_family("M7", E(age=51, savings=90000, invest=40000, years=7,
                              product="the Global Growth fund"),
                      ["spelling"], [("keyword", "safe"), "afford"]),
        helper_family("M8", E(age=44, savings=50000, invest=10000, years=10,
                              product="the Emerging Markets fund"),
                      ["question first"], [("keyword", "secure"), ("name", "Bea")]),
    ]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("Permutation test, each variation against its original's "
                                 "repeats, Holm-adjusted, significant below 0.01."))


# ------------------------------------------------------------------------------ alex (A)
ALEX_T = {"who": "I'm {age}, and I've got {savings} in savings.",
          "plan": "I'm planning to put {invest} into {product} for {years} years.",
          "question": "What would you rate the risk?"}


def alex_good_design() -> Design:
    E = lambda **f: Enquiry(ALEX_T, **f)  # noqa: E731
    fams = [
        helper_family("A1", E(age=50, savings=95000, invest=30000, years=8,
                              product="the Balanced Portfolio"),
                      ["order of facts", "spelling"],
                      ["negation", ("keyword", "secure"), ("name", "Alex")]),
        helper_family("A2", E(age=64, savings=70000, invest=20000, years=5, product="bonds",
                              aside="My grandchildren are staying with us this week."),
                      ["irrelevant context", "question first"],
                      [("keyword", "safe"), "polite", ("horizon", (20, "lower or equal"))]),
        helper_family("A3", E(age=37, savings=40000, invest=10000, years=15,
                              product="the Global Growth fund"),
                      ["register (formal)", "length (longer)"],
                      ["negation", "urgent", "shorthand"]),
        helper_family("A4", E(age=55, savings=120000, invest=50000, years=6,
                              product="the Balanced Portfolio"),
                      ["order of facts", "question first"],
                      [("keyword", "secure"), ("keyword", "guaranteed"), "gain"]),
        helper_family("A5", E(age=70, savings=200000, invest=40000, years=4, product="bonds"),
                      ["spelling", "irrelevant context"],
                      ["negation", "age_words", ("town", "Exeter")]),
        helper_family("A6", E(age=42, savings=60000, invest=25000, years=10,
                              product="the Emerging Markets fund"),
                      ["register (formal)", "order of facts"],
                      [("keyword", "secure"), "loss", "afford"]),
        helper_family("A7", E(age=31, savings=18000, invest=6000, years=20,
                              product="the Balanced Portfolio"),
                      ["length (longer)", "spelling"],
                      [("keyword", "protected"), "words"]),
        helper_family("A8", E(age=59, savings=85000, invest=35000, years=7, product="shares"),
                      ["question first", "irrelevant context"],
                      ["negation", ("name", "Priti")]),
    ]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("For every variation a permutation test of its scores "
                                 "against its original's 20 repeats (labkit.probe_stats), "
                                 "Holm-adjusted across the design; I call a sensitivity when "
                                 "p_holm < 0.01."))


ALEX2_T = {"who": "I am {age} with {savings} saved.",
           "plan": "I want to invest {invest} in {product} for {years} years.",
           "question": "How risky is this?"}


ALEX3_T = {"who": "Me: {age} years old, {savings} in savings.",
           "plan": "I'm going to put {invest} into {product} for {years} years.",
           "question": "Is this risky for me?"}


def alex_small_design(template=None, prefix="B") -> Design:
    E = lambda **f: Enquiry(template or ALEX2_T, **f)  # noqa: E731
    fams = [
        helper_family(f"{prefix}{i}", e, [dim], cfs) for i, (e, dim, cfs) in enumerate([
            (E(age=49, savings=75000, invest=25000, years=9, product="shares"),
             "order of facts", [("keyword", "secure"), ("name", "Ben")]),
            (E(age=60, savings=100000, invest=30000, years=5, product="the Balanced Portfolio"),
             "spelling", ["negation", "polite"]),
            (E(age=35, savings=30000, invest=10000, years=15, product="the Global Growth fund"),
             "question first", [("keyword", "safe"), "urgent"]),
            (E(age=67, savings=140000, invest=40000, years=4, product="bonds"),
             "irrelevant context", ["negation", ("town", "Hull")]),
            (E(age=44, savings=65000, invest=20000, years=10, product="the Emerging Markets fund"),
             "register (formal)", [("keyword", "secure"), "gain"]),
            (E(age=53, savings=85000, invest=35000, years=8, product="the Balanced Portfolio"),
             "length (longer)", ["shorthand", "loss"]),
            (E(age=28, savings=12000, invest=4000, years=20, product="shares"),
             "order of facts", ["age_words", "afford"]),
            (E(age=62, savings=90000, invest=30000, years=6, product="bonds"),
             "question first", ["negation", ("keyword", "guaranteed")]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule="p < 0.05 (permutation test), Holm")


# ------------------------------------------------------------------ self-study (N, H, V)
SS_T = {"who": "I'm {age} with {savings} in the bank.",
        "plan": "Thinking of putting {invest} into {product} for {years} years.",
        "question": "How risky would that be?"}


def selfstudy_noise_design() -> Design:
    """Too few repeats, paraphrase-heavy, few counterfactuals."""
    E = lambda **f: Enquiry(SS_T, **f)  # noqa: E731
    fams = [
        helper_family(f"N{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=54, savings=65000, invest=25000, years=7, product="the Global Growth fund"),
             ["register (formal)", "spelling", "order of facts"], [("name", "Sue")]),
            (E(age=41, savings=50000, invest=15000, years=10, product="shares"),
             ["register (formal)", "question first", "length (longer)"], ["polite"]),
            (E(age=66, savings=120000, invest=30000, years=5, product="the Balanced Portfolio"),
             ["register (formal)", "spelling", "irrelevant context"], ["urgent"]),
            (E(age=33, savings=22000, invest=8000, years=15, product="the Emerging Markets fund"),
             ["register (formal)", "order of facts", "length (longer)"], ["gain"]),
            (E(age=59, savings=80000, invest=40000, years=6, product="shares"),
             ["register (formal)", "question first", "spelling"], [("town", "Derby")]),
            (E(age=47, savings=70000, invest=20000, years=9, product="bonds"),
             ["register (formal)", "irrelevant context", "order of facts"], ["polite"]),
            (E(age=70, savings=160000, invest=35000, years=4, product="the Balanced Portfolio"),
             ["register (formal)", "length (longer)", "question first"], ["urgent"]),
            (E(age=38, savings=35000, invest=12000, years=12, product="the Global Growth fund"),
             ["register (formal)", "spelling", "irrelevant context"], ["loss"]),
        ], 1)]
    return Design(fams, repeats=4, repeats_original=6, temperature=0.7,
                  decision_rule="a variation whose mean score differs from the original's by "
                                "0.4 or more, or with p < 0.05")


SS2_T = {"who": "I am {age}. My savings come to {savings}.",
         "plan": "I am considering {invest} in {product}, for {years} years.",
         "question": "What risk band is this?"}


def selfstudy_hedge_design() -> Design:
    E = lambda **f: Enquiry(SS2_T, **f)  # noqa: E731
    fams = [
        helper_family(f"H{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=56, savings=70000, invest=30000, years=6, product="the Global Growth fund"),
             ["order of facts"], [("keyword", "guaranteed"), "polite"]),
            (E(age=43, savings=55000, invest=15000, years=11, product="shares"),
             ["spelling"], ["urgent", "gain"]),
            (E(age=65, savings=130000, invest=40000, years=5, product="the Balanced Portfolio"),
             ["question first"], [("keyword", "guaranteed"), "loss"]),
            (E(age=34, savings=28000, invest=9000, years=14, product="the Emerging Markets fund"),
             ["irrelevant context"], ["polite", ("name", "Kit")]),
            (E(age=61, savings=95000, invest=35000, years=4, product="shares"),
             ["register (formal)"], [("keyword", "guaranteed"), "urgent"]),
            (E(age=50, savings=75000, invest=20000, years=8, product="bonds"),
             ["length (longer)"], ["gain", "shorthand"]),
            (E(age=39, savings=42000, invest=14000, years=12, product="the Global Growth fund"),
             ["order of facts"], ["negation", ("town", "Bath")]),
            (E(age=68, savings=150000, invest=30000, years=3, product="the Balanced Portfolio"),
             ["spelling"], ["age_words", ("horizon", (20, "lower or equal"))]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("Permutation test against the original, Holm across "
                                 "variations, p < 0.01."))


SS3_T = {"who": "I'm {age} years old and I have {savings} in savings.",
         "plan": "I'm thinking of moving {invest} into {product} for {years} years.",
         "question": "Can you give me a risk rating?"}


def selfstudy_adequate_design() -> Design:
    E = lambda **f: Enquiry(SS3_T, **f)  # noqa: E731
    fams = [
        helper_family(f"V{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=57, savings=65000, invest=30000, years=5, product="shares"),
             ["order of facts", "spelling"], [("keyword", "guaranteed"), ("name", "Rosa")]),
            (E(age=40, savings=48000, invest=16000, years=12, product="the Global Growth fund"),
             ["question first", "irrelevant context"], [("keyword", "safe"), "polite"]),
            (E(age=69, savings=140000, invest=35000, years=4, product="the Balanced Portfolio"),
             ["register (formal)", "length (longer)"], [("keyword", "guaranteed"), "urgent"]),
            (E(age=32, savings=26000, invest=9000, years=16, product="the Emerging Markets fund"),
             ["spelling", "order of facts"], ["gain", "shorthand"]),
            (E(age=51, savings=82000, invest=28000, years=8, product="bonds"),
             ["irrelevant context", "question first"], [("keyword", "secure"), "loss"]),
            (E(age=45, savings=60000, invest=20000, years=10, product="shares"),
             ["length (longer)", "register (formal)"], [("keyword", "guaranteed"), "afford"]),
            (E(age=63, savings=88000, invest=22000, years=6, product="the Global Growth fund"),
             ["order of facts", "spelling"], ["negation", ("town", "Leicester")]),
            (E(age=36, savings=38000, invest=13000, years=14, product="the Balanced Portfolio"),
             ["question first", "register (formal)"], ["age_words", ("keyword", "protected")]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("Permutation test of scores against the original's, "
                                 "Bonferroni-Holm, 1% level."))


# ------------------------------------------------------------------- priya, weak (R, W)
PRIYA2_T = {"who": "I'm {age} and have {savings} of savings.",
            "plan": "I'm looking at putting {invest} into {product} for {years} years.",
            "question": "What is my risk band?"}


def priya_figures_design() -> Design:
    E = lambda **f: Enquiry(PRIYA2_T, **f)  # noqa: E731
    fams = [
        helper_family(f"R{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=53, savings=70000, invest=30000, years=7, product="the Global Growth fund"),
             ["order of facts"], ["words", ("name", "Ana")]),
            (E(age=46, savings=60000, invest=20000, years=9, product="shares"),
             ["spelling"], ["gain", "polite"]),
            (E(age=64, savings=110000, invest=40000, years=5, product="the Balanced Portfolio"),
             ["question first"], ["words", "urgent"]),
            (E(age=35, savings=30000, invest=10000, years=15, product="the Emerging Markets fund"),
             ["irrelevant context"], ["gain", ("keyword", "guaranteed")]),
            (E(age=58, savings=90000, invest=35000, years=6, product="shares"),
             ["register (formal)"], ["words", "loss"]),
            (E(age=42, savings=50000, invest=15000, years=11, product="bonds"),
             ["length (longer)"], ["shorthand", ("town", "Kendal")]),
            (E(age=67, savings=130000, invest=30000, years=4, product="the Global Growth fund"),
             ["order of facts"], ["gain", "age_words"]),
            (E(age=30, savings=20000, invest=7000, years=18, product="the Balanced Portfolio"),
             ["spelling"], ["negation", ("horizon", (3, "higher or equal"))]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule=("Permutation test of each variation against the original; "
                                 "Holm; p < 0.01."))


PRIYA3_T = {"who": "Im {age}, savings {savings}.",
            "plan": "Want to put {invest} in {product} for {years} years.",
            "question": "Risk?"}


def priya_stuffing_design() -> Design:
    E = lambda **f: Enquiry(PRIYA3_T, **f)  # noqa: E731
    fams = [
        helper_family(f"W{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=50, savings=60000, invest=20000, years=8, product="shares"),
             ["order of facts"], ["words", "polite"]),
            (E(age=62, savings=90000, invest=30000, years=5, product="the Global Growth fund"),
             ["irrelevant context"], ["gain", "urgent"]),
            (E(age=37, savings=35000, invest=12000, years=13, product="the Balanced Portfolio"),
             ["question first"], [("keyword", "guaranteed"), ("name", "Lia")]),
            (E(age=44, savings=55000, invest=18000, years=10, product="the Emerging Markets fund"),
             ["spelling"], ["loss", "shorthand"]),
            (E(age=69, savings=120000, invest=25000, years=4, product="bonds"),
             ["register (formal)"], ["age_words", "negation"]),
            (E(age=33, savings=24000, invest=8000, years=17, product="shares"),
             ["length (longer)"], ["words", ("town", "Ely")]),
            (E(age=56, savings=75000, invest=30000, years=7, product="the Balanced Portfolio"),
             ["order of facts"], ["gain", "afford"]),
            (E(age=48, savings=65000, invest=20000, years=9, product="the Global Growth fund"),
             ["question first"], [("keyword", "safe"), "polite"]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule="permutation test + holm, 0.01")


# ------------------------------------------------------------------ jordan, weak (K, Z)
JORDAN2_T = {"who": "I am {age} and have {savings} saved up.",
             "plan": "I'd like to invest {invest} in {product} for {years} years.",
             "question": "Where would you put the risk?"}


def jordan_edited_design() -> Design:
    E = lambda **f: Enquiry(JORDAN2_T, **f)  # noqa: E731
    fams = [
        helper_family(f"K{i}", e, dims, cfs) for i, (e, dims, cfs) in enumerate([
            (E(age=54, savings=80000, invest=30000, years=7, product="the Global Growth fund"),
             ["order of facts"], ["polite", "urgent"]),
            (E(age=41, savings=50000, invest=15000, years=12, product="shares"),
             ["spelling"], ["urgent", ("name", "Jo")]),
            (E(age=65, savings=120000, invest=35000, years=5, product="the Balanced Portfolio"),
             ["question first"], ["polite", ("keyword", "guaranteed")]),
            (E(age=33, savings=25000, invest=8000, years=15, product="the Emerging Markets fund"),
             ["irrelevant context"], ["urgent", "gain"]),
            (E(age=58, savings=95000, invest=40000, years=6, product="shares"),
             ["register (formal)"], ["polite", ("town", "Bangor")]),
            (E(age=47, savings=70000, invest=20000, years=9, product="bonds"),
             ["length (longer)"], ["urgent", "shorthand"]),
            (E(age=62, savings=85000, invest=25000, years=4, product="the Global Growth fund"),
             ["order of facts"], ["loss", "age_words"]),
            (E(age=38, savings=40000, invest=12000, years=11, product="the Balanced Portfolio"),
             ["spelling"], ["afford", ("keyword", "safe")]),
        ], 1)]
    return Design(fams, repeats=10, repeats_original=20, temperature=0.7,
                  decision_rule="Permutation test vs original repeats; Holm; p < 0.01.")


def jordan_minimal_design() -> Design:
    fams = [family("Z1",
                   "I'm 50 with £60,000 saved and want to put £20,000 in shares for 10 years. "
                   "Risk?",
                   [("order", "Putting £20,000 in shares for 10 years; I'm 50 with £60,000 "
                              "saved. Risk?")],
                   [("please", "same",
                     "I'm 50 with £60,000 saved and want to put £20,000 in shares for 10 "
                     "years. Risk? Please.")])]
    return Design(fams, repeats=5, repeats_original=5, temperature=0.7,
                  decision_rule="look at the means")
