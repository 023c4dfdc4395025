#!/usr/bin/env python3
"""Build the embedded party lists (assets/parties/mofcom-parties.json) from the shared data
file of MOFCOM designations (mofcom-parties-2026-12.json).

    python3 assets/parties/build.py [SOURCE.json] [OUT.json]

What it does, and why (the data is rough; nothing uncertain is guessed):
- groups the designations into listing announcements (one per list, date and notice), each a
  measure with the clauses that say what it does to the named parties (regulation.md s8.2);
  where a notice's measures are not known clause by clause (Unreliable Entity List,
  countermeasure orders) the clause has no outcome and a VERIFY note;
- turns the free-text status changes into a dated timeline only where the text says how long
  ("90 days", "one year", "stopped", "cancelled"); anything else stays a VERIFY note;
- normalises dates (YYYY-MM-DD and DD.MM.YYYY) and country names (ISO 3166 alpha-2);
- keeps grades honest: every entry is [X] (seen in a third-party compilation) with the
  official notice it cites as its source; an announcement number without a source, or a
  listing without a number, carries a VERIFY note;
- applies CHECKS, what the stored sources said about each listing when it was checked against
  them (Dec 2026): no official page's text was readable, so no entry is upgraded; reposts,
  reports and other compilations that agree are listed as the listing's corroboration, fill
  gaps (announcement numbers, status changes, measures clause by clause) with their grade,
  and whatever disagrees stays as the data has it, with a VERIFY note saying what differs;
- adds MISSING_ROWS, listings the compilation lacks that the sources name in full, each entry
  graded by the source that names it;
- merges duplicate entries of one listing, saying so on stderr.
The output is deterministic: run it twice, get the same bytes.
"""

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/data/mofcom-parties-2026-12.json")
DEFAULT_OUT = HERE / "mofcom-parties.json"
VERSION = "2026.12.04.2"

LISTS = {
    "Export Control Control List (出口管制管控名单)": "control_list",
    "Watch List (关注名单)": "watch_list",
    "Unreliable Entity List (不可靠实体清单)": "unreliable_entity",
    "MOFCOM countermeasure list (反制清单, Anti-Foreign Sanctions Law)": "countermeasure",
}
LIST_PREFIX = {
    "control_list": "cl",
    "watch_list": "wl",
    "unreliable_entity": "uel",
    "countermeasure": "order",
}
COUNTRIES = {
    "Japan": "JP",
    "Czech Republic": "CZ",
    "Belgium": "BE",
    "Germany": "DE",
}
TYPES = {"Company": "company", "Organization": "organisation", "Person": "person"}

CONTROL_BAN = {
    "id": "export-ban",
    "article": "Control List listing (ECL Art. 18)",
    "text": "Exports of controlled (dual-use) items to the listed parties are prohibited; "
    "only exceptional approval by MOFCOM lifts the ban. The listing reaches the named parties "
    "(and the branches it names), not their subsidiaries.",
    "effect": "prohibited",
    "scope": "export",
}
CONTROL_TRANSFER = {
    "id": "transfer-ban",
    "article": "Control List listing: foreign transfers",
    "text": "Foreign organisations and individuals may not transfer Chinese-origin dual-use "
    "items to the listed parties.",
    "effect": "prohibited",
    "scope": "transfer",
    "verify": "Since Feb 2026 some Control List notices also ban foreign transfers of "
    "Chinese-origin items (regulation.md s8.2); that this notice does was not confirmed "
    "against its text.",
}
WATCH = {
    "id": "individual-licence",
    "article": "Watch List listing (Dual-Use Regulations Art. 26)",
    "text": "Exports of dual-use items to the listed parties need an individual licence: no "
    "general licence and no export certificate by registration; the application includes a "
    "risk-assessment report on the listed party and an undertaking to comply. Not a ban.",
    "effect": "license_required",
    "scope": "export",
}
WATCH_JAPAN = dict(
    WATCH,
    text=WATCH["text"]
    + " This notice adds an undertaking that the items will not be used to enhance Japan's "
    "military strength.",
    verify="The added undertaking is known from a machine extraction [X] of the notice.",
)
UNKNOWN_MEASURES = {
    "unreliable_entity": {
        "id": "measures",
        "article": "Unreliable Entity List measures (UEL Provisions Art. 10)",
        "text": "The notice sets its own measures against the listed parties, such as bans on "
        "import and export trade with China or on investment in China.",
        "verify": "This notice's measures were not seen clause by clause: read the notice "
        "before trading with the party; the screening names the listing but does not decide by it.",
    },
    "countermeasure": {
        "id": "measures",
        "article": "Countermeasure order (Anti-Foreign Sanctions Law)",
        "text": "The order sets countermeasures against the listed parties, such as freezing "
        "property in China or banning transactions with them.",
        "verify": "This order's measures were not seen clause by clause: read the order before "
        "trading with the party; the screening names the listing but does not decide by it.",
    },
}

