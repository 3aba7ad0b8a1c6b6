"""Places, names and phone numbering used by the generator.

Two locales are built in: ``CN`` (Chinese names written in characters or pinyin,
ten provinces) and ``GB`` (English names, nine regions). Any other phone region
gets its own numbering and time zone and the ``GB`` names and places.

>>> plan = phone_plan("GB")
>>> plan.country_code, plan.trunk
('44', '0')
>>> locale_for("CN").regions[0].name
'Yunnan'
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import phonenumbers

__all__ = ["City", "Locale", "PhonePlan", "Region", "locale_for", "phone_plan"]


@dataclass(frozen=True)
class City:
    name: str  # as written in location names
    lat: float
    lon: float
    code: str  # administrative area code (CN resident id prefix), else ""


@dataclass(frozen=True)
class Region:
    name: str
    cities: tuple[City, ...]


#: a name part: (native, romanised, variant romanisation or spelling)
Part = tuple[str, str, str]


@dataclass(frozen=True)
class Locale:
    key: str
    regions: tuple[Region, ...]
    surnames: tuple[Part, ...]
    given_female: tuple[Part, ...]
    given_male: tuple[Part, ...]
    #: names are usually written in a native script (CN: characters)
    native_script: bool
    currency: str
    #: median price of a victim at the first transfer, in ``currency``
    base_price: float
    streets: tuple[str, ...]
    address_fmt: str  # {city} {street} {n}
    tower_fmt: str  # {city} {n}
    site_fmt: str  # {city}
    city_fmt: str  # {city}


def _table(text: str, sep: str | None = None) -> list[list[str]]:
    """The rows of a text table: one a line (blank lines skipped), cells split at ``sep``
    (default: white space) and stripped."""
    return [[c.strip() for c in line.split(sep)] for line in text.splitlines() if line.strip()]


def _list(text: str, sep: str | None = None) -> tuple[str, ...]:
    """The items of a text list: split at ``sep`` (default: white space), stripped."""
    return tuple(item.strip() for item in text.split(sep) if item.strip())


def _regions(text: str) -> tuple[Region, ...]:
    """Regions from ``region | city | lat | lon [| area code]`` lines, in order of mention."""
    cities: dict[str, list[City]] = {}
    for region, name, lat, lon, *code in _table(text, "|"):
        city = City(name, float(lat), float(lon), code[0] if code else "")
        cities.setdefault(region, []).append(city)
    return tuple(Region(region, tuple(of)) for region, of in cities.items())


def _parts(text: str) -> tuple[Part, ...]:
    """Name parts from ``written romanised variant`` lines, or ``written variant`` lines
    where the written form is already romanised (English names)."""
    rows = _table(text)
    return tuple((r[0], r[0], r[1]) if len(r) == 2 else (r[0], r[1], r[2]) for r in rows)


# one line per city: region | city | latitude | longitude | area code (CN resident ids)
_CN_REGIONS = _regions(
    """
Yunnan    | 昆明   | 25.04 | 102.71 | 530102
Yunnan    | 曲靖   | 25.49 | 103.80 | 530302
Yunnan    | 昭通   | 27.34 | 103.72 | 530602
Guizhou   | 贵阳   | 26.65 | 106.63 | 520102
Guizhou   | 遵义   | 27.73 | 106.93 | 520302
Guizhou   | 毕节   | 27.30 | 105.29 | 520502
Sichuan   | 成都   | 30.57 | 104.07 | 510104
Sichuan   | 绵阳   | 31.47 | 104.68 | 510703
Sichuan   | 西昌   | 27.89 | 102.26 | 513401
Henan     | 郑州   | 34.75 | 113.63 | 410102
Henan     | 洛阳   | 34.62 | 112.45 | 410302
Henan     | 周口   | 33.63 | 114.65 | 411602
Shandong  | 济南   | 36.65 | 117.12 | 370102
Shandong  | 临沂   | 35.10 | 118.36 | 371302
Shandong  | 菏泽   | 35.23 | 115.48 | 371702
Fujian    | 福州   | 26.07 | 119.30 | 350102
Fujian    | 莆田   | 25.45 | 119.01 | 350302
Fujian    | 泉州   | 24.87 | 118.68 | 350502
Guangdong | 广州   | 23.13 | 113.26 | 440103
Guangdong | 深圳   | 22.54 | 114.06 | 440303
Guangdong | 东莞   | 23.02 | 113.75 | 441900
Hebei     | 石家庄 | 38.04 | 114.51 | 130102
Hebei     | 邯郸   | 36.63 | 114.54 | 130402
Hebei     | 邢台   | 37.07 | 114.50 | 130502
Guangxi   | 南宁   | 22.82 | 108.32 | 450102
Guangxi   | 柳州   | 24.33 | 109.41 | 450202
Guangxi   | 玉林   | 22.65 | 110.18 | 450902
Hunan     | 长沙   | 28.23 | 112.94 | 430102
Hunan     | 邵阳   | 27.24 | 111.47 | 430502
Hunan     | 岳阳   | 29.36 | 113.13 | 430602
"""
)

# surnames and given names: characters, pinyin, Wade-Giles
_CN_SURNAMES = _parts(
    """
