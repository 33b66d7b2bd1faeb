"""The demo requests: conversations in five languages replayed through the real
services, so clocks and attainment are what the product would have recorded."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from clientfocus.customers.models import Customer
from clientfocus.service import services
from clientfocus.service.models import State

# (category, subject, what the customer wrote, the agent's reply) per language.
CONVERSATIONS = {
    "lt": [
        (
            "Delivery",
            "Kurjeris neatvyko",
            "Laukiau visą dieną, bet kurjeris taip ir neatvyko, net nepaskambino. Kada bus pristatytas šaldytuvas?",
            "Atsiprašome. Pristatymą perkėlėme į rytojų 10–12 val., kurjeris paskambins valandą prieš atvykdamas.",
        ),
        (
            "Billing",
            "Netikėtas mokestis sąskaitoje",
            "Sąskaitoje radau 15 € „aptarnavimo mokestį“, apie kurį niekas nesakė. Prašau paaiškinti.",
            "Mokestis priskaičiuotas per klaidą – jį grąžinsime per 3 darbo dienas.",
        ),
        (
            "Repair",
            "Skalbimo mašina neišsuka",
            "Nauja skalbimo mašina nustojo gręžti po dviejų savaičių. Ar tai garantinis atvejis?",
            "Taip, tai garantinis remontas. Meistras atvyks ketvirtadienį; patvirtinsime laiką SMS žinute.",
        ),
        (
            "Returns",
            "Noriu grąžinti dulkių siurblį",
            "Dulkių siurblys per garsus, noriu jį grąžinti. Kaip tai padaryti?",
            "Galite grąžinti per 30 dienų. Atsiųsime kurjerį – pasirinkite patogų laiką.",
        ),
    ],
    "sl": [
        (
            "Delivery",
            "Dostava zamuja",
            "Pomivalni stroj bi moral prispeti v ponedeljek, a ga še vedno ni. Kje je?",
            "Opravičujemo se za zamudo. Paket je pri dostavni službi, prispel bo jutri med 9. in 12. uro.",
        ),
        (
            "Billing",
            "Dvojna bremenitev kartice",
            "Z moje kartice sta bila dvakrat odtegnjena zneska za isto naročilo.",
            "Preverili smo: druga bremenitev je bila rezervacija in bo sproščena v 2 dneh.",
        ),
        (
            "Repair",
            "Hladilnik ne hladi",
            "Hladilnik od včeraj ne hladi več, hrana se kvari. Prosim za hitro pomoč.",
            "Serviser bo pri vas danes popoldne. Do takrat naprave ne odpirajte po nepotrebnem.",
        ),
        (
            "Returns",
            "Vračilo izdelka",
            "Kupil sem napačno velikost pečice. Ali jo lahko zamenjam?",
            "Seveda, zamenjavo uredimo brezplačno. Kurir bo prevzel pečico v petek.",
        ),
    ],
    "ru": [
        (
            "Delivery",
            "Курьер приехал без звонка",
            "Курьер приехал без предупреждения, меня не было дома. Как теперь получить заказ?",
            "Приносим извинения. Назначили повторную доставку на завтра, курьер позвонит за час.",
        ),
        (
            "Billing",
            "Неожиданная комиссия",
            "Мне списали комиссию за оплату картой, о которой нигде не было написано.",
            "Комиссию вернём в течение трёх рабочих дней. Спасибо, что сообщили.",
        ),
        (
            "Repair",
            "Не работает посудомоечная машина",
            "Посудомоечная машина выдаёт ошибку E24 и не сливает воду.",
            "Мастер приедет в четверг с 14 до 17. Перед визитом мы пришлём SMS.",
        ),
        (
            "Returns",
            "Возврат пылесоса",
            "Пылесос слишком шумный, хочу вернуть. Что нужно сделать?",
            "Вы можете вернуть товар в течение 30 дней. Курьер заберёт его в удобное для вас время.",
        ),
    ],
    "hi": [
        (
            "Delivery",
            "डिलीवरी में देरी",
            "मेरा फ्रिज तीन दिन पहले आना था, लेकिन अभी तक नहीं आया। कृपया बताएं कब आएगा?",
            "देरी के लिए क्षमा करें। आपका फ्रिज कल सुबह 10 से 12 बजे के बीच पहुँचेगा, कूरियर एक घंटा पहले फोन करेगा।",
        ),
        (
            "Billing",
            "बिल में अनचाहा शुल्क",
            "मेरे बिल में 500 रुपये का सेवा शुल्क जोड़ा गया है जिसके बारे में किसी ने नहीं बताया।",
            "यह शुल्क गलती से लगा था। हम इसे तीन कार्य दिवसों में वापस कर देंगे।",
        ),
        (
            "Repair",
            "वॉशिंग मशीन खराब है",
            "नई वॉशिंग मशीन दो हफ्ते में ही बंद हो गई। क्या यह वारंटी में ठीक होगी?",
            "जी हाँ, यह वारंटी में है। तकनीशियन गुरुवार को आएगा, हम SMS से समय की पुष्टि करेंगे।",
        ),
        (
            "Returns",
            "सामान वापस करना है",
            "मुझे माइक्रोवेव का गलत मॉडल मिला है। इसे कैसे बदलूँ?",
            "हम इसे मुफ्त में बदल देंगे। कूरियर शुक्रवार को माइक्रोवेव ले जाएगा।",
        ),
    ],
    "en": [
        (
            "Delivery",
            "Courier turned up without calling",
            "The courier came while I was at work without any call or text. How do I get my oven now?",
            "Sorry about that. We've rebooked delivery for tomorrow 10:00–12:00 and the driver will call an hour before.",
        ),
        (
            "Billing",
            "Unexpected charge on my invoice",
            "There's a £12 'admin fee' on my invoice that nobody mentioned when I ordered.",
            "That fee should not have been applied. We've refunded it; you'll see it within 3 working days.",
        ),
        (
            "Repair",
            "Dishwasher leaking",
            "My dishwasher, bought in March, leaks from the door after every cycle.",
            "That's covered by the warranty. An engineer will visit on Thursday afternoon; we'll text a 2-hour window.",
        ),
        (
            "Returns",
            "Return a vacuum cleaner",
            "The vacuum is much louder than advertised. Can I return it?",
            "Of course: returns are free within 30 days. Pick a collection slot with the link we've sent.",
        ),
    ],
}

INTERNAL = [
    (
        "logistics",
        "Couriers arrive without calling ahead — check carrier instructions",
        "Three customers this week say the courier came without a call. Please check what the carrier is told.",
    ),
    (
        "billing",
        "Refund approval for a wrongly charged service fee",
        "Customer was charged an admin fee that was never announced. Please approve the refund today.",
    ),
    (
        "logistics",
        "Delivery slots for platinum customers",
        "Can we reserve morning delivery slots for platinum customers next month?",
    ),
    (
        "billing",
        "Invoice template shows fees in the wrong currency",
        "Invoices for Indian customers show the service fee in EUR instead of INR.",
    ),
]


def replay_request(
    org: dict, customer: Customer, rng: random.Random, opened: datetime, now: datetime
) -> None:
    agents = [org["people"][k].user for k in ("agent", "agent2", "agent3", "agent4")]
    category_name, subject, said, reply = rng.choice(
        CONVERSATIONS.get(customer.language, CONVERSATIONS["en"])
    )
    category = org["categories"][category_name]
    queue = (
        org["queues"]["vip"]
        if customer.tier.code == "platinum" and category_name != "Repair"
        else None
    )
    agent = rng.choice(agents)
    actor = org["people"]["tech"].user if category_name == "Repair" else agent
    priority = rng.choices(["low", "normal", "high", "urgent"], weights=[10, 65, 20, 5])[0]
    request = services.open_request(
        actor=agent,
        customer=customer,
        subject=subject,
        body=said,
        category=category,
        priority=priority,
        channel=rng.choice(["phone", "email", "email", "web", "chat"]),
        queue=queue,
        now=opened,
    )
    age = now - opened
    if rng.random() < 0.85:
        services.assign_request(
            request=request,
            actor=org["people"]["admin"].user,
            assignee=actor,
            now=opened + timedelta(minutes=3),
        )
    # How far this conversation got depends on its age; recent ones are still open.
    answer_after = timedelta(minutes=rng.choice([10, 25, 45, 90, 180, 400, 900]))
    # A few recent requests are still waiting for their first answer.
    if opened + answer_after >= now or (age < timedelta(hours=30) and rng.random() < 0.3):
        return
    services.add_message(request=request, actor=actor, body=reply, now=opened + answer_after)
    step = opened + answer_after
    if age > timedelta(days=2) or rng.random() < 0.5:
        services.change_state(
            request=request,
            actor=actor,
            state=State.WAITING_ON_CUSTOMER,
            now=step + timedelta(minutes=1),
        )
        step += timedelta(hours=rng.choice([2, 5, 20]))
        if step >= now:
            return
        thanks = {
            "lt": "Ačiū, taip tinka.",
            "sl": "Hvala, tako je v redu.",
            "ru": "Спасибо, так подходит.",
            "hi": "धन्यवाद, यह ठीक है।",
            "en": "Thanks, that works for me.",
        }[customer.language if customer.language in CONVERSATIONS else "en"]
        services.receive_customer_message(request=request, body=thanks, now=step)
        step += timedelta(minutes=rng.choice([20, 60, 240, 2000]))
        if step >= now:
            return
        services.change_state(request=request, actor=actor, state=State.RESOLVED, now=step)
        if step + timedelta(days=3) < now:
            services.change_state(
                request=request, actor=actor, state=State.CLOSED, now=step + timedelta(days=3)
            )
