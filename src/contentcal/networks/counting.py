"""How each network counts the length of a post: one pure function per counting unit.

No network counts ``len(text)``. X weighs characters and bills every link at a fixed
length, Bluesky counts grapheme clusters *and* bytes, Mastodon bills links at a fixed length
and ignores the domain of a mention, Threads counts emoji by their UTF-8 bytes.
:mod:`contentcal.networks.limits` says which function applies to which network's limit.

The X counter is a Python port of the semantics of twitter-text 3
(``WeightedTweetsWithDiscountedEmojiCounter``): its tests run the published conformance
data, so change it only together with them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Final

import attrs
import regex

__all__ = [
    "MASTODON_URL_LENGTH",
    "X_MAX_WEIGHTED_LENGTH",
    "X_URL_LENGTH",
    "char_length",
    "grapheme_ends",
    "grapheme_length",
    "hashtag_count",
    "mastodon_length",
    "threads_length",
    "utf8_length",
    "x_is_valid",
    "x_weighted_length",
]

X_MAX_WEIGHTED_LENGTH: Final = 280
"""The weighted length an X post may have on a standard account (twitter-text v3)."""

X_URL_LENGTH: Final = 23
"""What every URL counts on X, whatever its length: links are rewritten to t.co."""

MASTODON_URL_LENGTH: Final = 23
"""What every URL counts on a stock Mastodon server (``characters_reserved_per_url``)."""


# --- Top-level domains ---------------------------------------------------------------------
# The TLDs twitter-text 3 recognises (js/src/regexp/validGTLD.js and validCCTLD.js of
# twitter/twitter-text, Apache-2.0). Kept as twitter-text has them rather than the live IANA
# list: which words X links depends on this very list, and the conformance data pins it.
_GENERIC_TLDS: Final = """
삼성 닷컴 닷넷 香格里拉 餐厅 食品 飞利浦 電訊盈科 集团 通販 购物 谷歌 诺基亚
联通 网络 网站 网店 网址 组织机构 移动 珠宝 点看 游戏 淡马锡 机构 書籍 时尚 新闻
政府 政务 招聘 手表 手机 我爱你 慈善 微博 广东 工行 家電 娱乐 天主教 大拿
大众汽车 在线 嘉里大酒店 嘉里 商标 商店 商城 公益 公司 八卦 健康 信息 佛山 企业
中文网 中信 世界 ポイント ファッション セール ストア コム グーグル クラウド
みんな คอม संगठन नेट कॉम همراه موقع موبايلي كوم كاثوليك عرب شبكة بيتك بازار
العليان ارامكو اتصالات ابوظبي קום сайт рус орг онлайн москва ком католик дети
vermögensberatung vermögensberater
zuerich zone zippo zip zero zara zappos yun youtube you yokohama yoga yodobashi yandex
yamaxun yahoo yachts xyz xxx xperia xin xihuan xfinity xerox xbox wtf wtc wow world works
work woodside wolterskluwer wme winners wine windows win williamhill wiki wien whoswho weir
weibo wedding wed website weber webcam weatherchannel weather watches watch warman wanggou
wang walter walmart wales vuelos voyage voto voting vote volvo volkswagen vodka vlaanderen
vivo viva vistaprint vista vision visa virgin vip vin villas viking vig video viajes vet
versicherung verisign ventures vegas vanguard vana vacations ups uol uno university unicom
uconnect ubs ubank tvs tushu tunes tui tube trv trust travelersinsurance travelers
travelchannel travel training trading trade toys toyota town tours total toshiba toray top
tools tokyo today tmall tkmaxx tjx tjmaxx tirol tires tips tiffany tienda tickets tiaa
theatre theater thd teva tennis temasek telefonica telecity tel technology tech team tdk tci
taxi tax tattoo tatar tatamotors target taobao talk taipei tab systems symantec sydney swiss
swiftcover swatch suzuki surgery surf support supply supplies sucks style study studio
stream store storage stockholm stcgroup stc statoil statefarm statebank starhub star staples
stada srt srl spreadbetting spot sport spiegel space soy sony song solutions solar sohu
software softbank social soccer sncf smile smart sling skype sky skin ski site singles sina
silk shriram showtime show shouji shopping shop shoes shiksha shia shell shaw sharp
shangrila sfr sexy sex sew seven ses services sener select seek security secure seat search
scot scor scjohnson science schwarz schule school scholarships schmidt schaeffler scb sca
sbs sbi saxo save sas sarl sapo sap sanofi sandvikcoromant sandvik samsung samsclub salon
sale sakura safety safe saarland ryukyu rwe run ruhr rugby rsvp room rogers rodeo rocks
rocher rmit rip rio ril rightathome ricoh richardli rich rexroth reviews review restaurant
rest republican report repair rentals rent ren reliance reit reisen reise rehab redumbrella
redstone red recipes realty realtor realestate read raid radio racing qvc quest quebec qpon
pwc pub prudential pru protection property properties promo progressive prof productions
prod pro prime press praxi pramerica post porn politie poker pohl pnc plus plumbing
playstation play place pizza pioneer pink ping pin pid pictures pictet pics piaget physio
photos photography photo phone philips phd pharmacy pfizer pet pccw pay passagens party
parts partners pars paris panerai panasonic pamperedchef page ovh ott otsuka osaka origins
orientexpress organic org orange oracle open ooo onyourside online onl ong one omega ollo
oldnavy olayangroup olayan okinawa office off observer obi nyc ntt nrw nra nowtv nowruz now
norton northwesternmutual nokia nissay nissan ninja nikon nike nico nhk ngo nfl nexus
nextdirect next news newholland new neustar network netflix netbank net nec nba navy natura
nationwide name nagoya nadex nab mutuelle mutual museum mtr mtpc mtn msd movistar movie mov
motorcycles moto moscow mortgage mormon mopar montblanc monster money monash mom moi moe
moda mobily mobile mobi mma mls mlb mitsubishi mit mint mini mil microsoft miami metlife
merckmsd meo menu men memorial meme melbourne meet media med mckinsey mcdonalds mcd mba
mattel maserati marshalls marriott markets marketing market map mango management man makeup
maison maif madrid macys luxury luxe lupin lundbeck ltda ltd lplfinancial lpl love lotto
lotte london lol loft locus locker loans loan llp llc lixil living live lipsy link linde
lincoln limo limited lilly like lighting lifestyle lifeinsurance life lidl liaison lgbt
lexus lego legal lefrak leclerc lease lds lawyer law latrobe latino lat lasalle lanxess
landrover land lancome lancia lancaster lamer lamborghini ladbrokes lacaixa kyoto kuokgroup
kred krd kpn kpmg kosher komatsu koeln kiwi kitchen kindle kinder kim kia kfh
kerryproperties kerrylogistics kerryhotels kddi kaufen juniper juegos jprs jpmorgan joy jot
joburg jobs jnj jmp jll jlc jio jewelry jetzt jeep jcp jcb java jaguar iwc iveco itv itau
istanbul ist ismaili iselect irish ipiranga investments intuit international intel int
insure insurance institute ink ing info infiniti industries inc immobilien immo imdb imamat
ikano iinet ifm ieee icu ice icbc ibm hyundai hyatt hughes htc hsbc how house hotmail hotels
hoteles hot hosting host hospital horse honeywell honda homesense homes homegoods homedepot
holiday holdings hockey hkt hiv hitachi hisamitsu hiphop hgtv hermes here helsinki help
healthcare health hdfcbank hdfc hbo haus hangout hamburg hair guru guitars guide guge gucci
guardian group grocery gripe green gratis graphics grainger gov got gop google goog goodyear
goodhands goo golf goldpoint gold godaddy gmx gmo gmbh gmail globo global gle glass glade
giving gives gifts gift ggee george genting gent gea gdn gbiz gay garden gap games game
gallup gallo gallery gal fyi futbol furniture fund fun fujixerox fujitsu ftr frontier
frontdoor frogans frl fresenius free fox foundation forum forsale forex ford football
foodnetwork food foo fly flsmidth flowers florist flir flights flickr fitness fit fishing
fish firmdale firestone fire financial finance final film fido fidelity fiat ferrero ferrari
feedback fedex fast fashion farmers farm fans fan family faith fairwinds fail fage
extraspace express exposed expert exchange everbank events eus eurovision etisalat esurance
estate esq erni ericsson equipment epson epost enterprises engineering engineer energy
emerck email education edu edeka eco eat earth dvr dvag durban dupont duns dunlop duck dubai
dtv drive download dot doosan domains doha dog dodge doctor docs dnp diy dish discover
discount directory direct digital diet diamonds dhl dev design desi dentist dental democrat
delta deloitte dell delivery degree deals dealer deal dds dclk day datsun dating date data
dance dad dabur cyou cymru cuisinella csc cruises cruise crs crown cricket creditunion
creditcard credit cpa courses coupons coupon country corsica coop cool cookingchannel
cooking contractors contact consulting construction condos comsec computer compare company
community commbank comcast com cologne college coffee codes coach clubmed club cloud
clothing clinique clinic click cleaning claims cityeats city citic citi citadel cisco circle
cipriani church chrysler chrome christmas chloe chintai cheap chat chase charity channel
chanel cfd cfa cern ceo center ceb cbs cbre cbn cba catholic catering cat casino cash caseih
case casa cartier cars careers career care cards caravan car capitalone capital capetown
canon cancerresearch camp camera cam calvinklein call cal cafe cab bzh buzz buy business
builders build bugatti budapest brussels brother broker broadway bridgestone bradesco box
boutique bot boston bostik bosch boots booking book boo bond bom bofa boehringer boats
bnpparibas bnl bmw bms blue bloomberg blog blockbuster blanco blackfriday black biz bio
bingo bing bike bid bible bharti bet bestbuy best berlin bentley beer beauty beats bcn bcg
bbva bbt bbc bayern bauhaus basketball baseball bargains barefoot barclays barclaycard
barcelona bar bank band bananarepublic banamex baidu baby azure axa aws avianca autos auto
author auspost audio audible audi auction attorney athleta associates asia asda arte art
arpa army archi aramco arab aquarelle apple app apartments aol anz anquan android analytics
amsterdam amica amfam amex americanfamily americanexpress alstom alsace ally allstate
allfinanz alipay alibaba alfaromeo akdn airtel airforce airbus aigo aig agency agakhan
africa afl afamilycompany aetna aero aeg adult ads adac actor active aco accountants
accountant accenture academy abudhabi abogado able abc abbvie abbott abb abarth aarp aaa
onion
"""

_COUNTRY_TLDS: Final = """
한국 香港 澳門 新加坡 台灣 台湾 中國 中国 გე ລາວ ไทย ලංකා ഭാരതം ಭಾರತ భారత్
சிங்கப்பூர் இலங்கை இந்தியா ଭାରତ ભારત ਭਾਰਤ ভাৰত ভারত বাংলা भारोत भारतम् भारत ڀارت
پاکستان موريتانيا مليسيا مصر قطر فلسطين عمان عراق سورية سودان تونس بھارت بارت
ایران امارات المغرب السعودية الجزائر البحرين الاردن հայ қаз укр срб рф мон мкд
ею бел бг ευ ελ
zw zm za yt ye ws wf vu vn vi vg ve vc va uz uy us um uk ug ua tz tw tv tt tr tp to tn tm tl
tk tj th tg tf td tc sz sy sx sv su st ss sr so sn sm sl sk sj si sh sg se sd sc sb sa rw ru
rs ro re qa py pw pt ps pr pn pm pl pk ph pg pf pe pa om nz nu nr np no nl ni ng nf ne nc na
mz my mx mw mv mu mt ms mr mq mp mo mn mm ml mk mh mg mf me md mc ma ly lv lu lt ls lr lk li
lc lb la kz ky kw kr kp kn km ki kh kg ke jp jo jm je it is ir iq io in im il ie id hu ht hr
hn hm hk gy gw gu gt gs gr gq gp gn gm gl gi gh gg gf ge gd gb ga fr fo fm fk fj fi eu et es
er eh eg ee ec dz do dm dk dj de cz cy cx cw cv cu cr co cn cm cl ck ci ch cg cf cd cc ca bz
by bw bv bt bs br bq bo bn bm bl bj bi bh bg bf be bd bb ba az ax aw au at as ar aq ao an am
al ai ag af ae ad ac
"""


def _any_case(word: str) -> str:
    """`word` as a regex that also matches it in the other case (``co`` → ``[cC][oO]``).

    Spelled out instead of ``re.IGNORECASE``, which makes every character class test
    slower and also folds characters JavaScript's ``i`` flag keeps apart (``ſ`` and ``s``).
    """
    pattern = []
    for char in word:
        variants = {char, char.upper(), char.lower()} if char.isalpha() else {char}
        variants = {variant for variant in variants if len(variant) == 1}
        pattern.append(
            re.escape(char) if len(variants) == 1 else "[" + "".join(sorted(variants)) + "]"
        )
    return "".join(pattern)


_Trie = dict[str, "_Trie"]


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words`, as a trie so the engine never tries 1,500 branches.

    Longer words sharing a prefix are tried first, like twitter-text's reverse-alphabetical
    alternation, so the same TLD wins when several could end at different places. Siblings
    start with different letters, so their order changes speed only.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _render_trie(trie)


def _render_trie(node: _Trie) -> str:
    # `re` tries branches in order, one by one: ASCII first, as most links are .com.
    branches = [
        _any_case(char) + _render_trie(child)
        for char, child in sorted(node.items(), key=lambda item: (not item[0].isascii(), item[0]))
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"  # greedy: the longer word first, then the one ending here
    return body


# --- URL extraction (twitter-text 3 extractUrlsWithIndices) -----------------------------------
# Pieces named after the twitter-text regexes they port. Python's `\Z` stands for JavaScript's
# `$` because Python's `$` also matches before a final newline.
_PUNCT: Final = "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$"
_SPACES: Final = r"\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVALID_CHARS: Final = r"\ufffe\ufeff\uffff"
_DIRECTIONAL_MARKERS: Final = r"\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
_LATIN_ACCENTS: Final = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    r"\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC: Final = r"\u0400-\u04ff"


def _not_domain_char(*allowed: str) -> str:
    """A class of domain characters, plus the `allowed` punctuation.

    twitter-text writes a label as ``(?:[_-]|domainChar)*``; one class does the same
    without a branch per character, which is several times faster in ``re``.
    """
    punct = "".join(re.escape(char) for char in _PUNCT if char not in allowed)
    return f"[^{punct}{_SPACES}{_INVALID_CHARS}{_DIRECTIONAL_MARKERS}]"


_DOMAIN_CHAR: Final = _not_domain_char()
_SUBDOMAIN: Final = rf"(?:(?:{_DOMAIN_CHAR}{_not_domain_char('_', '-')}*)?{_DOMAIN_CHAR}\.)"
_DOMAIN_NAME: Final = rf"(?:(?:{_DOMAIN_CHAR}{_not_domain_char('-')}*)?{_DOMAIN_CHAR}\.)"
_TLDS: Final = frozenset(_GENERIC_TLDS.split() + _COUNTRY_TLDS.split())


def _tld(tlds: Iterable[str]) -> str:
    """twitter-text's TLD regex, restricted to `tlds` (a TLD, then no letter, digit, @, + or -).

    With all of :data:`_TLDS` this is twitter-text's own; it takes ~50 ms to compile into the
    URL pattern, so the patterns are compiled for the TLDs the texts could use
    (:class:`_TldPattern`).
    """
    body = _alternation(tlds) or "(?!)"  # no TLD: never matches
    return "(?:(?:" + body + r")(?=[^0-9a-zA-Z@+\-]|\Z))"


_PUNYCODE: Final = rf"(?:{_any_case('xn')}--[\-0-9a-zA-Z]+)"

_PATH_CHAR: Final = rf"[a-zA-Z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]"
_BALANCED_PARENS: Final = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH_ENDING_CHAR: Final = rf"[+\-a-zA-Z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]"
# twitter-text builds this by pasting the *source* of validUrlPathEndingChars, which is
# `[...]|(?:balancedParens)`, so its `|` splits the group around it: a path segment ends in
# an ending character, or is balanced parentheses alone, never "chars then parentheses".
# The Java and JavaScript libraries share this, so the port keeps it.
_PATH: Final = (
    rf"(?:(?:{_PATH_CHAR}*(?:{_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_ENDING_CHAR}"
    rf"|(?:{_BALANCED_PARENS}))|(?:@{_PATH_CHAR}+/))"
)
_QUERY_CHAR: Final = r"[a-zA-Z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_ENDING_CHAR: Final = r"[a-zA-Z0-9\-_&=#/]"
_PRECEDING: Final = rf"(?:[^A-Za-z0-9@\uff20$#\uff03{_INVALID_CHARS}]|[{_DIRECTIONAL_MARKERS}]|^)"

# Mastodon (config/initializers/twitter_regex.rb) links more schemes and lets a path hold any
# character but spaces and a few delimiters, and a query any non-ASCII letter. Ruby wraps
# each pasted regex in a group, so the JavaScript path quirk above does not apply there.
_MASTODON_PATH_CHAR: Final = r"[^\s<>()?]"
_MASTODON_PATH: Final = (
    rf"(?:(?:{_MASTODON_PATH_CHAR}*"
    rf"(?:\((?:{_MASTODON_PATH_CHAR}+|(?:{_MASTODON_PATH_CHAR}*\({_MASTODON_PATH_CHAR}+\)"
    rf"{_MASTODON_PATH_CHAR}*))\){_MASTODON_PATH_CHAR}*)*"
    rf"(?:[^\s()?!*\"'「」<>;:=,.$%\[\]~&|@]|(?:{_BALANCED_PARENS})))"
    rf"|(?:{_MASTODON_PATH_CHAR}+/))"
)
_UCHARS: Final = (
    r"\xa0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    r"\U00030000-\U0003fffd\U00040000-\U000dfffd\U000e1000-\U000efffd\ue000-\uf8ff"
    r"\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
_MASTODON_QUERY_CHAR: Final = rf"[a-zA-Z0-9!?*'();:&=+$/%#\[\]\-_.,~|@^{_UCHARS}]"
_MASTODON_QUERY_ENDING_CHAR: Final = rf"[a-zA-Z0-9_&=#/\-{_UCHARS}]"


@attrs.frozen(cache_hash=True)  # the compiled-pattern cache hashes it once per URL region
class _UrlSyntax:
    """What a network links: schemes, and the characters of a path and a query."""

    protocols: tuple[str, ...]
    """Schemes that make a link, lower case (``http``, ``https``)."""

    path: str
    """Regex for one segment of a path."""

    query_char: str
    """Regex class for a character of a query string."""

    query_ending_char: str
    """Regex class for the last character of a query string."""


_X_URLS: Final = _UrlSyntax(("http", "https"), _PATH, _QUERY_CHAR, _QUERY_ENDING_CHAR)
_MASTODON_URLS: Final = _UrlSyntax(
    ("http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "gemini"),
    _MASTODON_PATH,
    _MASTODON_QUERY_CHAR,
    _MASTODON_QUERY_ENDING_CHAR,
)


def _url_regex(syntax: _UrlSyntax, tld: str) -> str:
    domain = rf"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:{tld}|{_PUNYCODE}))"
    return (
        rf"(?P<before>{_PRECEDING})"
        rf"(?P<url>(?P<protocol>{_alternation(syntax.protocols)}://)?"
        rf"(?P<domain>{domain})"
        r"(?::[0-9]+)?"
        rf"(?P<path>/{syntax.path}*)?"
        rf"(?:\?{syntax.query_char}*{syntax.query_ending_char})?)"
    )


def _ascii_domain_regex(tld: str) -> str:
    return rf"(?:[\-a-zA-Z0-9{_LATIN_ACCENTS}]+\.)+(?:{tld}|{_PUNYCODE})"


# --- Compiling the TLD patterns for the TLDs in use ---------------------------------------------
# Compiling twitter-text's pattern with all 1,574 TLDs costs ~50 ms a process, a sixth of a
# small plan's `check`. In these patterns a TLD always follows a "." (the end of
# `_DOMAIN_NAME`), so a TLD that matches in a stretch of text starts right after one of its
# dots. A pattern whose TLD alternation holds only the TLDs found after its dots (or more)
# finds exactly the same URLs: the trie tries the same words in the same order, minus words
# that cannot match there. tests/test_counting.py checks this against the full pattern.
_COMMON_TLDS: Final = frozenset(("com", "id", "co", "net", "org", "info", "io", "me", "app"))
_MAX_PARTIAL_COMPILES: Final = 3
"""After this many compiles for a growing set of TLDs, compile the full list once instead."""


def _case_variants(char: str) -> set[str]:
    # The characters `_any_case` lets stand for `char`.
    variants = {char, char.upper(), char.lower()} if char.isalpha() else {char}
    return {variant for variant in variants if len(variant) == 1}


@functools.cache
def _tld_index() -> tuple[dict[int, str], dict[str, frozenset[str]], int]:
    """How to find the TLDs a text could hold: (case fold, TLDs by folded spelling, longest).

    The fold maps every character `_any_case` accepts for a TLD's letter to that letter, so a
    text's TLD, folded, is spelled as the TLD is.
    """
    fold: dict[int, str] = {}
    for char in sorted({char for tld in _TLDS for char in tld}):
        for variant in _case_variants(char):
            # No character stands for two letters (tests/test_counting.py checks it).
            fold.setdefault(ord(variant), char)
    by_spelling: dict[str, set[str]] = {}
    for tld in _TLDS:
        by_spelling.setdefault(tld.translate(fold), set()).add(tld)
    return (
        fold,
        {spelling: frozenset(tlds) for spelling, tlds in by_spelling.items()},
        max(map(len, _TLDS)),
    )


def _tlds_after_dots(text: str, start: int, end: int) -> frozenset[str]:
    """Every TLD that starts right after a "." in ``text[start:end]`` (a superset of those
    twitter-text's `_tld` can match there: what follows is not looked at)."""
    fold, by_spelling, longest = _tld_index()
    found: set[str] = set()
    dot = text.find(".", start, end)
    while dot != -1:
        tail = text[dot + 1 : min(dot + 1 + longest, end)].translate(fold)
        for size in range(1, len(tail) + 1):
            tlds = by_spelling.get(tail[:size])
            if tlds:
                found.update(tlds)
        dot = text.find(".", dot + 1, end)
    return frozenset(found)


class _TldPattern:
    """A pattern with a TLD alternation in it, compiled for the TLDs asked for so far.

    Each call names the TLDs a text could use; the pattern is recompiled, for those and the
    ones before, only when a text needs one it lacks, and after a few recompiles for all.
    """

    def __init__(self, regex_for: Callable[[str], str]) -> None:
        self._regex_for = regex_for
        self._state: tuple[frozenset[str], re.Pattern[str]] | None = None
        self._compiles = 0

    def covering(self, tlds: frozenset[str]) -> re.Pattern[str]:
        state = self._state
        if state is not None and tlds <= state[0]:
            return state[1]
        self._compiles += 1
        wanted = _TLDS
        if self._compiles <= _MAX_PARTIAL_COMPILES:
            wanted = (state[0] if state else _COMMON_TLDS) | tlds
        pattern = re.compile(self._regex_for(_tld(wanted)))
        self._state = (wanted, pattern)
        return pattern


@functools.cache
def _url_pattern(syntax: _UrlSyntax) -> _TldPattern:
    return _TldPattern(functools.partial(_url_regex, syntax))


_ASCII_DOMAIN: Final = _TldPattern(_ascii_domain_regex)


def _ascii_domain(domain: str) -> re.Pattern[str]:
    return _ASCII_DOMAIN.covering(_tlds_after_dots(domain, 0, len(domain)))


# Every URL has a dot followed by a TLD, and every TLD starts with a letter. Most posts have
# no such dot ("end. Next" has a space), so this cheap test skips the costly pattern.
_DOT_LETTER: Final = re.compile(r"\.[^\W\d_]")
_ASCII_TLD_WORD: Final = re.compile(r"[0-9a-zA-Z@+\-]*")
_ASCII_TLDS: Final = frozenset(
    tld for tld in _GENERIC_TLDS.split() + _COUNTRY_TLDS.split() if tld.isascii()
)
_OTHER_TLDS: Final = frozenset(
    tld for tld in _GENERIC_TLDS.split() + _COUNTRY_TLDS.split() if not tld.isascii()
)
_LONGEST_OTHER_TLD: Final = max(map(len, _OTHER_TLDS))
_TLD_END: Final = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@+-")


def _tld_follows(text: str, dot: int) -> bool:
    """Whether a TLD (or ``xn--``) starts right after the dot at `dot`, as `_tld` would see.

    A set lookup: the TLD pattern's branch-by-branch search costs microseconds per dot.
    """
    start = dot + 1
    if text[start].isascii():
        word = match.group() if (match := _ASCII_TLD_WORD.match(text, start)) else ""
        # An ASCII TLD must be followed by none of [0-9a-zA-Z@+-], so it is the whole word.
        return word.lower() in _ASCII_TLDS or word[:4].lower() == "xn--"
    return any(
        text[start : start + size].lower() in _OTHER_TLDS
        and text[start + size : start + size + 1] not in _TLD_END
        for size in range(1, _LONGEST_OTHER_TLD + 1)
    )


_URL_BREAK: Final = re.compile(f"[{_SPACES}]")
_URL_BREAK_BEFORE: Final = regex.compile(f"(?r)[{_SPACES}]")
_TCO_URL: Final = re.compile(
    rf"{_any_case('http')}[sS]?://{_any_case('t.co')}/([a-zA-Z0-9]+)"
    rf"(?:\?{_QUERY_CHAR}*{_QUERY_ENDING_CHAR})?"
)
_INVALID_BEFORE_BARE_URL: Final = frozenset("-_./")
# punycode.js, which twitter-text uses, also splits labels at these full stops.
_IDN_FULL_STOPS: Final = re.compile("[\u3002\uff0e\uff61]")
_MAX_URL_LENGTH: Final = 4096
_MAX_LABEL_LENGTH: Final = 63
_MAX_TCO_SLUG_LENGTH: Final = 40


def _utf16_length(text: str) -> int:
    # twitter-text measures in JavaScript string units; astral characters take two.
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _punycode_label_length(label: str) -> int:
    parts = _IDN_FULL_STOPS.sub(".", label).split(".")
    try:
        encoded = [
            part if part.isascii() else "xn--" + part.encode("punycode").decode("ascii")
            for part in parts
        ]
    except UnicodeError:
        return 0  # not encodable: the label is treated as invalid
    return len(".".join(encoded))


def _is_valid_domain(domain: str) -> bool:
    if domain.startswith("xn--") and not _ascii_domain(domain).search(domain):
        return False
    if domain.isascii():
        return all(1 <= len(label) <= _MAX_LABEL_LENGTH for label in domain.split("."))
    return all(
        1 <= _punycode_label_length(label) <= _MAX_LABEL_LENGTH for label in domain.split(".")
    )


def _url_regions(text: str) -> Iterator[tuple[int, int]]:
    """Stretches of `text` that may hold a URL, each from a break before it to one after.

    URLs never contain a space, so matching inside each whitespace-delimited stretch that
    has a dot and a TLD finds exactly what matching the whole text would, much faster.
    """
    end = 0
    for hint in _DOT_LETTER.finditer(text):
        dot = hint.start()
        if dot < end or not _tld_follows(text, dot):
            continue
        before = _URL_BREAK_BEFORE.search(text, 0, dot)
        after = _URL_BREAK.search(text, dot)
        end = after.start() if after else len(text)
        yield (before.start() if before else 0), end


def _url_spans(text: str, syntax: _UrlSyntax, *, bare: bool) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of every URL, the way twitter-text's extractUrlsWithIndices does.

    `bare` also finds URLs written without ``http://`` (X links ``example.com``; Mastodon does
    not).
    """
    for region_start, region_end in _url_regions(text):
        tlds = _tlds_after_dots(text, region_start, region_end)
        pattern = _url_pattern(syntax).covering(tlds)
        for match in pattern.finditer(text, region_start, region_end):
            yield from _url_span(match, bare=bare)


def _url_span(match: re.Match[str], *, bare: bool) -> Iterator[tuple[int, int]]:
    url, protocol, domain = match["url"], match["protocol"], match["domain"]
    start, end = match.start("url"), match.end("url")
    if not _is_valid_domain(domain):
        return
    if len(protocol or "https://") + _utf16_length(url) > _MAX_URL_LENGTH:
        return
    if protocol:
        tco = _TCO_URL.match(url)
        if tco:
            if len(tco[1]) > _MAX_TCO_SLUG_LENGTH:
                return
            end = start + tco.end()
        yield start, end
        return
    if not bare or match["before"][-1:] in _INVALID_BEFORE_BARE_URL:
        return
    # Only the ASCII part of a bare domain is linked; with a path, the last one runs on.
    domain_start = match.start("domain")
    last: tuple[int, int] | None = None
    for ascii_domain in _ascii_domain(domain).finditer(domain):
        if last is not None:
            yield last
        last = (domain_start + ascii_domain.start(), domain_start + ascii_domain.end())
    if last is not None:
        yield (last[0], end) if match["path"] else last


# --- Emoji and character weights ------------------------------------------------------------
# One emoji sequence in the sense of Unicode TS #51 (keycap, flag, tag sequence, modifier or
# ZWJ sequence), shaped after twemoji-parser, which twitter-text uses: a pictograph that
# defaults to text (☺, ©, ™) is an emoji only with U+FE0F, a skin tone or inside a ZWJ
# sequence; U+FE0E turns an emoji into text; U+FE0F belongs to the character before it only
# where that character has a text form too (text-default pictographs, BMP symbols such as ⌚),
# so after 🌈 or 👍 it is a character of its own, as twemoji-parser counts it.
_TAG_SEQUENCE: Final = r"[\U000E0020-\U000E007E]+\U000E007F"
_VS16_BASE: Final = (
    r"[[\p{Emoji_Presentation}&&[\x00-\uFFFF]]"
    r"||[\p{Extended_Pictographic}--\p{Emoji_Presentation}]]"
)
_EMOJI_ELEMENT: Final = (
    r"(?:\p{Regional_Indicator}{2}"
    r"|[#*0-9]\uFE0F?\u20E3"
    rf"|{_VS16_BASE}\uFE0F"
    rf"|\p{{Emoji_Presentation}}(?:\p{{Emoji_Modifier}}|{_TAG_SEQUENCE})?(?!\uFE0E)"
    rf"|\p{{Extended_Pictographic}}(?:\p{{Emoji_Modifier}}|{_TAG_SEQUENCE}))"
)
_ZWJ_ELEMENT: Final = rf"(?:{_EMOJI_ELEMENT}|\p{{Extended_Pictographic}})"
_EMOJI: Final = (
    rf"(?V1)(?:{_EMOJI_ELEMENT}(?:\u200D{_ZWJ_ELEMENT})*"
    rf"|\p{{Extended_Pictographic}}(?:\u200D{_ZWJ_ELEMENT})+)"
)
_X_LIGHT: Final = r"\x00-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037"
"""Code points X weighs 1 (twitter-text v3 ``ranges``); everything else weighs 2."""
# A superset of the code points an emoji sequence can start with, besides light ones (keycap
# digits, ©, ®): the symbol blocks, U+20E3 and U+FE0F of keycaps, and plane 1's emoji blocks.
# tests/test_counting.py checks it covers Extended_Pictographic and Emoji_Presentation. Plain
# `re` ranges are much faster than `regex`'s Unicode properties on long CJK text.
_EMOJI_BLOCKS: Final = (
    r"\u203c\u2049\u20e3\u2100-\u2bff\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001ffff"
)
_LIGHT_EMOJI_STARTS: Final = frozenset("#*0123456789\xa9\xae")
# A single class searches several times faster than an alternation, so find the next heavy
# character first, then see whether a run of heavy characters that no emoji can start with
# begins there.
_X_HEAVY: Final = re.compile(f"[^{_X_LIGHT}]")
_X_HEAVY_RUN: Final = re.compile(f"[^{_X_LIGHT}{_EMOJI_BLOCKS}]+")
_EMOJI_SEQUENCE: Final = regex.compile(_EMOJI)
# What can follow the first code point of a longer emoji sequence: ZWJ, U+FE0F, the keycap
# mark, a skin tone, a second regional indicator, tag characters.
_EMOJI_CONTINUES: Final = re.compile(
    r"[\u200d\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U0001f1e6-\U0001f1ff\U000e0020-\U000e007f]"
)
_X_INVALID: Final = re.compile(f"[{_INVALID_CHARS}]")
_BLANK: Final = "".join(map(chr, range(0x21)))  # what Java's String.trim() removes
_GRAPHEME: Final = regex.compile(r"\X")
# Characters that never join a neighbour into one grapheme cluster (grapheme break property
# Other or Control; checked in the tests): printable Latin, Greek, Cyrillic, CJK ideographs
# and punctuation, kana and fullwidth forms, without their combining marks.
_SIMPLE: Final = (
    r"\x20-\x7e\xa0-\u02ff\u0370-\u0482\u048a-\u052f\u3000-\u3029\u3030-\u303f"
    r"\u3041-\u3096\u309b-\u30ff\u4e00-\u9fff\uff01-\uff9d"
)
# Non-simple characters with one neighbour on each side, which they may join (a combining
# accent joins the letter before it, an Arabic number sign the digit after it). Runs one
# simple character apart are merged so that no neighbour is shared between chunks.


@functools.cache
def _grapheme_chunk() -> re.Pattern[str]:
    # Compiled on first use (~5 ms: `re` fills a table per CJK range of each class).
    return re.compile(
        rf"[{_SIMPLE}]?[^{_SIMPLE}](?:[^{_SIMPLE}]|[{_SIMPLE}](?=[^{_SIMPLE}]))*[{_SIMPLE}]?"
    )


def _x_weight(segment: str) -> int:
    """Weighted length of text without URLs, in X characters (weight 2 counts 2)."""
    if segment.isascii():
        return len(segment)
    weight = len(segment)
    position = 0
    while heavy := _X_HEAVY.search(segment, position):
        start = heavy.start()
        if run := _X_HEAVY_RUN.match(segment, start):
            weight += run.end() - start
            position = run.end()
            continue
        emoji = None
        if start > position and segment[start - 1] in _LIGHT_EMOJI_STARTS:
            emoji = _EMOJI_SEQUENCE.match(segment, start - 1)  # 1️⃣ and ©️ start light
        elif not _EMOJI_CONTINUES.match(segment, start + 1):
            # One heavy code point weighs 2 whether or not it is an emoji.
            weight += 1
            position = start + 1
            continue
        emoji = emoji or _EMOJI_SEQUENCE.match(segment, start)
        if emoji:
            weight += 2 - (emoji.end() - emoji.start())
            position = emoji.end()
        else:
            weight += 1
            position = start + 1
    return weight


def _nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def x_weighted_length(text: str) -> int:
    """The length X gives `text`, out of :data:`X_MAX_WEIGHTED_LENGTH` (280).

    twitter-text v3 semantics: the text is NFC-normalised; code points in U+0000-U+10FF,
    U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 count 1, all others 2; every emoji
    sequence (ZWJ sequences, skin tones, keycaps, flags) counts 2; every URL counts
    :data:`X_URL_LENGTH` (23), with or without ``https://``.

    >>> x_weighted_length("Batik tulis, dibuat tangan di Cikarang")
    38
    >>> x_weighted_length("日本語")
    6
    >>> x_weighted_length("Lihat koleksi baru: https://batikcikarang.example.com/koleksi/2027")
    43
    """
    text = _nfc(text)
    urls = list(_url_spans(text, _X_URLS, bare=True))
    if not urls:
        return _x_weight(text)
    total, position = 0, 0
    for start, end in urls:
        total += _x_weight(text[position:start]) + X_URL_LENGTH
        position = end
    return total + _x_weight(text[position:])


def x_is_valid(text: str) -> bool:
    """Whether X accepts `text` as a post on a standard account.

    It must not be blank (only spaces and control characters, as twitter-text's Java parser
    sees it), must weigh at most 280 (:func:`x_weighted_length`) and must not contain
    U+FFFE, U+FEFF or U+FFFF, the characters twitter-text 3 rejects. Directional formatting
    characters (U+202A-U+202E, U+2066-U+2069) are allowed, as in twitter-text 3.

    >>> x_is_valid("Selamat pagi!"), x_is_valid("  "), x_is_valid("🎉" * 141)
    (True, False, False)
    """
    return (
        bool(text.strip(_BLANK))
        and not _X_INVALID.search(text)
        and x_weighted_length(text) <= X_MAX_WEIGHTED_LENGTH
    )


def grapheme_length(text: str) -> int:
    """Extended grapheme clusters: what a reader sees as one character (a flag counts 1).

    >>> grapheme_length("🇮🇩 Merdeka")
    9
    """
    if text.isascii():
        return len(text) - text.count("\r\n")
    # Printable Latin characters are each a cluster of their own; only the stretches around
    # anything else need the (slow) Unicode segmentation.
    length = len(text)
    for chunk in _grapheme_chunk().finditer(text):
        length -= chunk.end() - chunk.start() - len(_GRAPHEME.findall(chunk.group()))
    return length


def grapheme_ends(text: str) -> list[int]:
    """The offset after each extended grapheme cluster of `text`, in order: the places a
    network that counts graphemes can cut. Found as :func:`grapheme_length` counts them, so
    ``len(grapheme_ends(text)) == grapheme_length(text)``.

    >>> grapheme_ends("a🇮🇩é\\r\\n")
    [1, 3, 4, 6]
    """
    if text.isascii() and "\r" not in text:
        return list(range(1, len(text) + 1))  # every ASCII character but CR LF stands alone
    ends: list[int] = []
    position = 0
    for chunk in _grapheme_chunk().finditer(text):
        start = chunk.start()
        ends.extend(range(position + 1, start + 1))  # simple characters stand alone
        ends.extend(start + match.end() for match in _GRAPHEME.finditer(chunk.group()))
        position = chunk.end()
    ends.extend(range(position + 1, len(text) + 1))
    return ends


def utf8_length(text: str) -> int:
    """Bytes of `text` encoded as UTF-8 (Bluesky's second limit; YouTube's description).

    >>> utf8_length("café")
    5
    """
    return len(text.encode("utf-8", "surrogatepass"))


def char_length(text: str) -> int:
    """Unicode code points, what Python's ``len`` counts."""
    return len(text)