王 Wang  Wang
李 Li    Lee
张 Zhang Chang
刘 Liu   Liu
陈 Chen  Ch'en
杨 Yang  Yang
黄 Huang Hwang
赵 Zhao  Chao
吴 Wu    Wu
周 Zhou  Chou
徐 Xu    Hsu
孙 Sun   Sun
马 Ma    Ma
朱 Zhu   Chu
胡 Hu    Hu
郭 Guo   Kuo
何 He    Ho
林 Lin   Lin
高 Gao   Kao
罗 Luo   Lo
郑 Zheng Cheng
梁 Liang Liang
谢 Xie   Hsieh
宋 Song  Sung
唐 Tang  T'ang
韩 Han   Han
冯 Feng  Feng
邓 Deng  Teng
曹 Cao   Ts'ao
彭 Peng  P'eng
曾 Zeng  Tseng
肖 Xiao  Hsiao
田 Tian  T'ien
董 Dong  Tung
潘 Pan   P'an
袁 Yuan  Yuan
蔡 Cai   Ts'ai
蒋 Jiang Chiang
余 Yu    Yü
杜 Du    Tu
叶 Ye    Yeh
程 Cheng Ch'eng
魏 Wei   Wei
苏 Su    Su
丁 Ding  Ting
任 Ren   Jen
姚 Yao   Yao
崔 Cui   Ts'ui
钟 Zhong Chung
谭 Tan   T'an
金 Jin   Chin
石 Shi   Shih
贾 Jia   Chia
夏 Xia   Hsia
熊 Xiong Hsiung
秦 Qin   Ch'in
邱 Qiu   Ch'iu
薛 Xue   Hsüeh
龙 Long  Lung
顾 Gu    Ku
"""
)

_CN_FEMALE = _parts(
    """
芳   Fang     Fang
娜   Na       Na
敏   Min      Min
静   Jing     Ching
丽   Li       Li
艳   Yan      Yen
娟   Juan     Chüan
霞   Xia      Hsia
秀英 Xiuying  Hsiu-ying
桂英 Guiying  Kuei-ying
海燕 Haiyan   Hai-yen
小红 Xiaohong Hsiao-hung
玲   Ling     Ling
婷   Ting     T'ing
雪   Xue      Hsüeh
琳   Lin      Lin
红   Hong     Hung
欣怡 Xinyi    Hsin-i
梓涵 Zihan    Tzu-han
佳怡 Jiayi    Chia-i
慧   Hui      Hui
萍   Ping     P'ing
燕   Yan      Yen
丹   Dan      Tan
"""
)

_CN_MALE = _parts(
    """
伟   Wei      Wei
强   Qiang    Ch'iang
磊   Lei      Lei
军   Jun      Chün
洋   Yang     Yang
勇   Yong     Yung
杰   Jie      Chieh
涛   Tao      T'ao
明   Ming     Ming
超   Chao     Ch'ao
刚   Gang     Kang
建华 Jianhua  Chien-hua
建国 Jianguo  Chien-kuo
志强 Zhiqiang Chih-ch'iang
文   Wen      Wen
辉   Hui      Hui
鹏   Peng     P'eng
斌   Bin      Pin
飞   Fei      Fei
鑫   Xin      Hsin
波   Bo       Po
宇   Yu       Yü
浩   Hao      Hao
凯   Kai      K'ai
子轩 Zixuan   Tzu-hsüan
浩然 Haoran   Hao-jan
平   Ping     P'ing
"""
)

_CN = Locale(
    key="CN",
    regions=_CN_REGIONS,
    surnames=_CN_SURNAMES,
    given_female=_CN_FEMALE,
    given_male=_CN_MALE,
    native_script=True,
    currency="CNY",
    base_price=30000.0,
    streets=_list(
        """
        人民路 解放路 建设路 中山路 和平路 新华路 胜利路 文化路 北京路 长江路 东风路 工业路
        """
    ),
    address_fmt="{city}市{street}{n}号",
    tower_fmt="{city}基站{n:04d}",
    site_fmt="{city}市公安局DNA采血点",
    city_fmt="{city}市",
)

# one line per city: region | city | latitude | longitude
_GB_REGIONS = _regions(
    """
