"""The starting taxonomy: themes with keywords in English, Russian, Lithuanian, Slovenian
and Hindi. The company edits it (/voice/themes/); this is only what a new installation
starts with."""

from __future__ import annotations

DEFAULT_THEMES: list[tuple[str, str, str]] = [
    (
        "waiting-time",
        "waiting time",
        """
        wait*, waited, on hold, hours, forty minutes, call back, callback
        still nothing, nobody replied, no reply, slow*, late, days to answer
        жд*, ожида*, долго, перезвон*, на линии, недел*, висел
        lauk*, ilgai, perskambin*, neatsakė, savait*, linijoje
        čaka*, dolgo, poklič*, odgovori*, ted*, na liniji
        इंतज़ार*, इंतजार*, देर, घंटे, वापस कॉल, जवाब नहीं, हफ़्ते
        """,
    ),
    (
        "unexpected-charges",
        "unexpected charges",
        """
        charged, charge, extra fee*, hidden fee*, fee*, twice, refund*, bill, invoice error
        списали, спис*, плат*, скрыт*, дважды, счёт*, возврат*
        nuskaič*, mokest*, paslėpt*, du kartus, grąžin*, sąskait*
        bremen*, strošk*, skrit*, dvakrat, vračil*, račun*
        शुल्क, काटे, छिपे, दो बार, रिफ़ंड, बिल, पैसे वापस
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
        груб*, нагруб*, вежлив*, хам*, терпелив*, добр*, бросила трубку
        nemandag*, mandag*, malon*, kantr*, numetė ragelį
        nesramn*, vljudn*, prijazn*, potrpežljiv*, odložila
        बदतमीज़ी, विनम्र, दयालु, धैर्य, शिष्टता, फ़ोन काट
        """,
    ),
    (
        "product-quality",
        "product quality",
        """
        broken, broke, cracked, scratched, quality, wobbl*, stopped working, defect*, pill
        lost its shape, missing, smell, solid, well made, veneer
        слома*, трес*, поцарап*, качеств*, шата*, перестал* работать, брак*, запах
        sulūž*, nulūž*, įskil*, subraiž*, kokyb*, klib*, nustojo veikti, kvap*
        zlom*, počen*, opraskan*, kakovost*, maje, nehala delovati, vonj*
        टूट*, खरोंच, गुणवत्ता, हिलती, काम करना बंद, गंध
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
