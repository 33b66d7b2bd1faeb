"""The words and phrases sentiment is read by, in English, Russian, Lithuanian,
Slovenian and Hindi (data only; ``voice.sentiment`` folds and compiles them).

Written from general knowledge of the languages and tuned on the development set
(``data/sentiment_dev.tsv``), never on the held-out set."""

from __future__ import annotations

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
    नहीं नही न मत बिना""".split()  # noqa: SIM905
)
EMOJI_NEGATIVE = frozenset("😡😠🤬😤😞😢😭👎💩😒🙁☹😣😖😫😩🙄🤮😔😟😕😑")
EMOJI_POSITIVE = frozenset("😀😃😄😁😊🙂😍🥰👍❤💯🎉😎🤩👏🙏👌🤗😘💪⭐🌟💖💕♥")

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
