"""The demo's knowledge and empowerment: help-centre articles in five languages,
playbooks for late deliveries, returns and angry customers, reply templates, a course
the Customer Care queue requires (some agents have done it), grant limits, grants on
late deliveries (one waiting for approval), and internal surveys answered."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from clientfocus.grants import services as grants
from clientfocus.grants.models import Grant
from clientfocus.knowledge import selectors as knowledge_selectors
from clientfocus.knowledge import services as knowledge
from clientfocus.knowledge.models import (
    ArticleView,
    Enrolment,
    ReplyTemplate,
    StepTick,
    TemplateUse,
)
from clientfocus.service.models import Request, State
from clientfocus.service.services import change_state
from clientfocus.voice import services as voice
from clientfocus.voice.models import SurveyInvitation

ARTICLES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "late-delivery": (
        "public",
        {
            "en": (
                "My delivery is late",
                "Track your order under My orders. If the date has passed, write to us: we book a new slot within one working day.",
            ),
            "ru": (
                "Доставка опаздывает",
                "Отслеживайте заказ в разделе «Мои заказы». Если срок прошёл, напишите нам: новое время назначим в течение рабочего дня.",
            ),
            "lt": (
                "Mano pristatymas vėluoja",
                "Užsakymą sekite skiltyje „Mano užsakymai“. Jei data praėjo, parašykite mums: naują laiką paskirsime per vieną darbo dieną.",
            ),
            "sl": (
                "Moja dostava zamuja",
                "Naročilo spremljajte pod Moja naročila. Če je datum minil, nam pišite: nov termin določimo v enem delovnem dnevu.",
            ),
            "hi": (
                "मेरी डिलीवरी देर से है",
                "मेरे ऑर्डर में अपना ऑर्डर ट्रैक करें। तारीख निकल गई हो तो हमें लिखें: हम एक कार्यदिवस में नया समय तय करेंगे।",
            ),
        },
    ),
    "returns": (
        "public",
        {
            "en": (
                "Returning a product",
                "You may return a product within 14 days. Pack it, print the return label from your order, and we collect it free of charge.",
            ),
            "ru": (
                "Возврат товара",
                "Товар можно вернуть в течение 14 дней. Упакуйте его, распечатайте ярлык возврата из заказа, и мы заберём его бесплатно.",
            ),
            "lt": (
                "Prekės grąžinimas",
                "Prekę galite grąžinti per 14 dienų. Supakuokite ją, atsispausdinkite grąžinimo etiketę iš užsakymo, ir mes ją nemokamai paimsime.",
            ),
            "sl": (
                "Vračilo izdelka",
                "Izdelek lahko vrnete v 14 dneh. Zapakirajte ga, natisnite nalepko za vračilo iz naročila in brezplačno ga prevzamemo.",
            ),
            "hi": (
                "उत्पाद लौटाना",
                "आप 14 दिनों के भीतर उत्पाद लौटा सकते हैं। इसे पैक करें, ऑर्डर से वापसी लेबल प्रिंट करें, हम इसे मुफ्त ले जाएँगे।",
            ),
        },
    ),
    "carrier-escalation": (
        "internal",
        {
            "en": (
                "Escalating to the carrier",
                "Call the carrier's dispatch line, give the order id and ask for the driver's ETA. Log the call as a note.",
            )
        },
    ),
}
TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {
    "delivery-delay": (
        "Delivery delayed: new slot",
        {
            "en": "Dear {customer_name},\n\nI am sorry your delivery is late. I have booked a new slot for you and you will hear from us by {due}.\n\n{agent_name}",
            "ru": "Уважаемый(ая) {customer_name},\n\nПриносим извинения за задержку доставки. Я назначил(а) новое время, вы получите ответ до {due}.\n\n{agent_name}",
            "lt": "Gerb. {customer_name},\n\nAtsiprašau, kad pristatymas vėluoja. Užsakiau naują laiką, atsakymą gausite iki {due}.\n\n{agent_name}",
            "sl": "Spoštovani {customer_name},\n\nOpravičujem se za zamudo dostave. Rezerviral(a) sem nov termin, odgovor prejmete do {due}.\n\n{agent_name}",
            "hi": "प्रिय {customer_name},\n\nडिलीवरी में देरी के लिए खेद है। मैंने नया समय तय कर दिया है, {due} तक आपको जवाब मिलेगा।\n\n{agent_name}",
        },
    ),
    "return-label": (
        "Return label sent",
        {
            "en": "Dear {customer_name},\n\nthe return label for order {order} is in your portal under My orders. We collect the parcel free of charge.\n\n{agent_name}",
            "lt": "Gerb. {customer_name},\n\nužsakymo {order} grąžinimo etiketė yra portale, skiltyje „Mano užsakymai“. Siuntą paimsime nemokamai.\n\n{agent_name}",
        },
    ),
}
PLAYBOOKS = {
    "late-delivery": {
        "titles": {
            "en": "Late delivery",
            "lt": "Vėluojantis pristatymas",
            "ru": "Опоздание доставки",
        },
        "categories": ["Delivery"],
        "steps": [
            {
                "texts": {
                    "en": "Check the carrier's tracking before you answer",
                    "lt": "Prieš atsakydami patikrinkite vežėjo sekimą",
                },
                "mandatory": True,
            },
            {
                "texts": {
                    "en": "Offer a new slot with a date",
                    "lt": "Pasiūlykite naują laiką su data",
                },
                "mandatory": True,
            },
            {
                "texts": {
                    "en": "Offer free delivery if we are late twice",
                    "lt": "Jei vėluojame antrą kartą, pasiūlykite nemokamą pristatymą",
                }
            },
            {"kind": "dont", "texts": {"en": "Blame the carrier", "lt": "Kaltinti vežėją"}},
        ],
        "promises": {
            "en": "A new delivery date within one working day.",
            "lt": "Nauja pristatymo data per vieną darbo dieną.",
        },
        "avoid": {
            "en": "unfortunately, our policy, nothing we can do",
            "lt": "deja, mūsų taisyklės, nieko negalime padaryti",
        },
        "articles": ["late-delivery", "carrier-escalation"],
        "templates": ["delivery-delay"],
    },
    "returns": {
        "titles": {"en": "Returns", "lt": "Grąžinimai"},
        "categories": ["Returns"],
        "steps": [
            {"texts": {"en": "Confirm the order is within 14 days"}, "mandatory": True},
            {"texts": {"en": "Send the return label"}},
        ],
        "articles": ["returns"],
        "templates": ["return-label"],
    },
    "angry-customer": {
        "titles": {"en": "An angry customer about staff", "lt": "Piktas klientas dėl darbuotojų"},
        "themes": ["staff-attitude"],
        "steps": [
            {"texts": {"en": "Apologise first, explain second"}, "mandatory": True},
            {"texts": {"en": "Tell the team lead the same day"}},
            {"kind": "dont", "texts": {"en": "Defend the colleague in the reply"}},
        ],
        "promises": {"en": "A personal call from the team lead within two working days."},
    },
}


def load_knowledge(people, org, rng: random.Random, now: datetime) -> None:
    manager = org["people"]["manager"].user
    admin = org["people"]["admin"].user
    for code, (visibility, texts) in ARTICLES.items():
        for language, (title, body) in texts.items():
            article = knowledge.save_article(
                actor=manager,
                code=code,
                language=language,
                title=title,
                body=body,
                visibility=visibility,
            )
        knowledge.set_state(actor=manager, article=article, state="published")
    for code, (name, template_texts) in TEMPLATES.items():
        knowledge.save_template(
            actor=manager, code=code, name=name, texts=template_texts, state="published"
        )
    for code, data in PLAYBOOKS.items():
        knowledge.save_playbook(actor=manager, code=code, data=data)
    course = knowledge.save_course(
        actor=manager,
        code="care-basics",
        data={
            "titles": {"en": "Customer Care basics", "lt": "Klientų aptarnavimo pagrindai"},
            "playbooks": ["late-delivery", "returns"],
            "articles": ["late-delivery", "returns"],
            "quiz": [
                {
                    "question": {"en": "A delivery is late. What comes first?"},
                    "options": [{"en": "Blame the carrier"}, {"en": "Check the tracking"}],
                    "answer": 1,
                }
            ],
            "audiences": [{"department": "customer-care"}],
            "required_for": [org["queues"]["general"].pk],
        },
    )
    for enrolment in Enrolment.objects.filter(course=course).select_related("user")[:3]:
        for playbook in course.playbooks.all():
            knowledge.acknowledge(actor=enrolment.user, enrolment=enrolment, playbook=playbook)
        for article in course.articles.all():
            knowledge.acknowledge(actor=enrolment.user, enrolment=enrolment, article=article)
        knowledge.answer_quiz(actor=enrolment.user, enrolment=enrolment, answers=[1])
    # Ticks, template uses and runs on the delivery and returns requests already resolved.
    template = ReplyTemplate.objects.get(code="delivery-delay")
    resolved = Request.objects.filter(
        category__name__in=["Delivery", "Returns"], state__in=[State.RESOLVED, State.CLOSED]
    ).select_related("category", "customer")
    for req in resolved:
        for playbook in knowledge_selectors.playbooks_for(req):
            for step in playbook.step_list:
                if rng.random() < (0.85 if step.mandatory else 0.5):
                    StepTick.objects.get_or_create(
                        request=req, step=step, defaults={"by": req.assignee}
                    )
        if req.category and req.category.name == "Delivery" and rng.random() < 0.5:
            TemplateUse.objects.create(
                template=template,
                request=req,
                user=req.assignee,
                used_at=req.created_at + timedelta(minutes=20),
            )
        knowledge.record_runs(req)
    # Customers reading the help centre while writing a request.
    articles = list(knowledge_selectors.public_articles())
    for customer in rng.sample(people, min(40, len(people))):
        ArticleView.objects.create(
            article=rng.choice(articles),
            customer=customer,
            suggested=True,
            viewed_at=now - timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 20)),
        )
    _grants(org, rng, now, admin)
    _internal_surveys(org, rng, now)


def _grants(org, rng: random.Random, now: datetime, admin) -> None:
    tiers = org["tiers"]
    for role, kind, tier, per_grant, per_customer in [
        ("agent", "goodwill", None, 20, 50),
        ("agent", "goodwill", "gold", 50, 100),
        ("agent", "goodwill", "platinum", 80, 200),
        ("agent", "free_delivery", None, 15, 30),
        ("agent", "fee_waiver", None, 10, 30),
        ("manager", "goodwill", None, 300, 1000),
        ("manager", "refund", None, 500, 2000),
        ("manager", "free_delivery", None, 100, None),
        ("manager", "fee_waiver", None, 100, None),
        ("manager", "replacement", None, 1000, None),
    ]:
        grants.set_limit(
            actor=admin,
            role=role,
            kind=kind,
            tier=tiers.get(tier) if tier else None,
            per_grant=per_grant,
            per_customer=per_customer,
        )
    late = Request.objects.filter(
        category__name="Delivery", customer__isnull=False, breach_count__gt=0
    )
    for req in late.select_related("customer", "assignee")[:25]:
        if req.customer is None:
            continue
        actor = req.assignee or org["people"]["agent"].user
        kind = rng.choice(["goodwill", "free_delivery", "fee_waiver"])
        made = grants.grant(
            actor=actor,
            customer=req.customer,
            kind=kind,
            request=req,
            amount=rng.choice([5, 10, 15]),
            reason="Late delivery: sorry for the wait",
            fee_code="express-delivery" if kind == "fee_waiver" else "",
        )
        Grant.objects.filter(pk=made.pk).update(created_at=req.created_at + timedelta(hours=2))
    third = late.filter(customer__tier__code="standard").select_related("customer").first()
    if third is not None and third.customer is not None:  # above an agent's limit: waits
        grants.grant(
            actor=org["people"]["agent"].user,
            customer=third.customer,
            kind="goodwill",
            amount=60,
            reason="Third late delivery this month",
            request=third,
        )


def _internal_surveys(org, rng: random.Random, now: datetime) -> None:
    internal = Request.objects.filter(requesting_department__isnull=False).select_related("queue")
    for req in internal:
        if rng.random() < 0.7:
            handler = req.queue.department.employees.select_related("user").first()
            if handler is None:
                continue
            change_state(request=req, actor=handler.user, state=State.RESOLVED)
    for invitation in SurveyInvitation.objects.filter(employee__isnull=False).select_related(
        "employee"
    ):
        if rng.random() < 0.8:
            voice.answer_internal(
                actor=invitation.employee,
                invitation=invitation,
                score=rng.choice([3, 4, 4, 5, 5]),
                comment="",
            )
