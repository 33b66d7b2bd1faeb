"""Reading sentiment the way customers write (pure: no Django import).

What a comment says is read in four steps, each of which also becomes a feature the
sentiment classifier (``voice.learning``) weighs:

1. **Normalised words**: casefolded, accents and the Devanagari nukta folded away (so
   "zaracunali" meets "zaračunali", "इंतजार" meets "इंतज़ार"), and stemmed per language
   by Snowball (English, Russian, Lithuanian, Hindi: PyStemmer) or lemmatised
   (Slovenian: simplemma). A token's script decides for Cyrillic and Devanagari, the
   comment's language for Latin letters.
2. **Lexicon and negation**: evaluative word stems in the five languages; a negator
   ("not", "не", "ne", "brez", "नहीं" after the verb in Hindi) turns praise into
   complaint and a complaint word into nothing.
3. **Service phrases**: what customers write without an evaluative word — charged
   without warning, nobody called, still waiting, late, twice, wrong or missing items;
   on time, solved in five minutes, the next day.
4. **Clauses**: a comment is split at contrast words ("but", "но", "bet", "ampak",
   "लेकिन"…); the last clause decides a mixed comment, earlier ones count a third.
   Sarcasm markers (🙄, "thanks for nothing", praise followed by a complaint) make
   praise words count against.

``rule_reading`` gives the rules' own verdict; ``features`` the symbolic features
(stems, negated stems, last-clause stems, phrase and rule names) the classifier learns
from beside character n-grams.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"

_FOLDED_MARKS = re.compile("[\u0300-\u036f\u093c]")
_DEVANAGARI_MARKS = "\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u200c\u200d"
_TOKEN = re.compile(rf"(?:[^\W_]|[{_DEVANAGARI_MARKS}])+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")


def fold(text: str) -> str:
    """Casefolded, without Latin/Cyrillic accents and the Devanagari nukta."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", _FOLDED_MARKS.sub("", decomposed))


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits of any script, vowel signs kept)."""
    return _TOKEN.findall(fold(text))


# -- stemming ---------------------------------------------------------------------------------

_SNOWBALL = {"en": "english", "ru": "russian", "lt": "lithuanian", "hi": "hindi"}
_local = threading.local()  # PyStemmer objects are not thread-safe: one set per thread


def _stemmer(language: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        # A C extension with its own start-up: loaded by the processes that analyse.
        import Stemmer

        stemmers[language] = Stemmer.Stemmer(_SNOWBALL[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def _stem_cached(word: str, language: str) -> str:
    if language == "sl":
        # Dictionary-based; loads the Slovenian dictionary on first use.
        import simplemma

        return fold(simplemma.lemmatize(word, lang="sl"))
    return fold(_stemmer(language).stemWord(word))


def stem(word: str, language: str | None) -> str:
    """The stem (or lemma) of a casefolded ``word``; the script of the word decides for
    Cyrillic and Devanagari, ``language`` for Latin letters."""
    if _CYRILLIC.search(word):
        language = "ru"
    elif _DEVANAGARI.search(word):
        language = "hi"
    elif language not in ("en", "lt", "sl"):
        return fold(word)
    return _stem_cached(word, language)  # type: ignore[arg-type]


# -- lexicon ------------------------------------------------------------------------------------
# Prefixes of folded words; "=" at the end means "exactly this word".

POSITIVE_WORDS = """
good great excellent wonderful perfect love loved lovely nice thank thanks thx happy
pleased amazing amazin awesome fantastic helpful friendly polite kind quick fast easy
recommend satisfied professional beautiful solid best super appreciate fair honest
convenient brilliant superb outstanding delighted impressed impressive gorgeous superb
smooth courteous patient comfortable comfy sturdy cheerful welcoming legend legit lit
glad pleasure pleasant efficient punctual spot= flawless stunning genius cosy cozy
top= gr8 luv well= bravo help helped calm spacious gem affordable
отличн хорош прекрасн замечательн спасибо спс благодар довол рад= рада= вежлив быстр
удобн идеальн нрав люблю обожа понравил рекоменд профессионал красив приятн честн
терпелив восторг супер класс шикарн великолепн чудесн потрясающ превосходн молодц
внимательн отзывчив аккуратн пунктуальн вовремя мигом моментальн оперативн круто
браво здорово лучш радушн приветлив гениальн уютн помог помощ спокойн понятн
вместительн добротн расторопн шустр любезн доступн
puik geras gera gerai geri geriaus nuostab ačiu aciu dėkoj dekoj dekui patenkint malon
greit patog tobul patinka patiko rekomenduoj profesional graž graz sąžining sazining
kantr sužavėt suzavet super šaunu saunu šaun saun dievin mėgst megst įspūding ispuding
fantastišk fantastisk paslaug mandag dėmesing demesing tvarking kruopšt kruopst
punktual laiku klasė klase bravo nepriekaištin nepriekaistin jauk šilt silt padėj padej
pagalb ram= rami ramus aišk aisk draugišk draugisk talp vikr prieinam
odličn odlicn dober dobra dobro hval čudovit cudovit zadovolj prijaz prijet hiter hitr
hitro priročn priroc popoln všeč vsec priporoč priporoc profesionaln lep= lepa lepo
lepe pošten posten potrpežljiv potrpezljiv navdušen navdusen super vljudn krasn
vrhunsk izjemn fenomenaln obožuj obozuj pozorn ustrežljiv ustrezljiv učinkovit
ucinkovit točn tocn pravočasn pravocasn bravo brezhibn prečudovit precudovit car=
genialn top= kul= toplo pomaga pomagal pomoč pomoc mirn jasn prostorn skrbn dostopn
धन्यवाद धन्यावाद शुक्रिया शुक्रीया अच्छा अच्छी अच्छे अचछी बढ़िया बढिया शानदार बेहतरीन खुश
पसंद सुंदर सुदंर आसान जल्दी जलदी विनम्र मददगार ईमानदार उचित दयालु सुविधाजनक मज़बूत
मजबूत धैर्य बेहतर कमाल लाजवाब उम्दा ज़बरदस्त जबरदस्त जबरदसत शाबाश मस्त प्यार प्यारी
प्यारे मिलनसार फुर्ती तमीज़ तमीज शालीन उत्कृष्ट अद्भुत आरामदायक किफ़ायती किफायती
वसूल संतुष्ट सुखद गर्मजोशी मदद शांत साफ़ सावधान
badhiya shukriya dhanyavad zabardast mast maza
otlichno spasibo molodcy klass super kruto
""".split()  # noqa: SIM905

NEGATIVE_WORDS = """
bad terrible awful horrible worst worse poor broken broke brokn brok damaged late delay
delayed rude rud never nobody nobdy disappoint dissapoint angry annoyed unacceptable
ridiculous waste slow wait waiting waited wating waitng complaint problem crash
scratches scratch ages= thief noisy uncomfortable unstable stain stained sticky blame
missing wrong cheap scratched cracked craked crashed dirty unbearable confusing hidden
twice twise expensive overpriced lost fraud scam disgusting disgusted useless cancelled
refused hung stopped wobbles wobbly tear regret furious frustrated frustrating
disaster dreadful appalling shocking rubbish mess chaotic careless dismissive
unprofessional unhelpful helpless faulty flimsy unstable warped peeling leaks
leaking snapped sags faded fails failed failing dead died nightmare joke rip
ripoff outrageous arrogant impatient ignored ignoring upset sad lumpy uncomfortable
crushed dented torn soaked chipped smells stinks avoid meh smh wtf wth worthless
nonsense horrendous pathetic
плох ужас отврат кошмар худш сломал сломан слoм сламал поврежд опозд опаздал задерж
груб никто никогда разочар недовол возмут хамств хамил нахамил безобраз медлен ждал
жду ожидан проблем жалоб ошибк дешёв дешев поцарап трес грязн невыносим запутан скрыт
дважды дваджы дорог дорого потерял обман бесполезн отменил отказал зависал выкид
шатает криво смешно обрыв издевательств бардак хлам ерунд развод сдох глючит
вылетает бесит злюсь злой бешенств надменн небрежн хлипк облезает протекает
воняет продавил выцвел помял помят раздавлен игнорир жаль жалею обидно печальн
противно отчаян наплевать uzhas plokho slomal opozdal izdevatelstvo nikogda скрип
ад= ада= нервнич перебив царапин вечност неудобн комковат вор= вора= кривой виноват
blog siaub baisu blogiaus sulūž suluz sulužo sugad vėl= vel= vėlav velav vėluo veluo
nemandag niekas niekada nusivyl pikt nepriimtin lėt= lėtai lėta letai laukiau laukiu
problem skund trūksta truksta netinkam pig subraiž subraiz įskil iskil purvin
nepakeliam painio paslėpt paslept brang pamest apgav atšauk atsauk atsisak užstrig
uzstrig klib kreiv juoking nutrūk nutruk neatsak neveik nebeveik prastėj prast
šlamšt slamst bjaur šiurp siurp košmar kosmar chaotišk chaotisk aplaid arogant nekantr
įsiut isiut apmaud liūdn liudn ignoravo sutraišk sutraisk suplyš suplys dvok teka
gaila gailiuosi pasityčiojim pasityciojim apiplėšim apipleisim nešvar nesvar baisi baisus
girgžd girgzd užlūž uzluz įbrėž ibrez amžinyb amzinyb lupasi neatsarg įlenk ilenk
siūbuo siubuo pažeist pazeist vag= vagim vagis
slab grozn najslabš najslabs zlomil zlomljen zlomlen poškod poskod zamud zamuj
nesramn nihče nihce nikoli razočar razocar jezen nesprejemljiv počas pocas čakal
cakal čakam cakam težav tezav pritož pritoz manjka napačn napacn poceni opraskan
počen pocen umazan neznosen zmeden skrit dvakrat drag= draga drago predrag izgubil
prevar preklic sesul maje postrani smešn smesn prekinil slabš slabs beden bedn
katastrof kramarij malomarn zanič zanic oderušt oderust šrot srot crknil zgrožen
zgrozen obupan grozljiv aroganten nestrpn škripa skripa lušči lusci zmečkan zmeckan
smrdi pušča pusca žalost zalost obžaluj obzaluj norčevanj norcevanj posmeh nore= nor=
kaos sesuje večnost vecnost majav grudast neudob narobe tat= tatu
ख़राब खराब बेकार बुरा बुरी घटिया टूट टूटा टूटी टुट देर देरी बदतमीज़ी बदतमीजी बदतमीज
निराश गुस्सा नाराज़ नाराज धीमा धीमे इंतज़ार इंतजार समस्या शिकायत गायब गलत सस्ते खरोंच
गंदा गंदी असहनीय उलझी छिपे महँगा महंगा धोखा रद्द मना हिलती टेढ़ी टेढ़े हास्यास्पद कट
बिगड़ भयानक बर्बादी पछता परेशान परेशानी लापरवाह रूखे झुँझला घमंडी लूट कबाड़ घिन
चरमरा पिचका चटका बदबू लीक मुसीबत अफ़सोस अफसोस दुख बेतुके कमज़ोर कमजोर असुविधा
ऊबड़ चोर उतरने
bekar kharab ghatiya
""".split()  # noqa: SIM905

NEGATORS = frozenset(
    """not no never don't didn't isn't wasn't doesn't dont didnt isnt wasnt doesnt
    cannot can't cant won't wont without
    не нет ни без ne nė nebuvo be ni nisem nismo brez niti nahi nahin
    नहीं नही न मत बिना""".split()
)
_HINDI_POST_NEGATORS = frozenset({"नहीं", "नही", "न", "nahi", "nahin"})
_OPEN_NEGATORS = frozenset(fold(w) for w in "without без be brez बिना no".split())
_NOT_REVERSED = frozenset({"никто", "niekas", "nihce", "nobody", "never", "никогда"})
INTENSE = tuple(
    fold(w)
    for w in """never worst terrible disgusting unacceptable ridiculous scam fraud lawyer
    furious appalling ужасн отвратит кошмар никогда безобраз siaubing niekada baisu grozn
    nikoli nesprejemljiv बेकार घटिया कभी भयानक""".split()
)
EMOJI_NEGATIVE = frozenset("😡😠🤬😤😞😢😭👎💩😒🙁☹😣😖😫😩🙄🤮😔😟😕😑")
EMOJI_POSITIVE = frozenset("😀😃😄😁😊🙂😍🥰👍❤💯🎉😎🤩👏🙏👌🤗😘💪⭐🌟💖💕♥")


def _prefixes(entries: Iterable[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    stems, exact = [], set()
    for entry in entries:
        folded = fold(entry)
        (exact.add(folded[:-1]) if folded.endswith("=") else stems.append(folded))
    return tuple(stems), frozenset(exact)


_POS_STEMS, _POS_EXACT = _prefixes(POSITIVE_WORDS)
_NEG_STEMS, _NEG_EXACT = _prefixes(NEGATIVE_WORDS)


@lru_cache(maxsize=200_000)
def polarity(word: str) -> int:
    """+1, -1 or 0 for a folded word."""
    if word in _NEG_EXACT:
        return -1
    if word in _POS_EXACT:
        return 1
    if word.startswith(_NEG_STEMS):
        return -1
    if word.startswith(_POS_STEMS):
        return 1
    # Lithuanian and Slovenian negate with a prefix: "nepatiko", "nezadovoljen".
    if len(word) > 4 and word.startswith("ne") and word[2:].startswith(_POS_STEMS):
        return -1
    return 0


# -- service phrases ------------------------------------------------------------------------------
# Regular expressions over the folded tokens joined by single spaces (with a space at
# each end), so " word " is a whole word and "stem" a word start. Each has a name (a
# feature of its own) and a polarity.

_NUMBER = (
    r"(?:\d+|a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|couple of|few|"
    r"одн\w*|дв\w*|тр\w*|пят\w*|десят\w*|пар\w*|vien\w*|dv\w*|tri\w*|penk\w*|"
    r"dešimt\w*|desimt\w*|por\w*|en\w*|dve\w*|pet\w*|deset\w*|par|"
    r"एक|दो|तीन|पाँच|पांच|दस|कुछ)"
)
_MINUTES = (
    r"(?:min\w*|hours?|hour|day|минут\w*|час\w*|сут\w*|дн\w*|minut\w*|valand\w*|dien\w*|"
    r"par\w*|ur\w*|dne\w*|मिनट|मिनिट|घंटे|दिन)"
)

SERVICE_PHRASES: tuple[tuple[str, int, str], ...] = (
    # Charged or changed without warning.
    (
        "no-warning",
        -1,
        r" (?:without|no) (?:any |prior |a )?(?:warning|notice|notification|"
        r"telling|asking|consent|explanation)",
    ),
    (
        "no-warning",
        -1,
        r" без (?:всяк\w+ |как\w+ |моего |моег\w+ )?(?:предупрежд|уведомл|"
        r"соглас|объяснен|спрос)",
    ),
    (
        "no-warning",
        -1,
        r" be (?:jokio |jokiu |mano )?(?:ispej|persp?ej|perspej|sutikim|"
        r"paaiskin|pranes)",
    ),
    (
        "no-warning",
        -1,
        r" brez (?:kakrsnega koli |vsakega |mojega |kakrsnegakoli )?"
        r"(?:opozor|obvestil|obvescanj|soglasj|pojasnil|vprasanj)",
    ),
    (
        "no-warning",
        -1,
        r" (?:बिना (?:कोई |किसी )?(?:सूचना|बताए|बताये|पूछे|जानकारी)|"
        r"bina (?:bataye|bataaye|puche))",
    ),
    (
        "not-told",
        -1,
        r" (?:nobody|no one|no-one|never) (?:told|mentioned|said|warned|"
        r"explained|informed)",
    ),
    ("not-told", -1, r" (?:никто|ничего) не (?:сказал|предупред|говорил|объясн|сообщ)"),
    (
        "not-told",
        -1,
        r" (?:niekas|nieko) (?:nesake|neperspejo|neispejo|nepaaiskino|"
        r"nepranese)",
    ),
    (
        "not-told",
        -1,
        r" (?:nihce|nic) (?:ni|niso|mi ni) (?:rekel|povedal|opozoril|pojasnil|"
        r"govoril|omenil)",
    ),
    ("not-told", -1, r" किसी ने (?:नहीं |नही )?(?:बताया|समझाया)"),
    # Nobody called / answered.
    (
        "not-called",
        -1,
        r" (?:nobody|no one|no-one|never|didn't|didnt|did not|not) "
        r"(?:\w+ )?(?:call|called|rang|phoned|answer|answers|answered|replied|reply|"
        r"picks up|show|showed|came|turned up)",
    ),
    (
        "not-called",
        -1,
        r" (?:никто|так и) (?:не |так и не |мне не )?"
        r"(?:позвон|перезвон|ответ|приехал|пришел|пришёл|берет|берёт|атвечает)",
    ),
    (
        "not-called",
        -1,
        r" не (?:позвонил|перезвонил|ответил|приехал|пришел|пришёл|"
        r"предупредил|берет|берёт)",
    ),
    (
        "not-called",
        -1,
        r" (?:niekas |taip ir )?(?:nepaskambino|neperskambino|neatsake|"
        r"neatvaziavo|neatvyko|neatsiliepe|nekelia|neatsako|neatskambino)",
    ),
    (
        "not-called",
        -1,
        r" (?:nihce|nobeden|ni|niso|me ni|mi ni) (?:me |mi |se |nazaj )?"
        r"(?:poklical|poklicali|odgovoril|odgovorili|oglasil|oglasi|prisel|prisli|"
        r"prišel|sporocil)",
    ),
    (
        "not-called",
        -1,
        r" (?:किसी ने|कोई) (?:भी )?(?:फ़ोन|फोन|कॉल|जवाब)? ?"
        r"(?:नहीं|नही)",
    ),
    ("not-called", -1, r" (?:aaya|aayi|kiya|call) (?:hi |bhi )?nahi"),
    (
        "no-reply",
        -1,
        r" (?:no|not a single|without|any) (?:\w+ )?(?:reply|answer|response|"
        r"callback|word)",
    ),
    (
        "no-reply",
        -1,
        r" (?:нет|ни одного|никакого|без|так и нет) (?:\w+ )?"
        r"(?:ответ|звонк|реакц)",
    ),
    ("no-reply", -1, r" (?:ne|nė|jokio|nera|nėra) (?:vieno )?(?:atsakym|skambuc)"),
    ("no-reply", -1, r" (?:niti enega|ni|brez|se ni) (?:\w+ )?(?:odgovor|klic)"),
    ("no-reply", -1, r" (?:जवाब|उत्तर) (?:नहीं|नही)"),
    ("no-reply", -1, r" (?:कोई|एक का भी) (?:जवाब|उत्तर)"),
    # Still waiting; since Monday; for weeks.
    (
        "still-waiting",
        -1,
        r" (?:still|yet to|keep) (?:no |nothing|waiting|wating|"
        r"no reply|no answer|not|open|haven't|hasn't|have not|has not)",
    ),
    (
        "still-waiting",
        -1,
        r" (?:до сих пор|все еще|всё ещё|по-прежнему|так и не|уже|"
        r"опять) (?:\w+ )?(?:жд|нет|не |тишин|ничего|открыт)",
    ),
    ("still-waiting", -1, r" (?:до сих пор|так и не|тишина)"),
    (
        "still-waiting",
        -1,
        r" (?:vis dar|iki siol|tebe|vis dar ne|jau) (?:\w+ )?(?:laukiu|"
        r"nera|ne|neisspr|tyla|nieko|atidar)",
    ),
    ("still-waiting", -1, r" (?:iki siol|vis dar|tyla|taip ir ne)"),
    (
        "still-waiting",
        -1,
        r" (?:se vedno|še vedno|vedno se|ze) (?:\w+ )?(?:cakam|ni|nic|"
        r"tisina|odprt|ne)",
    ),
    ("still-waiting", -1, r" (?:se vedno|še vedno|tisina)"),
    ("still-waiting", -1, r" (?:अब तक|अभी तक|अभी भी|अब भी|abhi tak|ab tak)"),
    (
        "since-when",
        -1,
        r" (?:since|for) (?:monday|tuesday|wednesday|thursday|friday|"
        r"saturday|sunday|last|\d+|weeks|days|months|august|ages|forever|\w+ weeks|"
        r"\w+ days|\w+ hours)",
    ),
    (
        "since-when",
        -1,
        r" (?:с|уже) (?:понедельник|вторник|сред|четверг|пятниц|суббот|"
        r"воскресен|прошл|август|\d+|недел|месяц|вечност|целую|восьми)",
    ),
    (
        "since-when",
        -1,
        r" nuo (?:pirmadien|antradien|treciadien|ketvirtadien|penktadien|"
        r"sestadien|sekmadien|praej|rugpj|\d+|astunt)",
    ),
    (
        "since-when",
        -1,
        r" od (?:ponedeljk|torka|srede|cetrtk|petka|sobote|nedelje|"
        r"prejsnj|avgust|\d+|osmih)",
    ),
    ("since-when", -1, r" (?:सोमवार|मंगलवार|बुधवार|पिछले|अगस्त|\d+|सुबह) (?:\w+ )?से"),
    ("since-when", -1, r" (?:हफ़्ते|हफ्ते|हफते|दिन|महीने|घंटे) (?:से|हो गए|हो गया)"),
    ("since-when", -1, r" kab se"),
    (
        "on-hold",
        -1,
        r" (?:on hold|in the queue|in a queue|на линии|в очереди|висел|"
        r"linijoje|eileje|na liniji|cakalni vrsti|होल्ड|लाइन पर)",
    ),
    (
        "dropped",
        -1,
        r" (?:line (?:went dead|dropped)|call dropped|hung up|звонок (?:сбросил|"
        r"оборвал)|бросил\w* трубк|rysys nutruk|numete rageli|zveza prekinil|prekinilo|"
        r"(?:कॉल|फ़ोन|फोन) कट)",
    ),
    # Late / early / on time.
    ("late", -1, r" (?:late|later than|delayed|overdue|hours late|came at|arrived at) "),
    ("late", -1, r" (?:опозд|опаздал|задерж|позже|пришло через)"),
    ("late", -1, r" (?:velav|veluo|velu|veluoja|veliau)"),
    ("late", -1, r" (?:zamud|zamuj|prepozn|kasn)"),
    ("late", -1, r" (?:देर|लेट|late)"),
    (
        "on-time",
        1,
        r" (?:on time|on schedule|in time|right on|spot on|punctual|"
        r"exactly (?:when|at|on)|as promised|as agreed|agreed time|earlier than|a day early|"
        r"arrived early|came early)",
    ),
    (
        "on-time",
        1,
        r" (?:вовремя|по графику|в срок|точно (?:в|к|по)|минута в минуту|"
        r"как и обещали|раньше срока|раньше обещанного|на день раньше)",
    ),
    (
        "on-time",
        1,
        r" (?:laiku|pagal grafika|tiksliai|minute i minute|kaip ir zadejo|"
        r"kaip ir zadeta|anksciau|sutartu laiku)",
    ),
    (
        "on-time",
        1,
        r" (?:pravocasno|tocno|na minuto|kot so obljubili|kot obljubljeno|"
        r"po urniku|dan prej|prej kot)",
    ),
    (
        "on-time",
        1,
        r" (?:समय पर|समय से|ठीक (?:समय|बताए)|वादे के मुताबिक|समय की पाबंद|"
        r"तय समय|time pe|time par|एक दिन पहले)",
    ),
    # Solved quickly.
    (
        "fast",
        1,
        rf" (?:in|within|under|after) (?:just |only |about |no |a )?{_NUMBER}? ?"
        rf"{_MINUTES}",
    ),
    (
        "fast",
        1,
        r" (?:same day|next day|same afternoon|no time|straight away|right away|"
        r"immediately|instantly|instant|first call|one call|in minutes|quickly|quick|"
        r"in and out|no queue)",
    ),
    (
        "fast",
        1,
        rf" (?:за|через|в течение) (?:всего |пару |пять |десять |\d+ )?"
        rf"{_NUMBER}? ?{_MINUTES}",
    ),
    (
        "fast",
        1,
        r" (?:в тот же день|на следующий день|с первого звонка|один звонок|"
        r"сразу|мигом|моментально|в течение часа|никакой очереди)",
    ),
    ("fast", 1, rf" (?:per|po) (?:\w+ )?{_MINUTES}"),
    (
        "fast",
        1,
        r" (?:ta pacia diena|kita diena|per para|pirma skambuti|vienas skambutis|"
        r"iskart|akimirksniu|jokios eiles)",
    ),
    ("fast", 1, rf" (?:v|čez|cez|po) (?:\w+ )?{_MINUTES}"),
    (
        "fast",
        1,
        r" (?:isti dan|naslednji dan|isto popoldne|prvem klicu|en klic|takoj|"
        r"v hipu|nobene vrste)",
    ),
    ("fast", 1, rf" {_NUMBER} {_MINUTES} (?:में|मे|के अंदर)"),
    (
        "fast",
        1,
        r" (?:उसी दिन|अगले (?:ही )?दिन|पहली (?:ही )?कॉल|एक फ़ोन|तुरंत|झट|"
        r"फटाफट|कोई लाइन नहीं|jaldi)",
    ),
    (
        "solved",
        1,
        r" (?:solved|fixed|sorted|resolved|replaced|refunded|got my refund|"
        r"sorted it|took care)",
    ),
    ("solved", 1, r" (?:решил|исправил|уладил|починил|вернули|заменил|разобрал|управил)"),
    ("solved", 1, r" (?:isspren|sutvark|sutais|grazino|pakeite|istaise)"),
    ("solved", 1, r" (?:resen|resil|uredil|popravil|vrnili|zamenjal|urejen)"),
    ("solved", 1, r" (?:सुलझ|ठीक कर|हल हो|बदल दिया|वापस आ गए|रिफ़ंड मिल)"),
    # Charged twice / more than shown.
    (
        "worth-it",
        1,
        r" (?:worth it|worth every|worth the|того стоит|стоит каждого|verta|vertas|"
        r"vredn|splaca|वसूल|लायक)",
    ),
    (
        "broken-promise",
        -1,
        r" (?<!as )(?<!и )(?<!ir )(?<!so )(?<!je )(?:promised|said|told me|"
        r"обещал|сказали|zadej|sake|obljubil|rekli|वादा(?! के)|कहा था)\w*",
    ),
    (
        "bill-surprise",
        -1,
        r" (?:surprise|сюрприз|siurpriz|presenecenj|सरप्राइज़) (?:\w+ )?"
        r"(?:on|in|в|на|v|\w+) ?(?:\w+ )?(?:bill|invoice|счет|счете|saskait|racun|बिल)",
    ),
    (
        "twice",
        -1,
        r" (?:twice|two times|double charged|charged double|дважды|два раза|"
        r"du kartus|dvakrat|दो बार)",
    ),
    (
        "overcharged",
        -1,
        r" (?:charged|paid|took|cost|billed|higher|пробили|взяли|сняли|"
        r"списали|насчитали|ismuse|paeme|nuskaic|zaracunal|vzeli|लिए|काट)\w* (?:\w+ )?(?:\w+ )?"
        r"(?:more|больше|daugiau|vec|ज़्यादा|ज्यादा)",
    ),
    # Wrong or missing.
    (
        "wrong-missing",
        -1,
        r" (?:wrong|missing|instead of|another model|different model|"
        r"another city|другой город|kita miesta|drugo mesto|दूसरे शहर|"
        r"half of|half the)",
    ),
    (
        "wrong-missing",
        -1,
        r" (?:не (?:тот|ту|то|тем)|не хватает|нет в|другой модели|"
        r"половин|чужому|чужой)",
    ),
    (
        "wrong-missing",
        -1,
        r" (?:ne tos|ne tuo|ne ta|trūksta|truksta|kito modelio|pusės|"
        r"puses)",
    ),
    ("wrong-missing", -1, r" (?:napacn|manjka|drug model|polovica)"),
    ("wrong-missing", -1, r" (?:गलत|कम (?:हैं|है|था)|और मॉडल|आधी|आधा)"),
    # Had to do our work.
    (
        "had-to",
        -1,
        r" (?:had to|have to|i had|пришлось|teko|moral sem|morala sem|"
        r"करना पड़ा|समझानी पड़ी|माँगने पड़े)",
    ),
    (
        "again",
        -1,
        r" (?:again|once more|the third|every time|опять|снова|вновь|третий|"
        r"каждый раз|vel|velgi|trecia|kiekviena karta|spet|tretji|vsakic|फिर से|हर बार|तीसरा)",
    ),
    (
        "myself",
        -1,
        r" (?:myself|by myself|самому|самой|сам |pats |paciam|paciai|sam |sama |"
        r"खुद)",
    ),
)
# Answers that say there is nothing to say: no sentiment, whatever their words.
_NOTHING_TO_SAY = re.compile(
    fold(
        r"^(?:no comments?|nothing (?:to add|special|more)|that'?s all|as usual|"
        r"без комментариев|ничего особенного|добавить нечего|это всё|это все|как обычно|"
        r"be komentaru|nieko ypatingo|nera ka pridurti|tai viskas|kaip visada|"
        r"brez komentarja|nic posebnega|nimam kaj dodati|to je vse|kot vedno|"
        r"कोई टिप्पणी नहीं|कुछ खास नहीं|और कुछ नहीं कहना|बस इतना ही|हमेशा की तरह)[.!। ]*$"
    )
)

PHRASE_SIGN = {name: sign for name, sign, _pattern in SERVICE_PHRASES}
_PHRASES = tuple((name, sign, re.compile(fold(pattern))) for name, sign, pattern in SERVICE_PHRASES)

# Contrast words that start the deciding clause; the weak ones only after a comma
# (Russian/Slovenian "а/a" and Hindi "पर" are also "and"/"on").
_STRONG_CONTRAST = (
    "but however nevertheless still но однако зато тем не менее bet tačiau taciau vis "
    "delto ampak vendar toda लेकिन मगर परंतु पर फिर भी phir bhi lekin magar par"
)
_WEAK_CONTRAST = "though although yet хотя а nors o a čeprav ceprav हालाँकि हालांकि"
_CONTRAST = re.compile(
    r"(?:^|\s)(?:"
    + "|".join(re.escape(fold(w)) for w in _STRONG_CONTRAST.split() if w not in ("पर", "par"))
    + r")\b|,\s*(?:"
    + "|".join(re.escape(fold(w)) for w in _WEAK_CONTRAST.split() + ["पर", "par"])
    + r")\s"
)
_SARCASM = re.compile(
    fold(
        r"🙄|yeah,? right|said no one|thanks for nothing|sure you will|as if|\.\.\. ?not\b|"
        r"спасибо за ничего|ага,? щас|ну да|ну конечно|конечно,|ačiū už nieką|aciu uz nieka|"
        r"\baha\b|na taip|žinoma,|zinoma,|hvala za nič|hvala za nic|ja ja|pa ja|seveda,|"
        r"^sure,|how fast|как быстро|kaip greita|kako hitro|कितनी तेज़ी|"
        r"कुछ न करने के लिए|हाँ हाँ|हाँ जी|ज़रूर।|ज़रूर\.|\bhaan haan\b"
    )
)
_OPENING_PRAISE = re.compile(
    fold(
        r"^(?:oh,? )?(?:great|wonderful|brilliant|perfect|fantastic|amazing|lovely|well done|"
        r"wow|nice|super|love|thanks for|thank you for|so nice|"
        r"ну супер|прелестно|вау|гениально|отлично|замечательно|прекрасно|обожаю|браво|мило|"
        r"спасибо, что|как мило|о, прекрасно|"
        r"na super|puiku|oho|genialu|nuostabu|dievinu|bravo|miela|aciu, kad|kaip miela|"
        r"no super|krasno|vau|genialno|odlicno|cudovito|obozujem|lepo|hvala, ker|kako lepo|"
        r"वाह|बहुत खूब|शानदार|कमाल|बढ़िया|शाबाश)\b"
    )
)
_ANOTHER = re.compile(fold(r"\b(?:another|опять|снова|ещё|еще|vel|dar|spet|se en|फिर|एक और)\b"))
_QUOTED = re.compile(r"[\"“«„][^\"”»“]{3,60}[\"”»“]")


@dataclass(frozen=True)
class Reading:
    """The rules' verdict on one comment."""

    label: str
    score: float  # weighted polarity, unbounded; > 0 praise
    phrases: tuple[str, ...]  # names of the service phrases found
    sarcasm: bool
    intense: bool
    contrast: bool
    decided_by_clause: bool = False  # a contrast, and the last clause is clearly polar