def threads_length(text: str) -> int:
    """Threads' count: emoji count as many as their UTF-8 bytes, everything else 1.

    Meta documents only that "emojis are counted as the number of UTF-8 bytes"; an emoji
    sequence here is the same as for X (a flag or a family counts all its bytes).

    >>> threads_length("Halo 👋")
    9
    """
    if text.isascii():
        return len(text)
    length = len(text)
    for match in _EMOJI_SEQUENCE.finditer(text):
        emoji = match.group()
        length += utf8_length(emoji) - len(emoji)
    return length


# Mastodon's Account::MENTION_RE with its USERNAME_RE, and twitter-text's end_mention_match.
_MASTODON_MENTION: Final = regex.compile(
    r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.\-]+[a-z0-9_]+)?)(?:@[\w.\-]+\w+)?",
    regex.IGNORECASE,
)
_MENTION_INVALID_AFTER: Final = regex.compile(rf"[@\uff20{_LATIN_ACCENTS}]|://")


def _mastodon_entities(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, replacement)`` for every URL and mention, overlaps removed."""
    entities: list[tuple[int, int, str]] = [
        (start, end, "x" * MASTODON_URL_LENGTH)
        for start, end in (_url_spans(text, _MASTODON_URLS, bare=False) if "://" in text else ())
    ]
    if "@" in text:
        entities.extend(
            (match.start(), match.end(), "@" + match["user"])
            for match in _MASTODON_MENTION.finditer(text)
            if not _MENTION_INVALID_AFTER.match(text, match.end())
        )
    entities.sort()
    last_end = 0
    for entity in entities:
        if entity[0] >= last_end:
            yield entity
            last_end = entity[1]


def mastodon_length(text: str) -> int:
    """Mastodon's count: grapheme clusters, every URL 23, ``@user@domain`` counts as ``@user``.

    As in Mastodon's ``StatusLengthValidator``: links need a scheme (``https://``) to be
    shortened, and a content warning, if any, counts too (add its length yourself).

    >>> mastodon_length("Terima kasih @sari@batik.social!")
    19
    """
    pieces: list[str] = []
    position = 0
    for start, end, replacement in _mastodon_entities(text):
        pieces += (text[position:start], replacement)
        position = end
    pieces.append(text[position:])
    return grapheme_length("".join(pieces))


# A hashtag as twitter-text finds one: not glued to a word or an `&`, not the start of a
# keycap emoji, at least one letter, and not followed by another `#` or by `://`.
_HASHTAG: Final = regex.compile(
    r"(?<![\p{L}\p{M}\p{Nd}_&])[#\uff03](?![\uFE0F\u20E3])"
    r"(?P<tag>[\p{L}\p{M}\p{Nd}_\u200c\u200d]++)(?![#\uff03]|://)"
)
_LETTER: Final = regex.compile(r"\p{L}")


def hashtag_count(text: str) -> int:
    """How many hashtags `text` has (``#batik`` counts; ``#1`` and ``C#`` do not).

    >>> hashtag_count("#batik #Cikarang #1 C# #batik")
    3
    """
    if "#" not in text and "\uff03" not in text:
        return 0
    count = 0
    for match in _HASHTAG.finditer(text):
        tag = match["tag"]
        # An ASCII tag of letters only has a letter; the Unicode search is for the rest.
        if (tag.isascii() and tag.isalpha()) or _LETTER.search(tag):
            count += 1
    return count
