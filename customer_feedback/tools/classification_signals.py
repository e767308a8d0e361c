"""Signals of a message's kind that are not single words: its grammar.

The vocabulary of each kind (praise, dissatisfaction, suggestions...) is data
a manager edits (``customer.feedback.kind.keyword``); what is here is the
shape of a sentence, the same for every company: a question ('có ... không',
'bao lâu', 'how long', a question mark), a suggestion ('it would be useful
to', 'sao không'), an order with quantities, an error code shown by a device.
The patterns read the text without diacritics and in lower case
(``normalize_keyword``), so they match whatever the customer typed; each
found signal is (kind, weight, what was found), the last shown to the agent
as the reason of the choice.
"""

import re

from ..models.customer_feedback_category import normalize_keyword

# Vietnamese pronouns a customer uses for themselves
_ME = r"(?:minh|toi|em|anh|chi|chau|con|tui|bon minh|chung toi|ben minh|cong ty minh)"

# (kind, weight, pattern); the patterns see the text without diacritics
PATTERNS = [
    # questions
    ("question", 2.0, rf"\b(?:cho|xin|muon) {_ME} hoi\b"),
    ("question", 2.0, rf"\b{_ME} muon hoi\b"),
    ("question", 1.5, (
        # the question may go on after a comma ('có ... không, mình bị dị
        # ứng') or offer a choice ('có ... không hay mua riêng')
        r"\bco (?:\w+ ){1,6}(?:khong|ko|k|hong|chua)\s*"
        r"(?:\?|[,;.]|a\b|ah\b|nhi\b|vay\b|hay\b|$)"
    )),
    ("question", 1.5, r"\b(?:duoc|phai|dung) (?:khong|ko|k|hong)\s*(?:\?|a\b|ah\b|nhi\b|$)"),
    ("question", 1.5, (
        r"\b(?:bao nhieu|bao lau|bao gio|khi nao|luc nao|o dau|cho nao|"
        r"nhu the nao|lam sao|lam the nao|cach nao|co the .{1,30} khong)\b"
    )),
    ("question", 1.0, r"\b(?:khong|ko|chua|hong)\s*(?:a|ah|nhi|vay|ha)?\s*\?"),
    ("question", 1.0, r"\b(?:the nao|sao)\s*(?:a|ah|vay|nhi)?\s*\?"),
    ("question", 2.0, (
        r"^(?:how|does|do you|can i|can we|could you tell|is there|are there|is it|"
        r"what|when|where|which|will|would it be possible|do i|should i)\b"
    )),
    ("question", 1.5, (
        r"(?:^|[.!?]\s*)(?:how|does|do you|can i|can we|is there|are there|is it|"
        r"what|when|where|which|do i|should i)\b[^.!]*\?"
    )),
    ("question", 1.0, (
        r"\b(?:how (?:long|much|many|do|can|does|to)|i was wondering|"
        r"could you (?:tell|let me know|explain|confirm))\b"
    )),
    ("question", 1.0, r"\?"),
    # suggestions
    ("suggestion", 2.0, (
        r"\bit (?:would|will|might) be (?:useful|nice|great|good|better|helpful)\b"
    )),
    ("suggestion", 2.0, (
        r"\b(?:why not|you could|you should|you might|please consider|"
        r"how about|what about adding)\b"
    )),
    ("suggestion", 1.5, (
        r"\b(?:sao khong|neu co them|neu .{1,40} thi (?:tot|hay|tien) hon|"
        r"gia ma|nen (?:co|them|lam|bo sung|cai thien|mo|cho phep))\b"
    )),
    # an order or a quotation: a quantity of things
    ("product_request", 1.5, r"\b\d+ (?:cai|chiec|bo|tam|bo ban ghe|units?|pcs|pieces|sets?)\b"),
    # wanting a number of something ('cần 20 ghế', 'lấy 8 tủ', 'we need 12
    # chairs', 'order 6'); not a number of times or days ('mua 4 lần')
    ("product_request", 2.0, (
        r"\b(?:can|lay|dat|mua|dat them|lay them|mua them|order|need|buy|want|would like|"
        r"like to order|batch of)\s+(?:them |khoang |tam |about |around |another |more )?"
        r"\d+(?![\d.,])(?!\s*(?:lan|lần|times?|ngay|thang|tuan|nam|gio|tieng|phut|days?|weeks?|"
        r"months?|years?|hours?|minutes?|%|k\b|d\b)\b)"
    )),
    # asking to have something made or sold, or saying one would order it
    # ('bên mình có nhận làm quầy theo bản vẽ không', 'do you make ...'):
    # a request put as a question outweighs the question's own signals
    ("product_request", 4.0, (
        r"\b(?:nhan (?:lam|dat|dong|san xuat)|lam theo (?:ban ve|thiet ke|kich thuoc|yeu cau)|"
        r"dat lam|dong theo|muon dat|cho (?:minh|toi|em) dat|"
        r"(?:do|can|could|would) you (?:make|produce|build|manufacture|custom[- ]make)|"
        r"(?:i'd|we'd|i would|we would) (?:order|buy|take)(?! \w+ (?:from|again))|"
        r"made to (?:measure|order))\b"
    )),
    # asking how to make a thing work ('làm sao để mở', 'how do I reset'),
    # or saying it cannot be done ('không ngả ra sau được', "won't hold")
    ("technical_support", 1.5, (
        r"\b(?:lam sao|lam the nao|cach nao|chi .{0,20}cach|video huong dan|huong dan .{0,20}"
        r"(?:lap|gan|chinh|su dung|mo|thao))\b.{0,80}\b(?:mo|lap|gan|chinh|sua|reset|thao|"
        r"khoa|dung|nga|keo|ha|nang)\b|"
        r"\bhow (?:do|can|should) (?:i|we) (?:fix|reset|adjust|assemble|install|unlock|open|"
        r"attach|fit|lower|raise|tighten)\b|\bwhich screws?\b|\bwon'?t (?:hold|stay|lock|move|"
        r"turn on|go (?:up|down))\b"
    )),
    ("technical_support", 1.0, (
        # not 'không liên lạc được', 'không gọi được' (nobody answers)
        r"\b(?:khong|ko|k) (?!(?:\w+ ){0,3}(?:lien lac|lien he|goi|nghe|tra loi|phan hoi)\b)"
        r"(?:\w+ ){1,4}(?:duoc|dc)\b"
    )),
    # an error code shown by a device or the website
    ("technical_support", 2.5, (
        r"\b(?:ma loi|bao loi|error(?: code)?|err|code|loi)\s*[:#-]?\s*"
        r"[a-z]?\d{1,4}\b"
    )),
    ("technical_support", 2.0, r"\b[e]\d{1,3}\b"),
]
_COMPILED = [(kind, weight, re.compile(pattern)) for kind, weight, pattern in PATTERNS]