London        | London              | 51.507 | -0.128
London        | Croydon             | 51.376 | -0.098
London        | Romford             | 51.575 | 0.183
North West    | Manchester          | 53.480 | -2.242
North West    | Liverpool           | 53.408 | -2.992
North West    | Preston             | 53.763 | -2.703
West Midlands | Birmingham          | 52.486 | -1.890
West Midlands | Coventry            | 52.407 | -1.510
West Midlands | Wolverhampton       | 52.587 | -2.129
Yorkshire     | Leeds               | 53.800 | -1.549
Yorkshire     | Sheffield           | 53.381 | -1.470
Yorkshire     | Bradford            | 53.796 | -1.759
North East    | Newcastle upon Tyne | 54.978 | -1.618
North East    | Sunderland          | 54.906 | -1.381
North East    | Middlesbrough       | 54.574 | -1.235
South West    | Bristol             | 51.455 | -2.588
South West    | Plymouth            | 50.376 | -4.143
South West    | Exeter              | 50.718 | -3.534
East Midlands | Nottingham          | 52.954 | -1.158
East Midlands | Leicester           | 52.637 | -1.135
East Midlands | Derby               | 52.923 | -1.476
Scotland      | Glasgow             | 55.864 | -4.252
Scotland      | Edinburgh           | 55.953 | -3.189
Scotland      | Aberdeen            | 57.150 | -2.094
Wales         | Cardiff             | 51.481 | -3.179
Wales         | Swansea             | 51.621 | -3.944
Wales         | Newport             | 51.588 | -2.998
"""
)

# (written, spelling variant or short form); romanised == written for English names
_GB_SURNAMES = _parts(
    """
Smith     Smyth
Jones     Jones
Taylor    Tailor
Brown     Browne
Williams  Williams
Wilson    Willson
Johnson   Jonson
Davies    Davis
Robinson  Robertson
Wright    Wright
Thompson  Thomson
Evans     Evans
Walker    Walker
White     Whyte
Roberts   Roberts
Green     Greene
Hall      Hall
Wood      Woods
Jackson   Jackson
Clarke    Clark
Khan      Kahn
Ahmed     Ahmad
Hussain   Hussein
Ali       Aly
Kowalski  Kovalsky
Popescu   Popesku
Nowak     Novak
Ivanov    Ivanoff
Murphy    Murphey
Kelly     Kelley
MacDonald McDonald
O'Neill   O'Neil
Patel     Patil
Singh     Singh
Hughes    Hewes
"""
)

_GB_FEMALE = _parts(
    """
Olivia    Liv
Emily     Emmie
Jessica   Jess
Sophie    Sophy
Chloe     Cloe
Grace     Gracie
Elizabeth Liz
Margaret  Maggie
Katherine Kate
Rebecca   Becky
Fatima    Fatimah
Aisha     Ayesha
Maria     Marie
Natalia   Natalya
Ioana     Ana
Amelia    Millie
Hannah    Hanna
Zofia     Sophia
Leah      Lea
Ruby      Rubie
"""
)

_GB_MALE = _parts(
    """
