"""The starting taxonomy: themes with keywords in English, Russian, Lithuanian, Slovenian
and Hindi. The company edits it (/voice/themes/); this is only what a new installation
starts with."""

from __future__ import annotations

DEFAULT_THEMES: list[tuple[str, str, str]] = [
    (
        "waiting-time",
        "waiting time",
        """
        wait*, waited, on hold, hours, forty minutes, call back, callback, minutes, hour
        still waiting, still no, no answer, no reply, reply*, answered, respon*, queue
        same day, next day, quick*, fast, in no time, instantly, ages, forever, week*
        still nothing, nobody replied, no reply, slow*, late, days to answer
        жд*, ожида*, долго, перезвон*, на линии, недел*, висел, минут*, час*, ответ*
        очеред*, быстр*, сразу, мигом, вечност*, до сих пор, в тот же день, сутк*
        lauk*, ilgai, perskambin*, neatsakė, savait*, linijoje, minut*, valand*, atsaky*
        eil*, greit*, iškart, akimirksniu, amžinyb*, iki šiol, vis dar, tą pačią dieną, par*
        čaka*, dolgo, poklič*, odgovor*, ted*, na liniji, minut*, ur*, vrst*
        hitr*, takoj, v hipu, večnost*, še vedno, isti dan, naslednji dan
        इंतज़ार*, इंतजार*, देर, घंटे, वापस कॉल, जवाब नहीं, हफ़्ते, मिनट, जवाब, लाइन
        जल्दी, तुरंत, फटाफट, अब तक, अभी तक, उसी दिन, होल्ड, wait
        """,
    ),
    (
        "unexpected-charges",
        "unexpected charges",
        """
        charged, charge, extra fee*, hidden fee*, fee*, twice, refund*, bill, invoice error
        invoice, paid, subscription, commission, surcharge, service charge
        списали, спис*, плат*, скрыт*, дважды, счёт*, счет*, возврат*, комисс*, сбор*
        пробили, взяли деньги, сняли, подписк*
        nuskaič*, mokest*, paslėpt*, du kartus, grąžin*, sąskait*, išmušė, paėmė
        prenumerat*, sumokėj*
        bremen*, strošk*, skrit*, dvakrat, vračil*, račun*, zaračun*, provizij*
        naročnin*, plačal*
        शुल्क, काटे, काट, छिपे, दो बार, रिफ़ंड, बिल, पैसे वापस, फ़ीस, चार्ज, पैसे लिए
        सब्सक्रिप्शन, charge, paise
        """,
    ),
    (
        "delivery",
        "delivery",
        """
        deliver*, courier*, driver*, shipping, shipment, parcel*, package*, tracking
        достав*, курьер*, водител*, посылк*, отслежив*, привез*
        pristat*, kurjer*, vairuotoj*, siunt*, atvež*, atvažiav*
        dostav*, kurir*, voznik*, paket*, pošiljk*, sledenj*
        डिलीवरी, कूरियर, ड्राइवर, पार्सल, पैकेट, शिपिंग, ट्रैकिंग
        """,
    ),
    (
        "staff-attitude",
        "staff attitude",
        """
        rude, polite*, friendly, patient, unfriendly, attitude, hung up, kind
        staff, agent, cashier, consultant, adviser, advisor, manager, employee*, assistant
        salesman, saleswoman, installer, fitter, technician, operator, team, crew, courteous
        helpful, unhelpful, arrogant, ignored, guard
        груб*, нагруб*, вежлив*, хам*, терпелив*, добр*, бросила трубку, персонал*
        сотрудник*, продав*, кассир*, консультант*, оператор*, менеджер*, администратор*
        мастер*, сборщик*, грузчик*, охранник*, приветлив*, учтив*, надменн*, команд*
        nemandag*, mandag*, malon*, kantr*, numetė ragelį, personal*, darbuotoj*
        pardavėj*, kasinink*, konsultant*, operator*, vadov*, meistr*, montuotoj*
        surinkėj*, krovik*, apsaugin*, draugišk*, paslaug*, komand*
        nesramn*, vljudn*, prijazn*, potrpežljiv*, odložila, osebje, zaposlen*
        prodajal*, blagajni*, svetoval*, operater*, vodj*, monter*, serviser*
        dostavljavc*, varnostnik*, ustrežljiv*, ekip*
        बदतमीज़ी, विनम्र, दयालु, धैर्य, शिष्टता, फ़ोन काट, स्टाफ़, स्टाफ, कर्मचारी
        सेल्समैन, कैशियर, सलाहकार, एजेंट, ऑपरेटर, मैनेजर, मिस्त्री, फ़िटर, टीम, मिलनसार
        """,
    ),
    (
        "product-quality",
        "product quality",
        """
        broken, broke, cracked, scratched, quality, wobbl*, stopped working, defect*, pill
        lost its shape, missing, smell, solid, well made, veneer, sturdy, flimsy, faulty
        cracked, chipped, leak*, squeak*, peel*, warped, comfortable, uncomfortable, fell apart
        слома*, трес*, поцарап*, качеств*, шата*, перестал* работать, брак*, запах
        треснул*, скол*, протека*, скрип*, облеза*, прочн*, крепк*, хлипк*, удобн*, неудобн*
        sulūž*, nulūž*, įskil*, subraiž*, kokyb*, klib*, nustojo veikti, kvap*
        tvirt*, netvirt*, teka, girgžd*, lupasi, patog*, nepatog*, subyrėj*
        zlom*, počen*, opraskan*, kakovost*, maje, nehala delovati, vonj*
        trdn*, pušča, škripa*, lušči, udob*, neudob*, razpad*, kvalitet*
        टूट*, खरोंच, गुणवत्ता, हिलती, काम करना बंद, गंध, क्वालिटी, मज़बूत, चटक*
        लीक, आरामदायक, कमज़ोर, बदबू, quality
        """,
    ),
    (
        "price",
        "price",
        """
        price*, expensive, cheap*, overpriced, discount*, costs more, instalment*
        цен*, дорог*, дешев*, дешёв*, скидк*, стоит дороже
        kain*, brang*, pig*, nuolaid*
        cen*, drag*, predrag*, ceneje, popust*, stane
        कीमत*, दाम, महँगा, महंगा, सस्ते, सस्ता, छूट
        """,
    ),
    (
        "competitor",
        "competitor mentioned",
        """
        ikea, competitor*, another shop, other shop, other store, elsewhere
        конкурент*, другом магазине, соседнем магазине, икеа
        konkurent*, kitoje parduotuvėje, kaimyninėje parduotuvėje
        konkurenc*, drugi trgovini, sosednji trgovini
        प्रतिस्पर्धी, दूसरी दुकान, पास की दुकान
        """,
    ),
    (
        "need",
        "need/requirement",
        """
        we need, i need, would like, would be useful, please add, do you offer, could you
        нужен, нужна, нужно, хотел бы, было бы удобно, добавьте
        reikia, norėčiau, būtų patogu, pridėti
        potrebujem*, rad bi, bilo bi koristno, dodajte
        चाहिए, चाहता, उपयोगी होगा, जोड़ दीजिए
        """,
    ),
]


def install(theme_model) -> int:
    """Create the default themes that are missing (``theme_model`` may be the historical
    model of a migration). Returns how many were created."""
    created = 0
    for position, (code, name, keywords) in enumerate(DEFAULT_THEMES):
        lines = [
            item.strip()
            for line in keywords.strip().splitlines()
            for item in line.split(",")
            if item.strip()
        ]
        _, made = theme_model.objects.get_or_create(
            code=code, defaults={"name": name, "keywords": "\n".join(lines), "position": position}
        )
        created += made
    return created