# A message of greetings only ('Xin chào.', 'Hello team', 'test'): it says
# nothing of a kind or a category, and the learned models, which saw
# greetings open many questions, must not read one into it.
GREETINGS_ONLY = re.compile(
    r"^(?:(?:xin chao|chao|hello|hi|hey|dear|good (?:morning|afternoon|evening)|"
    r"chuc mung nam moi|happy new year|test)"
    r"(?: (?:shop|ban|anh|chi|em|a|ad|admin|cong ty|quy cong ty|team|all|everyone|sir|madam))*"
    r"[\s.!,;:-]*)+$"
)


def greetings_only(text):
    """Whether ``text`` holds nothing but greetings."""
    return bool(GREETINGS_ONLY.match(normalize_keyword(text).strip()))


def sentence_signals(text):
    """The signals found in ``text``: [(kind, weight, what was found)].

    Each pattern counts once per text, whatever its number of matches: a
    message full of question marks is no more of a question.
    """
    plain = normalize_keyword(text)
    found = []
    for kind, weight, pattern in _COMPILED:
        match = pattern.search(plain)
        if match:
            # the first words say what was found ('how long', 'co ... khong')
            words = match.group(0).split()
            shown = " ".join(words[:2] + (["…", words[-1]] if len(words) > 3 else words[2:]))
            found.append((kind, weight, shown or "?"))
    return found