James       Jim
William     Bill
Robert      Bob
Thomas      Tom
Daniel      Danny
Michael     Mick
Anthony     Tony
Joseph      Joe
Richard     Rick
Christopher Chris
Mohammed    Muhammad
Yusuf       Yousef
Aleksandr   Alexander
Mikhail     Michael
Piotr       Peter
Andrei      Andrew
Connor      Conor
Liam        Leeam
Harry       Harold
Jack        Jak
Omar        Umar
Darren      Daz
"""
)

_GB = Locale(
    key="GB",
    regions=_GB_REGIONS,
    surnames=_GB_SURNAMES,
    given_female=_GB_FEMALE,
    given_male=_GB_MALE,
    native_script=False,
    currency="GBP",
    base_price=4000.0,
    streets=_list(
        """
        High Street, Station Road, Church Lane, Victoria Road, Green Lane, Park Road,
        Mill Lane, King Street, Queen Street, New Road, Albert Road, Manor Road
        """,
        ",",
    ),
    address_fmt="{n} {street} {city}",
    tower_fmt="{city} mast {n:04d}",
    site_fmt="{city} forensic sampling centre",
    city_fmt="{city}",
)


def locale_for(region: str) -> Locale:
    """The names and places used for a phone region (``CN``; anything else: ``GB``).

    Parameters
    ----------
    region : str
        A phone region.

    Returns
    -------
    Locale
        The Chinese locale for ``CN``, the British one otherwise.
    """
    return _CN if region.upper() == "CN" else _GB


@dataclass(frozen=True)
class PhonePlan:
    """How mobile numbers of one region are drawn and written.

    A number is ``prefix + suffix`` (the national significant number), written as
    ``+<country_code><nsn>`` (E.164), ``<trunk><nsn>`` (national) or the national
    form grouped like the region's own national format.
    """

    region: str
    country_code: str
    trunk: str
    prefixes: tuple[str, ...]
    suffix_digits: int
    groups: tuple[int, ...]  # digit group lengths of the national form
    timezone: str


_MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
_ZONES = {"CN": "Asia/Shanghai", "GB": "Europe/London"}


def _probe(region: str, cc: int, prefix: str, digits: int, rnd: random.Random) -> bool:
    for _ in range(100):
        nsn = prefix + "".join(rnd.choice("0123456789") for _ in range(digits))
        num = phonenumbers.parse(f"+{cc}{nsn}")
        if not phonenumbers.is_valid_number(num) or phonenumbers.number_type(num) not in _MOBILE:
            return False
    return True


_PREFERRED = {
    "CN": _list(
        """
        130 131 132 133 135 136 137 138 139 150 151 152 155 156 158 159 177 180 181 185 186 187
        188 189 199
        """
    ),
    "GB": _list(
        """
        740 741 742 743 744 745 746 747 748 749 750 751 752 753 754 755 756 757 758 759 780 781
        782 783
        """
    ),
}


@cache
def phone_plan(region: str) -> PhonePlan:
    """Mobile number prefixes of ``region`` every random suffix of which is a valid number.

    Prefixes are checked with ``phonenumbers`` (100 random suffixes each), so every
    generated number passes ``phonenumbers.is_valid_number``.

    Parameters
    ----------
    region : str
        A phone region (``GB``, ``CN``, ...).

    Returns
    -------
    PhonePlan
        The region's checked mobile prefixes.

    Raises
    ------
    ValueError
        When ``phonenumbers`` has no usable mobile number range for ``region``.
    """
    region = region.upper()
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"phonenumbers has no mobile numbers for region {region!r}")
    cc = int(example.country_code or 0)
    nsn = phonenumbers.national_significant_number(example)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = "".join(ch for ch in national if ch.isdigit())
    trunk = digits[: len(digits) - len(nsn)] if digits.endswith(nsn) else ""
    groups = tuple(
        len(g) for g in "".join(ch if ch.isdigit() or ch == " " else " " for ch in national).split()
    )
    if sum(groups) != len(trunk) + len(nsn):
        groups = (len(trunk) + len(nsn),)
    rnd = random.Random(f"phone-plan-{region}")
    plen = max(1, len(nsn) - 8)
    candidates = _PREFERRED.get(region) or tuple(nsn[: plen - 1] + d for d in "0123456789")
    prefixes = tuple(p for p in candidates if _probe(region, cc, p, len(nsn) - len(p), rnd))
    if not prefixes:
        plen = len(nsn) - 6
        prefixes = tuple(
            p
            for p in (nsn[: plen - 1] + d for d in "0123456789")
            if _probe(region, cc, p, len(nsn) - len(p), rnd)
        )
    if not prefixes:
        raise ValueError(f"cannot find a mobile number range for region {region!r}")
    tzs = [tz for tz in _time_zones(example) if "/" in tz]
    zone = _ZONES.get(region) or (tzs[0] if tzs else "UTC")
    return PhonePlan(region, str(cc), trunk, prefixes, len(nsn) - len(prefixes[0]), groups, zone)


def _time_zones(number: phonenumbers.PhoneNumber) -> tuple[str, ...]:
    from phonenumbers import timezone

    return tuple(timezone.time_zones_for_number(number))