def clauses(folded: str) -> list[str]:
    """The comment cut at contrast words: the last part is the deciding clause."""
    parts, start = [], 0
    for match in _CONTRAST.finditer(folded):
        if match.start() > start:
            parts.append(folded[start : match.start()])
        start = match.end()
    parts.append(folded[start:])
    return [p for p in parts if p.strip()] or [folded]


def _clause_score(words: list[str]) -> tuple[float, float, list[int]]:
    """(praise, complaint, per-word polarity after negation) of one clause."""
    praise = complaint = 0.0
    signs = []
    for i, word in enumerate(words):
        sign = polarity(word)
        if sign and word in NEGATORS and any(polarity(w) for w in words[i + 1 : i + 4]):
            sign = 0  # "never disappoints": the negator only turns the word after it
        if sign:
            before = words[max(0, i - 3) : i]
            after = words[i + 1 : i + 3]
            negated = word not in NEGATORS and any(w in NEGATORS for w in before)
            if not negated and sign > 0 and any(w in _HINDI_POST_NEGATORS for w in after):
                negated = True
            if negated and sign > 0:
                sign = -1
            elif negated and sign < 0 and word not in _NOT_REVERSED:
                sign = 1  # "without problems", "never disappoints", "not bad"
        signs.append(sign)
        if sign > 0:
            praise += 1
        elif sign < 0:
            complaint += 1
    # A negated event ("it never came", "не применилась"): a weak complaint.
    events = sum(
        1
        for i, word in enumerate(words)
        if word in NEGATORS and word not in _OPEN_NEGATORS and not any(signs[i + 1 : i + 3])
    )
    return praise, complaint + 0.5 * events, signs


