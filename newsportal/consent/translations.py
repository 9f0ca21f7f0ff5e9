"""The shipped cookie policy (defaults.py) in Russian, Kazakh and Uzbek: installed with the
version it translates (migration 0009), edited in the admin like any translation."""

# ruff: noqa: E501

RU = {
    "banner_text": "С вашего разрешения мы используем аналитические и маркетинговые cookie, чтобы считать читателей и оценивать кампании. Ничего необязательного не устанавливается, пока вы не согласитесь.",
    "policy_text": """Cookie — это небольшие файлы, которые сайт сохраняет в вашем браузере. На этой странице перечислены все cookie, которые может установить этот сайт, для чего они нужны и как долго хранятся.

Строго необходимые cookie поддерживают работу и безопасность сайта и запоминают ваш выбор. Для них не нужно согласие: без них сайт не работает.

Аналитические и маркетинговые cookie необязательны. Мы устанавливаем их только после вашего согласия; вы можете принять все, отклонить все или выбрать по категориям. Отказаться так же просто, как согласиться, и это ничего не меняет в том, что вы можете читать.

Вы можете изменить или отозвать свой выбор в любое время на этой странице. Когда вы отзываете согласие, мы удаляем необязательные cookie, установленные этим сайтом. Сигнал Global Privacy Control вашего браузера, если он его отправляет, считается отказом.

Мы храним запись о каждом выборе (случайный идентификатор, ваш выбор, версию политики, которую вы видели, время, вашу сеть без последней части адреса и семейство вашего браузера) как доказательство согласия и удаляем её через три года.

Внешние медиа — это видео, публикации и карты с других сайтов внутри наших статей. Пока вы их не разрешите, статья показывает заглушку и ссылку, и ваш браузер не обращается к этим сайтам; можно также загрузить одно из них один раз, не разрешая всю категорию.""",
    "categories": {
        "necessary": {
            "name": "Строго необходимые",
            "description": "Нужны для работы и безопасности сайта и чтобы запомнить ваш выбор о cookie.",
            "cookies": {
                "consent": "Запоминает ваш выбор о cookie и версию политики, которую вы видели",
                "csrftoken": "Защищает вход и формы редакции от поддельных запросов",
                "sessionid": "Сохраняет вход сотрудников редакции",
            },
        },
        "analytics": {
            "name": "Аналитика",
            "description": "Считают посещения и показывают, какие статьи читают, чтобы мы улучшали нашу журналистику. Без рекламы.",
            "cookies": {
                "_ga": "Различает посетителей для Google Analytics",
                "_ga_*": "Хранит состояние сеанса Google Analytics",
            },
        },
        "marketing": {
            "name": "Маркетинг",
            "description": "Показывают, приводят ли наши кампании на других сайтах читателей сюда.",
            "cookies": {"_gcl_au": "Оценивает эффект наших рекламных кампаний"},
        },
        "media": {
            "name": "Внешние медиа",
            "description": "Видео, публикации и карты с других сайтов (YouTube, Vimeo, X, Instagram, Telegram, Facebook, TikTok, Google Maps) внутри статей. Эти сайты могут устанавливать свои cookie и узнать, что вы читаете страницу.",
            "cookies": {
                "VISITOR_INFO1_LIVE": "Оценивает скорость соединения для видео YouTube",
                "YSC": "Считает просмотры видео YouTube",
                "vuid": "Считает просмотры видео Vimeo",
                "guest_id": "Распознаёт посетителя публикаций X (Twitter)",
                "datr": "Распознаёт браузер для безопасности Facebook и Instagram",
                "fr": "Реклама в Facebook и Instagram",
                "ttwid": "Распознаёт посетителя видео TikTok",
                "stel_ssid": "Поддерживает сеанс для публикаций Telegram",
                "NID": "Запоминает настройки Google Maps",
            },
        },
    },
}