# What the stored sources said when the listings were checked against them (Dec 2026). No
# copy of an official notice was readable, so nothing here raises an entry's grade: a repost
# of the notice's text [P], a news report [S] or another third-party compilation [X] that
# agrees is named as corroboration; where it fills a gap the gap is filled with its grade;
# where it disagrees the data stays and a VERIFY note says what differs. Keyed by listing id.
# The two other compilations found, and what each is:
COMPILATION_B = (
    "https://github.com/aidehaomj-rgb/china-export-control-monitor/blob/"
    "0660ec49b7ab8f6d91fe9fc6a23065cd9dd92ef6/public/data/control-entities.json"
)
COMPILATION_C = "stored code index, file 70470838600 (its repository is not named there)"
DESCRIBED = {
    COMPILATION_B: "third-party compilation of Control List notices (2026-08-24): ",
    COMPILATION_C: "third-party list of MOFCOM notices with their numbers and addresses: ",
}
HK01_2025_10_14 = (
    "https://www.hk01.com/%E5%8D%B3%E6%99%82%E4%B8%AD%E5%9C%8B/60285130/%E4%B8%AD%E5%9C%8B%E5%87%BA"
    "%E6%89%8B%E5%8F%8D%E5%88%B6%E7%BE%8E301%E8%AA%BF%E6%9F%A5-%E5%95%86%E5%8B%99%E9%83%A8%E5%88%B6"
    "%E8%A3%81%E9%9F%93%E8%8F%AF%E6%B5%B7%E6%B4%8B5%E5%AE%B6%E7%BE%8E%E5%9C%8B%E7%9B%B8%E9%97%9C%E5"
    "%AD%90%E5%85%AC%E5%8F%B8"
)
HK01_2026_02_24 = (
    "https://www.hk01.com/%E5%8D%B3%E6%99%82%E5%9C%8B%E9%9A%9B/60324423/%E4%B8%AD%E5%9C%8B%E5%95%86"
    "%E5%8B%99%E9%83%A8-%E5%B0%87%E4%B8%89%E8%8F%B1%E9%80%A0%E8%88%B9%E7%AD%8920%E9%96%93%E6%97%A5"
    "%E6%9C%AC%E5%AF%A6%E9%AB%94%E5%88%97%E5%85%A5%E5%87%BA%E5%8F%A3%E7%AE%A1%E5%88%B6%E7%AE%A1%E6"
    "%8E%A7%E5%90%8D%E5%96%AE"
)
STHEADLINE_2025_08_12 = (
    "https://www.stheadline.com/zh-hans/realtime-china/3489562/"
    "中美关税战中国暂停针对美实体不可靠实体清单与出口管制措施"
)
UEL_TRADE_BAN = (
    "The listed parties may not engage in import or export activities related to China and "
    "may not make new investments in China."
)
NO_DEALINGS = (
    "Organisations and individuals in China may not carry out transactions, cooperation or "
    "other activities with the listed parties."
)
TWO_NOTICES_OF_20_MAY_2024 = {
    "sources": [
        ("https://m.ixigua.com/video/7371377548808159780", "S",
         "video page: on 20 May 2024 MOFCOM issued two notices putting US companies on the "
         "list, naming Boeing Defense, Space & Security, General Atomics Aeronautical Systems "
         "and General Dynamics Land Systems (agree)"),
    ],
    "verify": [
        "The same page speaks of four US companies in the two notices of 20 May 2024 but names "
        "three, the three in the data: whether a fourth was listed was not settled."
    ],
}
CHECKS = {
    "uel-20230216": {
        "sources": [
            ("http://www.ytbyz.com/ask/680398ImdQJnvWB", "P",
             "repost of the MOFCOM spokesperson's answers on the 16 Feb 2023 notices: the six "
             "Chinese names agree; from 16 Feb 2023 they and the two companies' other senior "
             "managers may not enter, work, stay or reside in China"),
        ],
        "measures": (
            "The listed persons (senior managers of Lockheed Martin and Raytheon Missiles & "
            "Defense), and the two companies' other senior managers, may not enter China or "
            "work, stay or reside there (from 16 Feb 2023).",
            "P", "ytbyz.com/ask/680398ImdQJnvWB",
            "An entry and residence ban: it does not bear on exports, and the screening names "
            "the listing but decides nothing by it.",
        ),
    },
    "uel-20230216b": {
        "sources": [
            ("https://phoebe.bbspink.com/test/read.cgi/club/1674460010/576", "S",
             "forum repost of a Japanese news report of 16 Feb 2023: the two companies may not "
             "import or export in relation to China or invest anew there, their executives may "
             "not enter, and each is fined twice the value of its arms-sale contracts with Taiwan"),
            ("http://www.ytbyz.com/ask/680398ImdQJnvWB", "P",
             "repost of the MOFCOM spokesperson's answers on the 16 Feb 2023 notices: the two "
             "companies may not engage in import or export activities related to China; Chinese "
             "firms may not export, transit or trans-ship when they know the actual importer or "
             "user is one of them"),
        ],
        "measures": (
            "The listed companies may not engage in import or export activities related to "
            "China; exporters may not export (or transit or trans-ship) where they know the "
            "actual importer or user is one of them. A report [S] adds: no new investment in "
            "China, and a fine of twice the value of their arms-sale contracts with Taiwan.",
            "P", "ytbyz.com/ask/680398ImdQJnvWB; phoebe.bbspink.com/test/read.cgi/club/1674460010/576", None,
        ),
    },
    "uel-20240520": TWO_NOTICES_OF_20_MAY_2024,
    "uel-20240520b": TWO_NOTICES_OF_20_MAY_2024,
    "uel-20250204": {
        "sources": [
            ("http://en.people.cn/n3/2025/0214/c90000-20276666.html", "S",
             "Xinhua, 13 Feb 2025: PVH Corp. and Illumina, Inc. were added on 4 Feb 2025 and "
             "could be subject to one or more of the measures of Art. 10 of the UEL Provisions"),
            ("https://www.financetom.com/business/pvh-illumina-added-to-chinas-unreliable-companies-list-330859.htm", "S",
             "MT Newswires, 4 Feb 2025: PVH and Illumina added (agree)"),
        ],
        "verify": [
            "No measures set by this notice were seen: MOFCOM's spokesperson said on 13 Feb 2025 "
            "that the two firms could be subject to one or more measures under Art. 10 (Xinhua "
            "[S]); later notices on them were not found."
        ],
        "entries": {
            "PVH Group": {
                "aliases": ["PVH Corp."],
                "verify": "Xinhua and MT Newswires call it 'PVH Corp.' (kept as an alias); the "
                "compilation writes 'PVH Group' (PVH集团).",
            },
        },
    },
    "2025-1": {
        "sources": [
            (COMPILATION_B, "X",
             "all 28 English and Chinese names agree; it cites the notice at "
             "https://www.mofcom.gov.cn/zcfb/dwmygl/art/2025/art_c14d6b7d45e247c596f4d3ecdda9b291.html"),
            (COMPILATION_C, "X", "No. 1, 28 US entities, 2 Jan 2025, at the address the data cites"),
            ("https://globaltimes.cn/page/202501/1326582.shtml", "S",
             "on 2 Jan 2025 MOFCOM put 28 US entities (General Dynamics, Boeing Defense, Space & "
             "Security and Lockheed Martin named) on the Control List; exports of dual-use items "
             "to them prohibited and ongoing exports to stop"),
        ],
    },
    "2025-13": {
        "number_grade": ("S", "senqingzn.com/dy/article/JR9ADVM605535FHQ.html quoting People's Daily"),
        "sources": [
            ("http://senqingzn.com/dy/article/JR9ADVM605535FHQ.html", "S",
             "quotes People's Daily quoting 'MOFCOM Announcement 2025 No. 13': Leidos and 14 "
             "other US entities; measures: exports of dual-use items prohibited, ongoing exports "
             "to stop, exceptional exports on application, in force on publication (agree)"),
            (COMPILATION_B, "X",
             "all 15 names agree in Chinese; in English all but 'Aero Vironment', which it "
             "writes 'AeroVironment, Inc.'"),
        ],
        "entries": {
            "Aero Vironment": {
                "aliases": ["AeroVironment, Inc."],
                "verify": "The compilation writes 'Aero Vironment'; another compilation and "
                "reports of UEL [2025] No. 10 write 'AeroVironment, Inc.' (kept as an alias); "
                "the notice's own spelling was not seen.",
            },
        },
    },
    "uel-20250304": {
        "number": (
            "UEL Working Mechanism Announcement [2025] No. 5", "X",
            "a third-party list gives 〔2025〕5号 for this address; the weiqi-kids extraction of "
            "exportcontrol.mofcom.gov.cn/article/gndt/202511/1187.html names the 4 Mar 2025 "
            "notices Nos. 5 and 6",
        ),
        "sources": [(COMPILATION_C, "X", "〔2025〕5号 of 4 Mar 2025 at the address the data cites")],
    },
    "2025-21": {
        "sources": [
            ("https://www.shine.cn/news/nation/2504045779/", "S",
             "Xinhua, 4 Apr 2025: exports of dual-use items to 16 US entities prohibited"),
            (COMPILATION_B, "X", "all 16 English and Chinese names agree"),
        ],
    },
    "uel-20250404": {
        "number": (
            "UEL Working Mechanism Announcement [2025] No. 7", "S",
            "stheadline.com, 12 Aug 2025, quoting the MOFCOM spokesperson: '4月4日公告"
            "（不可靠实体清单工作机制〔2025〕7号）'; also a third-party list and the weiqi-kids "
            "extraction [X]",
        ),
        "events": [
            ("2025-08-12", "UEL measures: suspension continued 90 days", "S",
             "stheadline.com/zh-hans/realtime-china/3489562 (MOFCOM spokesperson, 12 Aug 2025)"),
        ],
        "sources": [
            (STHEADLINE_2025_08_12, "S",
             "MOFCOM spokesperson, 12 Aug 2025: the notices of 4 and 9 Apr 2025 (〔2025〕7号 and "
             "8号) put 17 US entities on the list, barring import and export activities related "
             "to China and new investment in China; from 12 Aug 2025 the measures of No. 7 stay "
             "suspended 90 days"),
            (COMPILATION_C, "X", "〔2025〕7号, 11 US entities, at the address the data cites"),
        ],
        "measures": (UEL_TRADE_BAN, "S", "stheadline.com/zh-hans/realtime-china/3489562", None),
    },
    "2025-22": {
        "sources": [
            ("https://cdyintong.com/?id=262", "S",
             "China News Service, 9 Apr 2025: MOFCOM announced that day 12 US entities on the "
             "Control List; exports of dual-use items to them prohibited"),
            (COMPILATION_B, "X", "all 12 English and Chinese names agree; it also dates it 2025-04-10"),
        ],
        "verify": [
            "Published 9 Apr 2025 by the MOFCOM spokesperson's account (12 Aug 2025, ettoday.net "
            "and People's Daily [S]); the data dates the listing 10 Apr 2025. The UEL notice of "
            "the same day took effect on 10 Apr 2025 at 12:01 (etnet.com.hk [S]); whether this "
            "notice did too was not seen."
        ],
    },
    "uel-2025-8": {
        "number_grade": ("S", "stheadline.com/zh-hans/realtime-china/3489562 quoting the MOFCOM spokesperson"),
        "events": [
            ("2025-08-12", "UEL measures stopped (停止)", "S",
             "stheadline.com/zh-hans/realtime-china/3489562 (MOFCOM spokesperson, 12 Aug 2025)"),
        ],
        "sources": [
            ("https://www.etnet.com.hk/www/tc/forex/news-article/20250410440", "S",
             "quotes the notice: the six names in Chinese and English agree; measures: no import "
             "or export activities related to China, no new investment in China; in force from "
             "10 Apr 2025 12:01 (agrees with the date)"),
            (STHEADLINE_2025_08_12, "S",
             "MOFCOM spokesperson, 12 Aug 2025: the measures of 〔2025〕8号 stop"),
        ],
        "measures": (UEL_TRADE_BAN, "S", "etnet.com.hk 20250410440 quoting the notice", None),
    },
    "2025-35": {
        "sources": [
            ("https://hk.outputnews.com/2025/zaobao/news_2025_07_09_978547", "S",
             "Lianhe Zaobao, 9 Jul 2025: the eight Chinese names agree; exports of dual-use items "
             "prohibited, ongoing exports to stop, exceptional exports on application"),
            ("https://www.mirrordaily.news/story/9690", "S", "the eight names and the measures agree"),
            (COMPILATION_B, "X",
             "all 8 English and Chinese names agree (up to a space after a comma); No. 35"),
        ],
    },
    "order-2025-5": {
        "number_grade": (
            "S",
            "etnet.com.hk ETN350813847 and udn.com/news/story/7333/8936880 name 商务部令2025年第5号",
        ),
        "sources": [
            ("http://news.sxrb.com/GB/314064/10363253.html", "P",
             "reprints the decision: organisations and individuals in China may not trade or "
             "cooperate with UAB Urbo Bankas and AB Mano Bankas; in force 13 Aug 2025"),
            ("https://www.yxiu.cn/finance/ch/760082.html", "S",
             "MOFCOM Order 二〇二五年第5号 and its decision, paraphrased with an added summary: "
             "the two banks agree"),
            ("https://www.etnet.com.hk/www/tc/stocks/ah_news_detail.php?newsid=ETN350813847", "S",
             "'商務部令二零二五年第５號', the two banks and the measure agree"),
        ],
        "measures": (NO_DEALINGS, "P", "news.sxrb.com/GB/314064/10363253.html", None),
    },
    "2025-51": {
        "sources": [
            ("https://www.ettoday.net/news/20250925/3039993.htm", "S",
             "25 Sep 2025: the three names, with English names, agree; exports of dual-use items prohibited"),
            ("https://udn.com/news/story/7333/9029486", "S", "the three names and the measures agree"),
            (COMPILATION_B, "X", "all 3 English and Chinese names agree; No. 51"),
        ],
    },
    "uel-2025-9": {
        "sources": [
            ("https://udn.com/news/story/7333/9029486", "S",
             "25 Sep 2025: Saronic Technologies, Aerkomm and Oceaneering International (agree); "
             "no import or export activities related to China, no new investment in China"),
        ],
        "measures": (UEL_TRADE_BAN, "S", "udn.com/news/story/7333/9029486", None),
    },
    "uel-2025-10": {
        "sources": [
            ("https://www.ettoday.net/news/20251009/3047716.htm", "S",
             "9 Oct 2025: 14 foreign entities and their branches; the names it gives (Dedrone by "
             "Axon, DZYNE Technologies, Elbit Systems of America, LLC, Epirus, Inc., "
             "AeroVironment, Inc., Exelis Inc., Alliant Techsystems Operations LLC, BAE Systems, "
             "Inc., Teledyne FLIR) agree; measures: no import or export activities related to "
             "China, no new investment, and organisations and individuals in China may not trade "
             "or cooperate with them, in particular pass them data or sensitive information"),
            ("https://udn.com/news/story/7331/9061185", "S",
             "the same measures; calls TechInsights a Canadian research firm"),
        ],
        "measures": (
            UEL_TRADE_BAN + " Organisations and individuals in China may not carry out "
            "transactions or cooperation with them, in particular transfer data or sensitive "
            "information to them.",
            "S", "ettoday.net/news/20251009/3047716.htm; udn.com/news/story/7331/9061185", None,
        ),
    },
    "order-2025-6": {
        "events": [
            ("2025-11-10", "same, press: countermeasures suspended one year from 10 Nov 2025", "S",
             "hkcna.hk/docDetail.jsp?channel=2808&id=101159271 (China News Service, 10 Nov 2025)"),
        ],
        "sources": [
            (HK01_2025_10_14, "S",
             "quotes the decision of 14 Oct 2025: the five Hanwha Ocean US subsidiaries (names "
             "agree); organisations and individuals in China may not trade or cooperate with them"),
            ("https://udn.com/news/story/7333/9069014", "S", "the five names and the measure agree"),
        ],
        "measures": (NO_DEALINGS, "S", "hk01.com 60285130; udn.com/news/story/7333/9069014", None),
    },
    "2026-11": {
        "number_grade": ("S", "ettoday.net/news/20260224/3122152.htm ('2026年11號公告')"),
        "transfer": "P",
        "sources": [
            (HK01_2026_02_24, "P",
             "reprints the notice's measures (export ban and foreign-transfer ban, exceptional "
             "exports on application, in force on publication) and names 1-14 in Chinese "
             "(traditional script) and English: agree"),
            ("https://news.cnyes.com/news/id/6350322", "P", "reprints the notice's text: measures agree"),
            ("https://kan.china.com/article/6381631_3.html", "P",
             "reprints names 16-20 in simplified Chinese and English: agree"),
            (COMPILATION_B, "X", "all 20 English and Chinese names agree (name 15 is seen only here)"),
        ],
    },
    "2026-12": {
        "number_grade": ("S", "ettoday.net/news/20260224/3122152.htm ('第12號公告')"),
        "undertaking": "P",
        "sources": [
            ("https://www.ettoday.net/news/20260224/3122152.htm", "P",
             "reprints the notice's text: no general licence or registration; an individual "
             "licence with a risk-assessment report and a written undertaking that the items "
             "will not be used for anything that enhances Japan's military strength; review "
             "period not bound by Art. 17(1); removal after cooperating with verification; names "
             "1-5 agree"),
            ("https://kan.china.com/article/6381631_3.html", "P",
             "reprints the notice's text in simplified Chinese: measures agree"),
            ("https://ec.ltn.com.tw/article/breakingnews/5352050", "S",
             "SUBARU, TDK and Mitsui Bussan Aerospace named (agree)"),
        ],
    },
    "2026-20": {
        "transfer": "S",
        "sources": [
            ("https://mil-translator1.mil-osi.com/2026/04/24/china-added-7-eu-entities-to-the-export-control-list-detailed-version-1/", "S",
             "Xinhua, 24 Apr 2026: the seven English names exactly as in the data; exports of "
             "dual-use items and foreign transfers of Chinese-origin items prohibited"),
            ("https://hot.dzwww.com/w_13Quk", "S",
             "Global Times: two Belgian, one German and four Czech entities (the data's countries "
             "agree); exceptional exports on application"),
            (COMPILATION_B, "X", "all 7 English and Chinese names agree"),
        ],
    },
    "2026-23": {
        "transfer": "S",
        "sources": [
            ("https://kalkine.com/news/general-news/china-targets-mp-materials-and-usa-rare-earth-with-export-controls-in-retaliation-against-us-restrictions", "S",
             "22 Jun 2026: 10 US entities incl. MP Materials and USA Rare Earth; a full ban on "
             "dual-use exports, transfers of Chinese-origin dual-use items prohibited, ongoing "
             "exports to stop"),
            ("https://source.benchmarkminerals.com/article/china-targets-us-rare-earth-and-defence-linked-entities-with-dual-use-export-ban", "S",
             "10 US entities, in force 22 Jun 2026"),
            (COMPILATION_B, "X",
             "all 10 English and Chinese names agree; it cites the notice at "
             "https://www.mofcom.gov.cn/zcfb/zc/art/2026/art_600b218f9c6e4326a9a33500eda5d7fb.html"),
            (COMPILATION_C, "X", "No. 23, 10 US entities, at the address the data cites"),
        ],
    },
    "cl-20260629": {
        "number": (
            "MOFCOM Announcement 2026 No. 27", "X",
            "a third-party list gives 商务部公告2026年第27号 (20 Japanese entities, 29 Jun 2026) "
            "for this address; another compilation gives the same number",
        ),
        "transfer": "S",
        "sources": [
            (COMPILATION_C, "X", "No. 27 at the address the data cites"),
            (COMPILATION_B, "X",
             "No. 27; all 20 English and Chinese names agree; it cites the notice at "
             "https://www.mofcom.gov.cn/zcfb/blgg/gg/2026/art/2026/art_6607ea694b704da8ac5e863a5568e47c.html"),
            ("https://chinaindustryintel.com/china-imposes-dual-use-export-controls-on-40-japanese-entities/", "S",
             "29 Jun 2026: 20 Japanese entities on the Control List and 20 on the Watch List; "
             "the export ban also binds foreign suppliers of Chinese-origin dual-use items"),
            ("https://chinadailybrief.com/article/6a422818bc35116ac7dd0edb", "S",
             "names the National Institute for Defense Studies; third parties may not transfer "
             "Chinese-origin goods to the listed entities"),
        ],
    },
    "wl-20260629": {
        "number": (
            "MOFCOM Announcement 2026 No. 28", "X",
            "a third-party list gives 商务部公告2026年第28号 (20 Japanese entities, Watch List, "
            "29 Jun 2026) for this address",
        ),
        "undertaking": "S",
        "sources": [
            (COMPILATION_C, "X", "No. 28 at the address the data cites"),
            ("https://chinadailybrief.com/article/6a422818bc35116ac7dd0edb", "S",
             "Mitsui E&S and subsidiaries of Hitachi and Fujitsu named (agree); no general "
             "licence; a risk assessment and a written guarantee that the goods will not "
             "contribute to Japan's military capabilities"),
            ("https://chinaindustryintel.com/china-imposes-dual-use-export-controls-on-40-japanese-entities/", "S",
             "special licences, risk-assessment reports and written pledges; removal after "
             "cooperating with verification"),
        ],
    },
    "2026-30": {
        "sources": [
            (COMPILATION_B, "X",
             "No. 30; all 14 English and Chinese names agree; it cites the notice at "
             "https://xkzj.mofcom.gov.cn/tzgg/art/2026/art_411af1b877b147f9954328854c5e2ca1.html"),
            (COMPILATION_C, "X", "No. 30, 14 EU entities, at the address the data cites"),
        ],
    },
    "order-2026-2": {
        "sources": [
            (COMPILATION_C, "X", "商务部令2026年第2号, incl. Responsible Business Alliance, at the address the data cites"),
        ],
    },
    "order-2026-3": {
        "sources": [
            (COMPILATION_C, "X", "a MOFCOM decision of 5 Aug 2026 on Compliance Testing LLC at the address the data cites"),
        ],
        "verify": [
            "A third-party list gives this notice as a MOFCOM decision of 5 Aug 2026 without an "
            "order number; 'Order 2026 No. 3' rests on the compilation alone."
        ],
    },
}
# Listings the compilation lacks that the stored sources name in full, in the compilation's own
# row format; each entry is graded by the source that names it.
UEL_2025_3 = "https://www.mofcom.gov.cn/zcfb/blgg/gg/2025/art/2025/art_a4e1d7ae955d409780b01fa4a08a1331.html"
MISSING_ROWS = [
    {
        "list": "Unreliable Entity List (不可靠实体清单)",
        "name_en": name_en,
        "aliases": [],
        "name_zh": name_zh,
        "type": "Company",
        "country": "US",
        "date_effective": "2025-01-15",
        "end_date": None,
        "note": None,
        "address": None,
        "official_url_cited": UEL_2025_3,
        "announcement": "UEL Working Mechanism Announcement [2025] No. 3",
        "announcement_label_grade": "X",
        "announcement_label_source": "a third-party list gives 〔2025〕3号 (4 US entities, "
        "15 Jan 2025) at this address",
        "status_changes": [],
        "grade": "S",
    }
    for name_en, name_zh in [
        ("Pacific Rim Defense", "环太平洋防务公司"),
        ("AEVEX Aerospace", "AEVEX航天公司"),
        ("LKD Aerospace", "LKD航天公司"),
        ("Summit Technologies Inc.", "顶峰科技公司"),
    ]
]
CHECKS["uel-2025-3"] = {
    "sources": [
        ("https://sputniknews.cn//20250115/1063646933.html", "S",
         "quotes the notice of 15 Jan 2025: the four companies in Chinese and English and its "
         "four measures; in force on publication"),
        ("http://markspestcontrol.com/news/guoji/2025-01-15/1531991.html", "S",
         "repost of Xinhua, 15 Jan 2025: the four Chinese names and the four measures agree"),
        (COMPILATION_C, "X", "〔2025〕3号, 4 US entities, 15 Jan 2025"),
    ],
    "measures": (
        "The listed companies may not engage in import or export activities related to China "
        "or make new investments in China; their senior managers may not enter China, and their "
        "work permits and stay or residence status in China are refused or cancelled.",
        "S", "sputniknews.cn 20250115/1063646933; Xinhua via markspestcontrol.com", None,
    ),
    "verify": [
        "Not in the compilation the lists are built from: added from a news agency's quotation "
        "of the notice [S]; no later status (suspension or stop) was found."
    ],
}
# What the check left as it found it, for the next one.
STILL_OPEN = [
    "No official notice's text was readable in the stored sources: every entry of the "
    "compilation stays [X], with reposts, reports and other compilations that agree named "
    "as corroboration.",
    "UEL listing of 2 Jan 2025 (10 US defence firms): reports give the count and the measures "
    "(i-cable.com; taisounds.com: five Lockheed Martin units, three General Dynamics units, the "
    "Javelin joint venture and Raytheon Missile Systems) but not the ten names: not added.",
    "UEL listing of 14 Jan 2025 (7 US entities, Inter-Coastal Electronics and six others, "
    "a China News Service report in the stored pages): names not found: not added.",
    "UEL [2025] No. 6 of 4 Mar 2025 (a third-party list gives its address, "
    "art_5476ce842c764bd09fa530b97ebf96bb.html): what it did was not found.",
    "2026 No. 30 and Orders 2026 Nos. 2 and 3: seen only in compilations.",
]