def rule_reading(text: str) -> Reading:
    """Lexicon, negation, service phrases, clause weights, emoji and sarcasm combined."""
    folded = fold(text)
    if _NOTHING_TO_SAY.match(folded.strip()):
        return Reading(NEUTRAL, 0.0, (), False, False, False)
    parts = clauses(folded)
    weights = [0.25] * (len(parts) - 1) + [1.0]
    score = 0.0
    found: list[str] = []
    complaint_seen = False
    last_score = 0.0
    for part, weight in zip(parts, weights, strict=True):
        words = _TOKEN.findall(part)
        praise, complaint, _signs = _clause_score(words)
        joined = " " + " ".join(words) + " "
        here = {name for name, _sign, pattern in _PHRASES if pattern.search(joined)}
        found += sorted(here)
        phrase_score = float(sum(PHRASE_SIGN[name] for name in here))  # each phrase once
        complaint_seen = complaint_seen or complaint > 0 or phrase_score < 0
        last_score = praise - complaint + 1.5 * phrase_score
        score += weight * last_score
    emoji = sum(1.5 for ch in text if ch in EMOJI_POSITIVE) - sum(
        1.5 for ch in text if ch in EMOJI_NEGATIVE
    )
    score += emoji
    opening = _OPENING_PRAISE.search(folded)
    sarcasm = bool(_SARCASM.search(folded)) or (
        bool(opening) and (complaint_seen or bool(_ANOTHER.search(folded[opening.end() :])))
    )
    if _QUOTED.search(text) and complaint_seen:
        sarcasm = True
    if sarcasm and score > -1:
        score = -1.0 - abs(score) * 0.5
    all_words = _TOKEN.findall(folded)
    intense = any(w.startswith(INTENSE) for w in all_words)
    shouting = len(re.findall(r"\b[A-ZА-ЯЁ]{4,}\b", text)) >= 2 or "!!" in text
    label = NEGATIVE if score < -0.25 else POSITIVE if score > 0.25 else NEUTRAL
    return Reading(
        label,
        round(score, 3),
        tuple(dict.fromkeys(found)),
        sarcasm,
        label == NEGATIVE and (intense or shouting),
        len(parts) > 1,
        len(parts) > 1 and not sarcasm and abs(last_score) >= 1 and (last_score > 0) == (score > 0),
    )


