"""Reading mail as it arrives in the wild (pure: no database)."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest

from clientfocus.mail import parsing, quotes


def raw(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


def test_windows_1251_body_and_encoded_subject():
    body = "Здравствуйте, посылка не пришла.".encode("cp1251")
    mail = parsing.parse(
        raw(
            "From: =?windows-1251?B?"
            + base64.b64encode("Иван".encode("cp1251")).decode()
            + "?= <Ivan@Example.ru>\nSubject: =?KOI8-R?Q?=F0=D2=C9=D7=C5=D4?=\n"
            "Message-ID: <a1@example.ru>\nContent-Type: text/plain; charset=windows-1251\n"
            "Content-Transfer-Encoding: 8bit",
            body,
        )
    )
    assert mail.sender == "ivan@example.ru" and mail.sender_name == "Иван"
    assert mail.subject == "Привет"
    assert mail.text == "Здравствуйте, посылка не пришла."
    assert mail.message_id == "a1@example.ru"


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("koi8-r", "Спасибо за быстрый ответ"),
        ("windows-1257", "Ačiū, siuntinys atvyko laiku"),
        ("iso-8859-13", "Kurjeris nepaskambino"),
        ("iso-8859-2", "Paket še ni prispel, prosim pomoč"),
        ("utf-8", "डिलीवरी समय पर नहीं हुई"),
    ],
)
def test_quoted_printable_in_any_charset(charset, text):
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = text
    message.set_content(text, charset=charset, cte="quoted-printable")
    mail = parsing.parse(message.as_bytes())
    assert mail.text == text and mail.subject == text


def test_unknown_charset_falls_back_without_error():
    mail = parsing.parse(raw("From: a@b.lt\nContent-Type: text/plain; charset=x-no-such", b"Labas"))
    assert mail.text == "Labas"


def test_html_only_mail_gives_text_and_keeps_html_for_sanitising():
    html = (
        "<html><head><style>p{}</style><script>alert(1)</script></head>"
        "<body><p>Hello <b>there</b></p><p>Second</p></body></html>"
    )
    mail = parsing.parse(raw("From: a@b.c\nContent-Type: text/html; charset=utf-8", html.encode()))
    assert mail.text == "Hello there\n\nSecond"
    assert "<script>" in mail.html  # sanitised when stored, not here


def test_attachments_with_encoded_names_and_inline_images():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("see attached")
    message.add_attachment(
        b"%PDF-1.4 test", maintype="application", subtype="pdf", filename="sąskaita Nr 5.pdf"
    )
    message.add_attachment(
        b"\x89PNG\r\n\x1a\n0000",
        maintype="image",
        subtype="png",
        filename="photo.png",
        disposition="inline",
        cid="<img1@x>",
    )
    mail = parsing.parse(message.as_bytes())
    names = [f.filename for f in mail.files]
    assert names == ["sąskaita Nr 5.pdf", "photo.png"]
    assert mail.files[1].inline and mail.files[1].content_id == "img1@x"
    assert mail.text == "see attached"


def test_auto_replies_bounces_and_lists_are_recognised():
    assert parsing.parse(raw("From: a@b.c\nAuto-Submitted: auto-replied", b"x")).auto_reply
    assert parsing.parse(raw("From: a@b.c\nPrecedence: bulk", b"x")).auto_reply
    assert parsing.parse(raw("From: a@b.c\nSubject: Автоответ: отпуск", b"x")).auto_reply
    assert parsing.parse(raw("From: a@b.c\nSubject: Out of Office: back Monday", b"x")).auto_reply
    assert not parsing.parse(raw("From: a@b.c\nAuto-Submitted: no\nSubject: help", b"x")).auto_reply
    bounce = (
        "From: MAILER-DAEMON@mx.example\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"'
    )
    body = (
        b"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; Gone@Example.lt\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--b--\r\n"
    )
    mail = parsing.parse(raw(bounce, body))
    assert mail.is_bounce and mail.bounced == ["gone@example.lt"] and mail.auto_reply


def test_broken_input_is_refused_or_survived():
    with pytest.raises(parsing.UnreadableMail):
        parsing.parse(b"")
    with pytest.raises(parsing.UnreadableMail):
        parsing.parse(b"\r\n\r\njust a body")
    # Duplicate and malformed headers, an encoded-word bomb, NUL bytes: read, not crashed.
    bomb = "=?utf-8?B?QQ==?= " * 50_000
    mail = parsing.parse(
        raw(
            f"From: a@b.c\nFrom: second@b.c\nSubject: {bomb}\nDate: not a date\n"
            "Message-ID: <<<>>>\nIn-Reply-To: garbage",
            b"text\x00with nul",
        )
    )
    assert mail.sender == "a@b.c" and len(mail.subject) <= 1000 and mail.date is None
    assert "\x00" not in mail.text and mail.in_reply_to == []


def test_thread_ids_most_direct_first():
    mail = parsing.parse(
        raw("From: a@b.c\nIn-Reply-To: <c@x>\nReferences: <a@x> <b@x> <c@x>", b"x")
    )
    assert mail.thread_ids == ["c@x", "b@x", "a@x"]
    assert (
        parsing.parse(raw("From: a@b.c\nSubject: Re: [req-000042] x", b"x")).subject_reference
        == "REQ-000042"
    )


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Support <s@x.com> wrote:\n> old", "Thanks!"),
        ("Thanks!\n\nOn Mon, 3 Nov 2026 at 10:00, Support\n<s@x.com> wrote:\n> old", "Thanks!"),
        ("Спасибо!\n\n3 нояб. 2026 г., в 10:00, Поддержка <s@x.com> пишет:\n> старое", "Спасибо!"),
        ("Спасибо!\n\n-----Исходное сообщение-----\nОт: s@x.com\nОтправлено: 3 ноября", "Спасибо!"),
        ("Ačiū!\n\n2026-11-03 10:00, Pagalba <s@x.com> rašė:\n> sena", "Ačiū!"),
        ("Hvala!\n\nDne 3. 11. 2026 ob 10:00 je Podpora <s@x.com> napisal(a):\n> staro", "Hvala!"),
        ("Hvala!\n\nOd: Podpora <s@x.com>\nPoslano: 3. november 2026\nZadeva: x", "Hvala!"),
        ("धन्यवाद!\n\nसोम, 3 नव॰ 2026 को 10:00 बजे Support <s@x.com> ने लिखा:\n> पुराना", "धन्यवाद!"),
        (
            "Thanks\n\n________________________________\nFrom: Support\nSent: Monday\nTo: me",
            "Thanks",
        ),
        ("Thanks\n\n-----Original Message-----\nFrom: s@x.com", "Thanks"),
        ("Fine now\n\n> Did it arrive?\n> Tell us", "Fine now"),
    ],
)
def test_quoted_history_is_cut_in_every_language(text, reply):
    split = quotes.split_reply(text)
    assert split.reply == reply and split.quoted


def test_inline_answers_are_not_cut_and_signatures_are():
    text = "> Did it arrive?\nYes.\n> And the invoice?\nNot yet.\n\n-- \nRūta\n+370 600 00000"
    split = quotes.split_reply(text)
    assert "Not yet." in split.reply and split.signature.startswith("--")
    phone = quotes.split_reply("Ok\n\nОтправлено с iPhone")
    assert phone.reply == "Ok" and phone.signature


def test_html_quotes_of_known_clients_are_found():
    for html in (
        '<div>New</div><div class="gmail_quote">On … wrote:<blockquote>old</blockquote></div>',
        '<p>New</p><blockquote type="cite">old</blockquote>',
        '<p>New</p><div id="divRplyFwdMsg">From: x</div>',
        '<p>New</p><div class="moz-cite-prefix">On … wrote:</div>',
    ):
        new, old = quotes.split_html_reply(html)
        assert ("New" in new and "old" in old) or "From" in old or "wrote" in old