def iso_date(text):
    """YYYY-MM-DD or DD.MM.YYYY, as YYYY-MM-DD; anything else is an error."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    m = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    raise SystemExit(f"not a date: {text!r}")


def add_years(date, years):
    d = dt.date.fromisoformat(date)
    return d.replace(year=d.year + years).isoformat()


def add_days(date, days):
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def announcement(label, lst, date, index):
    """(id, name, short) of a listing announcement from its label, or one made from its list
    and date when the number was not found."""
    if label:
        # (pattern, id, name, short), the year and number filled in.
        kinds = [
            (r"MOFCOM Announcement (\d{4}) No\. (\d+)",
             "{0}-{1}", "MOFCOM Announcement {0} No. {1}", "{0} No. {1}"),
            (r"UEL Working Mechanism Announcement \[(\d{4})\] No\. (\d+)",
             "uel-{0}-{1}", "UEL Working Mechanism Announcement [{0}] No. {1}", "UEL [{0}] No. {1}"),
            (r"MOFCOM Order (\d{4}) No\. (\d+)",
             "order-{0}-{1}", "MOFCOM Order {0} No. {1}", "Order {0} No. {1}"),
        ]
        for pattern, *forms in kinds:
            m = re.match(pattern, label)
            if m:
                return tuple(form.format(m[1], m[2]) for form in forms)
        raise SystemExit(f"announcement label not understood: {label!r}")
    words = {
        "control_list": "Control List notice",
        "watch_list": "Watch List notice",
        "unreliable_entity": "UEL notice",
        "countermeasure": "Countermeasure order",
    }[lst]
    d = dt.date.fromisoformat(date)
    day = f"{d.day} {d.strftime('%b %Y')}"
    suffix = chr(ord("a") + index) if index else ""
    return (
        f"{LIST_PREFIX[lst]}-{date.replace('-', '')}{suffix}",
        f"MOFCOM {words} of {day} (number not found)",
        f"{words} {day}",
    )


def timeline(changes, listed_on):
    """Dated status events from the free-text changes, and VERIFY notes for what the text
    does not settle. Each event: {from, state (suspended|stopped|in_force|unknown), until?,
    text, grade, sources, verify?}."""
    events, notes = [], []
    for change in changes:
        text, date = change["event"], iso_date(change["date"])
        source = {"text": change["source"], "grade": change["grade"]}
        if text.startswith("same") and events and events[-1]["from"] == date:
            events[-1]["sources"].append(source)
            continue
        event = {"from": date, "text": text, "sources": [source]}
        low = text.lower()
        days = re.search(r"(\d+) days", low)
        approx = re.search(r"to ~(\d{4}-\d{2}-\d{2})", low)
        if "stopped" in low or "cancelled" in low:
            event["state"] = "stopped"
        elif "suspen" in low or "paused" in low:
            event["state"] = "suspended"
            if days:
                event["until"] = add_days(date, int(days[1]))
                event["verify"] = (
                    f"The end ({event['until']}) is {days[1]} days counted from {date}; "
                    "the notice's own end date was not seen."
                )
            elif "one year" in low:
                event["until"] = add_years(date, 1)
                event["verify"] = (
                    f"'For one year' from {date}: taken to end on {event['until']}"
                    + (f" (the source says about {approx[1]})" if approx else "")
                    + "; no later status was found: the measures apply again after it "
                    "unless it was extended (MOFCOM's 28 Sep 2026 statement on extending "
                    "the joint arrangement to 10 Jan 2027 is a lead, not confirmed)."
                )
            else:
                event["verify"] = (
                    "How long the measures are paused is not stated and no later status "
                    "was found: verify whether they apply again."
                )
                event["open"] = True
        else:
            notes.append(f"Status change not understood, not applied: {date}: {text}")
            continue
        events.append(event)
    # A suspension that ran out before the next event leaves a gap the sources do not fill.
    filled = []
    for i, event in enumerate(events):
        filled.append(event)
        nxt = events[i + 1] if i + 1 < len(events) else None
        if event.pop("open", False) and nxt:
            event["verify"] = (
                "How long the measures were paused is not stated; the next recorded change "
                f"is on {nxt['from']}."
            )
        until = event.get("until")
        if nxt and until and until < nxt["from"]:
            filled.append(
                {
                    "from": until,
                    "state": "unknown",
                    "text": f"no status recorded between {until} and {nxt['from']}",
                    "sources": [],
                    "verify": "Whether the measures applied in this period is not recorded.",
                }
            )
    # Continuations: a later event that continues a suspension replaces the earlier end.
    return filled, notes


def confirmed(clause):
    """A clause whose VERIFY point a repost [P] or report [S] of the notice settled."""
    return {k: v for k, v in clause.items() if k != "verify"}


def clauses_of(lst, listing_id, published, check):
    if lst == "control_list":
        clauses = [CONTROL_BAN]
        if published >= "2026-02-01":
            clauses.append(confirmed(CONTROL_TRANSFER) if "transfer" in check else CONTROL_TRANSFER)
        return clauses
    if lst == "watch_list":
        if listing_id not in ("2026-12", "wl-20260629"):
            return [WATCH]
        return [confirmed(WATCH_JAPAN) if "undertaking" in check else WATCH_JAPAN]
    clause = UNKNOWN_MEASURES[lst]
    if "measures" not in check:
        return [clause]
    text, grade, source, why = check["measures"]
    return [
        dict(
            clause,
            text=text,
            verify=f"These measures are known from [{grade}] {'reposts' if grade == 'P' else 'reports'} "
            f"of the notice ({source}), not from its official text. "
            + (
                why
                or "They reach trade with the parties in general, not only controlled items, "
                "which this screening does not model: it names the listing and decides nothing "
                "by it; read the notice before trading with the parties."
            ),
        )
    ]


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUT
    raw = source.read_bytes()
    data = json.loads(raw)
    listings, order = {}, []
    no_number = {}
    for row in data["entries"] + MISSING_ROWS:
        lst = LISTS[row["list"]]
        date = iso_date(row["date_effective"])
        key = (lst, date, row["announcement"], row["official_url_cited"])
        if key not in listings:
            index = 0
            if not row["announcement"]:
                index = no_number.get((lst, date), 0)
                no_number[(lst, date)] = index + 1
            # The id stays as first built, so records that name an entry still find it.
            lid, name, short = announcement(row["announcement"], lst, date, index)
            check = CHECKS.get(lid, {})
            label, label_grade, label_source = (
                row["announcement"],
                row["announcement_label_grade"],
                row["announcement_label_source"],
            )
            if "number" in check:
                label, label_grade, label_source = check["number"]
                _, name, short = announcement(label, lst, date, index)
            if "number_grade" in check:
                label_grade, label_source = check["number_grade"]
            extra = [
                {"date": d, "event": e, "grade": g, "source": src}
                for d, e, g, src in check.get("events", [])
            ]
            changes, notes = timeline(
                sorted(row["status_changes"] + extra, key=lambda c: iso_date(c["date"])), date
            )
            verify = list(notes)
            if label is None:
                verify.append(
                    "The announcement number was not found; the notice is known by its "
                    "official address only."
                )
            elif label_grade in ("X", "S"):
                verify.append(f"The announcement number is graded [{label_grade}] ({label_source}).")
            verify.extend(check.get("verify", []))
            listings[key] = {
                "id": lid,
                "list": lst,
                "name": name,
                "short": short,
                "published": date,
                "source": {"url": row["official_url_cited"], "grade": "O",
                           "note": "the official notice, as cited by a third-party compilation; not opened here"},
                "clauses": clauses_of(lst, lid, date, check),
                "timeline": changes,
                "verify": verify,
                "corroboration": [
                    {"url": url, "grade": grade, "note": DESCRIBED.get(url, "") + note}
                    for url, grade, note in check.get("sources", [])
                ],
                "entries": [],
                "_changes": row["status_changes"],
            }
            order.append(key)
        listing = listings[key]
        if row["status_changes"] != listing["_changes"]:
            raise SystemExit(f"{row['name_en']}: status changes differ within {listing['id']}")
        names = [row["name_en"].strip()]
        entry = {
            "name": row["name_en"].strip(),
            "name_zh": (row["name_zh"] or "").strip() or None,
            "aliases": [a.strip() for a in row["aliases"] if a.strip()],
            "type": TYPES[row["type"]],
            "country": COUNTRIES.get(row["country"], row["country"]),
            "address": row["address"],
            "note": row["note"],
            "grade": row["grade"],
        }
        verify = []
        if row["end_date"]:
            end = iso_date(row["end_date"])
            stops = [e for e in listing["timeline"] if e["state"] == "stopped"]
            if not any(e["from"] == end for e in stops):
                verify.append(f"The compilation gives an end date {end} that no status change explains.")
        if entry["country"] is None:
            verify.append("Country not given in the compilation.")
        fix = CHECKS.get(listing["id"], {}).get("entries", {}).get(entry["name"])
        if fix:
            entry["aliases"] += [a for a in fix["aliases"] if a not in entry["aliases"]]
            verify.append(fix["verify"])
        entry["verify"] = verify
        duplicate = next(
            (e for e in listing["entries"] if e["name"].casefold() == names[0].casefold()), None
        )
        if duplicate:
            for alias in entry["aliases"]:
                if alias not in duplicate["aliases"]:
                    duplicate["aliases"].append(alias)
            print(f"note: {entry['name']} appears twice in {listing['id']}: merged", file=sys.stderr)
            continue
        listing["entries"].append(entry)
    built = {listings[k]["id"]: listings[k] for k in order}
    for lid, check in CHECKS.items():
        if lid not in built:
            raise SystemExit(f"CHECKS names no listing {lid}")
        names = {e["name"] for e in built[lid]["entries"]}
        for name in check.get("entries", {}):
            if name not in names:
                raise SystemExit(f"CHECKS names no entry {name} in {lid}")
    result = []
    for key in sorted(order, key=lambda k: (listings[k]["published"], listings[k]["id"])):
        listing = listings[key]
        del listing["_changes"]
        for n, entry in enumerate(listing["entries"], 1):
            entry["id"] = f"{listing['id']}-{n:02}"
        listing["entries"] = [dict(id=e.pop("id"), **e) for e in listing["entries"]]
        result.append(listing)
    meta = data["meta"]
    doc = {
        "schema": 1,
        "id": "mofcom-parties",
        "version": VERSION,
        "title": "MOFCOM designations (Control List, Watch List, Unreliable Entity List, countermeasure orders)",
        "source_file": source.name,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "current_to": "2026-08-05",
        "grade": meta["grade"],
        "known_gaps": meta["known_gaps"],
        "still_open_after_check": STILL_OPEN,
        "listings": result,
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    entries = sum(len(l["entries"]) for l in result)
    print(f"{out.name}: {len(result)} listings, {entries} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