def features(text: str, language: str | None) -> str:
    """Symbolic features of a comment, space-separated, for the classifier: stems,
    ``n:`` negated stems, ``l:`` stems of the deciding clause, ``p:`` service phrases,
    ``r:`` the rules' verdict, ``s:`` polarity words, emoji and sarcasm markers."""
    folded = fold(text)
    parts = clauses(folded)
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        words = _TOKEN.findall(part)
        _praise, _complaint, signs = _clause_score(words)
        negate_left = 0
        for i, word in enumerate(words):
            if word in NEGATORS:
                negate_left = 3
                out.append("neg")
                continue
            root = stem(word, language)
            if negate_left:
                out.append("n:" + root)
                negate_left -= 1
            else:
                out.append(root)
            if last and len(parts) > 1:
                out.append("l:" + root)
            if signs[i]:
                tag = "s:+" if signs[i] > 0 else "s:-"
                out.append(tag)
                if last:
                    out.append("l" + tag)
    reading = rule_reading(text)
    out += ["p:" + name for name in reading.phrases]
    out.append("r:" + reading.label[:3])
    if reading.sarcasm:
        out.append("sarcasm")
    if reading.contrast:
        out.append("contrast")
    out += ["e:+" for ch in text if ch in EMOJI_POSITIVE]
    out += ["e:-" for ch in text if ch in EMOJI_NEGATIVE]
    if "?" in text:
        out.append("question")
    if "!" in text:
        out.append("exclaim")
    return " ".join(out)