KK = {
    "banner_text": "Сіздің рұқсатыңызбен оқырмандарды санау және науқандарды бағалау үшін талдау және маркетинг cookie файлдарын қолданамыз. Келісім бермейінше, міндетті емес ештеңе орнатылмайды.",
    "policy_text": """Cookie — сайт браузеріңізде сақтайтын шағын файлдар. Бұл бетте осы сайт орната алатын барлық cookie файлдары, олардың не үшін қажет екені және қанша уақыт сақталатыны көрсетілген.

Қатаң қажетті cookie файлдары сайттың жұмысы мен қауіпсіздігін қамтамасыз етеді және cookie туралы таңдауыңызды есте сақтайды. Оларға келісім қажет емес: оларсыз сайт жұмыс істемейді.

Талдау және маркетинг cookie файлдары міндетті емес. Біз оларды тек келісіміңізден кейін орнатамыз; бәрін қабылдауға, бәрінен бас тартуға немесе санат бойынша таңдауға болады. Бас тарту келісу сияқты оңай және оқи алатыныңызға ешқандай әсер етпейді.

Таңдауыңызды осы бетте кез келген уақытта өзгертуге немесе қайтарып алуға болады. Келісімді қайтарып алсаңыз, осы сайт орнатқан міндетті емес cookie файлдарын жоямыз. Браузеріңіз Global Privacy Control сигналын жіберсе, ол бас тарту ретінде есептеледі.

Әр таңдаудың жазбасын (кездейсоқ идентификатор, таңдауыңыз, сіз көрген саясат нұсқасы, уақыт, мекенжайдың соңғы бөлігі алынған желіңіз және браузеріңіздің түрі) келісімнің дәлелі ретінде сақтаймыз және үш жылдан кейін жоямыз.

Сыртқы медиа — мақалаларымыздағы басқа сайттардың бейнелері, жазбалары мен карталары. Оларға рұқсат бермейінше, мақалада орнына белгі мен сілтеме көрсетіледі және браузеріңіз ол сайттарға сұрау жібермейді; санатқа рұқсат бермей-ақ, олардың бірін бір рет жүктеуге болады.""",
    "categories": {
        "necessary": {
            "name": "Қатаң қажетті",
            "description": "Сайттың жұмысы мен қауіпсіздігіне және cookie туралы таңдауыңызды есте сақтауға қажет.",
            "cookies": {
                "consent": "Cookie туралы таңдауыңызды және сіз көрген саясат нұсқасын есте сақтайды",
                "csrftoken": "Редакцияның кіру бетін және формаларын жалған сұраулардан қорғайды",
                "sessionid": "Редакция қызметкерлерінің кіруін сақтайды",
            },
        },
        "analytics": {
            "name": "Талдау",
            "description": "Журналистикамызды жақсарту үшін кірулерді санайды және қай мақалалар оқылатынын көрсетеді. Жарнамасыз.",
            "cookies": {
                "_ga": "Google Analytics үшін келушілерді ажыратады",
                "_ga_*": "Google Analytics сеансының күйін сақтайды",
            },
        },
        "marketing": {
            "name": "Маркетинг",
            "description": "Басқа сайттардағы науқандарымыз оқырмандарды осында әкеле ме, соны өлшейді.",
            "cookies": {"_gcl_au": "Жарнамалық науқандарымыздың әсерін өлшейді"},
        },
        "media": {
            "name": "Сыртқы медиа",
            "description": "Мақалалардағы басқа сайттардың бейнелері, жазбалары мен карталары (YouTube, Vimeo, X, Instagram, Telegram, Facebook, TikTok, Google Maps). Ол сайттар өз cookie файлдарын орнатып, бетті оқып отырғаныңызды біле алады.",
            "cookies": {
                "VISITOR_INFO1_LIVE": "YouTube бейнелері үшін байланыс жылдамдығын бағалайды",
                "YSC": "YouTube бейнелерінің қаралымын санайды",
                "vuid": "Vimeo бейнелерінің қаралымын санайды",
                "guest_id": "X (Twitter) жазбаларына келушіні таниды",
                "datr": "Facebook пен Instagram қауіпсіздігі үшін браузерді таниды",
                "fr": "Facebook пен Instagram-дағы жарнама",
                "ttwid": "TikTok бейнелеріне келушіні таниды",
                "stel_ssid": "Telegram жазбалары үшін сеансты сақтайды",
                "NID": "Google Maps баптауларын есте сақтайды",
            },
        },
    },
}

UZ = {
    "banner_text": "Ruxsatingiz bilan oʻquvchilarni sanash va kampaniyalarni baholash uchun tahliliy va marketing cookie fayllaridan foydalanamiz. Rozilik bermaguningizcha majburiy boʻlmagan hech narsa oʻrnatilmaydi.",
    "policy_text": """Cookie — sayt brauzeringizda saqlaydigan kichik fayllar. Bu sahifada ushbu sayt oʻrnatishi mumkin boʻlgan barcha cookie fayllari, ular nima uchun kerakligi va qancha vaqt saqlanishi koʻrsatilgan.

Qatʼiy zarur cookie fayllari saytning ishlashi va xavfsizligini taʼminlaydi hamda cookie boʻyicha tanlovingizni eslab qoladi. Ular uchun rozilik talab qilinmaydi: ularsiz sayt ishlamaydi.

Tahliliy va marketing cookie fayllari majburiy emas. Biz ularni faqat roziligingizdan keyin oʻrnatamiz; hammasini qabul qilishingiz, hammasini rad etishingiz yoki toifalar boʻyicha tanlashingiz mumkin. Rad etish rozi boʻlish kabi oson va nimani oʻqiy olishingizga taʼsir qilmaydi.

Tanlovingizni shu sahifada istalgan vaqtda oʻzgartirishingiz yoki qaytarib olishingiz mumkin. Rozilikni qaytarib olsangiz, ushbu sayt oʻrnatgan majburiy boʻlmagan cookie fayllarini oʻchiramiz. Brauzeringiz Global Privacy Control signalini yuborsa, u rad etish deb hisoblanadi.

Har bir tanlov yozuvini (tasodifiy identifikator, tanlovingiz, siz koʻrgan siyosat versiyasi, vaqt, manzilning oxirgi qismi olib tashlangan tarmogʻingiz va brauzeringiz turi) rozilik dalili sifatida saqlaymiz va uch yildan keyin oʻchiramiz.

Tashqi media — maqolalarimiz ichidagi boshqa saytlarning videolari, postlari va xaritalari. Ularga ruxsat bermaguningizcha maqolada oʻrniga belgi va havola koʻrsatiladi va brauzeringiz u saytlarga soʻrov yubormaydi; toifaga ruxsat bermasdan ulardan birini bir marta yuklashingiz ham mumkin.""",
    "categories": {
        "necessary": {
            "name": "Qatʼiy zarur",
            "description": "Saytning ishlashi va xavfsizligi hamda cookie boʻyicha tanlovingizni eslab qolish uchun kerak.",
            "cookies": {
                "consent": "Cookie boʻyicha tanlovingizni va siz koʻrgan siyosat versiyasini eslab qoladi",
                "csrftoken": "Tahririyatning kirish sahifasi va shakllarini soxta soʻrovlardan himoya qiladi",
                "sessionid": "Tahririyat xodimlarining kirishini saqlaydi",
            },
        },
        "analytics": {
            "name": "Tahlil",
            "description": "Jurnalistikamizni yaxshilash uchun tashriflarni sanaydi va qaysi maqolalar oʻqilishini koʻrsatadi. Reklamasiz.",
            "cookies": {
                "_ga": "Google Analytics uchun tashrif buyuruvchilarni ajratadi",
                "_ga_*": "Google Analytics seansi holatini saqlaydi",
            },
        },
        "marketing": {
            "name": "Marketing",
            "description": "Boshqa saytlardagi kampaniyalarimiz oʻquvchilarni bu yerga olib kelyaptimi, shuni oʻlchaydi.",
            "cookies": {"_gcl_au": "Reklama kampaniyalarimiz samarasini oʻlchaydi"},
        },
        "media": {
            "name": "Tashqi media",
            "description": "Maqolalar ichidagi boshqa saytlarning videolari, postlari va xaritalari (YouTube, Vimeo, X, Instagram, Telegram, Facebook, TikTok, Google Maps). Bu saytlar oʻz cookie fayllarini oʻrnatishi va sahifani oʻqiyotganingizni bilishi mumkin.",
            "cookies": {
                "VISITOR_INFO1_LIVE": "YouTube videolari uchun ulanish tezligini baholaydi",
                "YSC": "YouTube videolari koʻrishlarini sanaydi",
                "vuid": "Vimeo videolari koʻrishlarini sanaydi",
                "guest_id": "X (Twitter) postlariga tashrif buyuruvchini taniydi",
                "datr": "Facebook va Instagram xavfsizligi uchun brauzerni taniydi",
                "fr": "Facebook va Instagramdagi reklama",
                "ttwid": "TikTok videolariga tashrif buyuruvchini taniydi",
                "stel_ssid": "Telegram postlari uchun seansni saqlaydi",
                "NID": "Google Maps sozlamalarini eslab qoladi",
            },
        },
    },
}

DEFAULT_TRANSLATIONS = {"ru": RU, "kk": KK, "uz": UZ}


def install(CookiePolicy, PolicyTranslation) -> None:
    """The translations for the newest version, where it still has the shipped texts."""
    from newsportal.consent.defaults import BANNER, MEDIA_POLICY, POLICY

    latest = CookiePolicy.objects.order_by("-version").first()
    if latest is None or latest.banner_text != BANNER:
        return
    if latest.policy_text != f"{POLICY}\n\n{MEDIA_POLICY}":
        return
    for language, texts in DEFAULT_TRANSLATIONS.items():
        PolicyTranslation.objects.get_or_create(policy=latest, language=language, defaults=texts)
