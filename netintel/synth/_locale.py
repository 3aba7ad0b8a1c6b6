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


def _c(name: str, lat: float, lon: float, code: str = "") -> City:
    return City(name, lat, lon, code)


_CN_REGIONS = (
    Region(
        "Yunnan",
        (
            _c("昆明", 25.04, 102.71, "530102"),
            _c("曲靖", 25.49, 103.80, "530302"),
            _c("昭通", 27.34, 103.72, "530602"),
        ),
    ),
    Region(
        "Guizhou",
        (
            _c("贵阳", 26.65, 106.63, "520102"),
            _c("遵义", 27.73, 106.93, "520302"),
            _c("毕节", 27.30, 105.29, "520502"),
        ),
    ),
    Region(
        "Sichuan",
        (
            _c("成都", 30.57, 104.07, "510104"),
            _c("绵阳", 31.47, 104.68, "510703"),
            _c("西昌", 27.89, 102.26, "513401"),
        ),
    ),
    Region(
        "Henan",
        (
            _c("郑州", 34.75, 113.63, "410102"),
            _c("洛阳", 34.62, 112.45, "410302"),
            _c("周口", 33.63, 114.65, "411602"),
        ),
    ),
    Region(
        "Shandong",
        (
            _c("济南", 36.65, 117.12, "370102"),
            _c("临沂", 35.10, 118.36, "371302"),
            _c("菏泽", 35.23, 115.48, "371702"),
        ),
    ),
    Region(
        "Fujian",
        (
            _c("福州", 26.07, 119.30, "350102"),
            _c("莆田", 25.45, 119.01, "350302"),
            _c("泉州", 24.87, 118.68, "350502"),
        ),
    ),
    Region(
        "Guangdong",
        (
            _c("广州", 23.13, 113.26, "440103"),
            _c("深圳", 22.54, 114.06, "440303"),
            _c("东莞", 23.02, 113.75, "441900"),
        ),
    ),
    Region(
        "Hebei",
        (
            _c("石家庄", 38.04, 114.51, "130102"),
            _c("邯郸", 36.63, 114.54, "130402"),
            _c("邢台", 37.07, 114.50, "130502"),
        ),
    ),
    Region(
        "Guangxi",
        (
            _c("南宁", 22.82, 108.32, "450102"),
            _c("柳州", 24.33, 109.41, "450202"),
            _c("玉林", 22.65, 110.18, "450902"),
        ),
    ),
    Region(
        "Hunan",
        (
            _c("长沙", 28.23, 112.94, "430102"),
            _c("邵阳", 27.24, 111.47, "430502"),
            _c("岳阳", 29.36, 113.13, "430602"),
        ),
    ),
)

_CN_SURNAMES: tuple[Part, ...] = (
    ("王", "Wang", "Wang"),
    ("李", "Li", "Lee"),
    ("张", "Zhang", "Chang"),
    ("刘", "Liu", "Liu"),
    ("陈", "Chen", "Ch'en"),
    ("杨", "Yang", "Yang"),
    ("黄", "Huang", "Hwang"),
    ("赵", "Zhao", "Chao"),
    ("吴", "Wu", "Wu"),
    ("周", "Zhou", "Chou"),
    ("徐", "Xu", "Hsu"),
    ("孙", "Sun", "Sun"),
    ("马", "Ma", "Ma"),
    ("朱", "Zhu", "Chu"),
    ("胡", "Hu", "Hu"),
    ("郭", "Guo", "Kuo"),
    ("何", "He", "Ho"),
    ("林", "Lin", "Lin"),
    ("高", "Gao", "Kao"),
    ("罗", "Luo", "Lo"),
    ("郑", "Zheng", "Cheng"),
    ("梁", "Liang", "Liang"),
    ("谢", "Xie", "Hsieh"),
    ("宋", "Song", "Sung"),
    ("唐", "Tang", "T'ang"),
    ("韩", "Han", "Han"),
    ("冯", "Feng", "Feng"),
    ("邓", "Deng", "Teng"),
    ("曹", "Cao", "Ts'ao"),
    ("彭", "Peng", "P'eng"),
    ("曾", "Zeng", "Tseng"),
    ("肖", "Xiao", "Hsiao"),
    ("田", "Tian", "T'ien"),
    ("董", "Dong", "Tung"),
    ("潘", "Pan", "P'an"),
    ("袁", "Yuan", "Yuan"),
    ("蔡", "Cai", "Ts'ai"),
    ("蒋", "Jiang", "Chiang"),
    ("余", "Yu", "Yü"),
    ("杜", "Du", "Tu"),
    ("叶", "Ye", "Yeh"),
    ("程", "Cheng", "Ch'eng"),
    ("魏", "Wei", "Wei"),
    ("苏", "Su", "Su"),
    ("丁", "Ding", "Ting"),
    ("任", "Ren", "Jen"),
    ("姚", "Yao", "Yao"),
    ("崔", "Cui", "Ts'ui"),
    ("钟", "Zhong", "Chung"),
    ("谭", "Tan", "T'an"),
    ("金", "Jin", "Chin"),
    ("石", "Shi", "Shih"),
    ("贾", "Jia", "Chia"),
    ("夏", "Xia", "Hsia"),
    ("熊", "Xiong", "Hsiung"),
    ("秦", "Qin", "Ch'in"),
    ("邱", "Qiu", "Ch'iu"),
    ("薛", "Xue", "Hsüeh"),
    ("龙", "Long", "Lung"),
    ("顾", "Gu", "Ku"),
)

_CN_FEMALE: tuple[Part, ...] = (
    ("芳", "Fang", "Fang"),
    ("娜", "Na", "Na"),
    ("敏", "Min", "Min"),
    ("静", "Jing", "Ching"),
    ("丽", "Li", "Li"),
    ("艳", "Yan", "Yen"),
    ("娟", "Juan", "Chüan"),
    ("霞", "Xia", "Hsia"),
    ("秀英", "Xiuying", "Hsiu-ying"),
    ("桂英", "Guiying", "Kuei-ying"),
    ("海燕", "Haiyan", "Hai-yen"),
    ("小红", "Xiaohong", "Hsiao-hung"),
    ("玲", "Ling", "Ling"),
    ("婷", "Ting", "T'ing"),
    ("雪", "Xue", "Hsüeh"),
    ("琳", "Lin", "Lin"),
    ("红", "Hong", "Hung"),
    ("欣怡", "Xinyi", "Hsin-i"),
    ("梓涵", "Zihan", "Tzu-han"),
    ("佳怡", "Jiayi", "Chia-i"),
    ("慧", "Hui", "Hui"),
    ("萍", "Ping", "P'ing"),
    ("燕", "Yan", "Yen"),
    ("丹", "Dan", "Tan"),
)

_CN_MALE: tuple[Part, ...] = (
    ("伟", "Wei", "Wei"),
    ("强", "Qiang", "Ch'iang"),
    ("磊", "Lei", "Lei"),
    ("军", "Jun", "Chün"),
    ("洋", "Yang", "Yang"),
    ("勇", "Yong", "Yung"),
    ("杰", "Jie", "Chieh"),
    ("涛", "Tao", "T'ao"),
    ("明", "Ming", "Ming"),
    ("超", "Chao", "Ch'ao"),
    ("刚", "Gang", "Kang"),
    ("建华", "Jianhua", "Chien-hua"),
    ("建国", "Jianguo", "Chien-kuo"),
    ("志强", "Zhiqiang", "Chih-ch'iang"),
    ("文", "Wen", "Wen"),
    ("辉", "Hui", "Hui"),
    ("鹏", "Peng", "P'eng"),
    ("斌", "Bin", "Pin"),
    ("飞", "Fei", "Fei"),
    ("鑫", "Xin", "Hsin"),
    ("波", "Bo", "Po"),
    ("宇", "Yu", "Yü"),
    ("浩", "Hao", "Hao"),
    ("凯", "Kai", "K'ai"),
    ("子轩", "Zixuan", "Tzu-hsüan"),
    ("浩然", "Haoran", "Hao-jan"),
    ("平", "Ping", "P'ing"),
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
    streets=(
        "人民路",
        "解放路",
        "建设路",
        "中山路",
        "和平路",
        "新华路",
        "胜利路",
        "文化路",
        "北京路",
        "长江路",
        "东风路",
        "工业路",
    ),
    address_fmt="{city}市{street}{n}号",
    tower_fmt="{city}基站{n:04d}",
    site_fmt="{city}市公安局DNA采血点",
    city_fmt="{city}市",
)

_GB_REGIONS = (
    Region(
        "London",
        (_c("London", 51.507, -0.128), _c("Croydon", 51.376, -0.098), _c("Romford", 51.575, 0.183)),
    ),
    Region(
        "North West",
        (
            _c("Manchester", 53.480, -2.242),
            _c("Liverpool", 53.408, -2.992),
            _c("Preston", 53.763, -2.703),
        ),
    ),
    Region(
        "West Midlands",
        (
            _c("Birmingham", 52.486, -1.890),
            _c("Coventry", 52.407, -1.510),
            _c("Wolverhampton", 52.587, -2.129),
        ),
    ),
    Region(
        "Yorkshire",
        (
            _c("Leeds", 53.800, -1.549),
            _c("Sheffield", 53.381, -1.470),
            _c("Bradford", 53.796, -1.759),
        ),
    ),
    Region(
        "North East",
        (
            _c("Newcastle upon Tyne", 54.978, -1.618),
            _c("Sunderland", 54.906, -1.381),
            _c("Middlesbrough", 54.574, -1.235),
        ),
    ),
    Region(
        "South West",
        (
            _c("Bristol", 51.455, -2.588),
            _c("Plymouth", 50.376, -4.143),
            _c("Exeter", 50.718, -3.534),
        ),
    ),
    Region(
        "East Midlands",
        (
            _c("Nottingham", 52.954, -1.158),
            _c("Leicester", 52.637, -1.135),
            _c("Derby", 52.923, -1.476),
        ),
    ),
    Region(
        "Scotland",
        (
            _c("Glasgow", 55.864, -4.252),
            _c("Edinburgh", 55.953, -3.189),
            _c("Aberdeen", 57.150, -2.094),
        ),
    ),
    Region(
        "Wales",
        (
            _c("Cardiff", 51.481, -3.179),
            _c("Swansea", 51.621, -3.944),
            _c("Newport", 51.588, -2.998),
        ),
    ),
)

# (written, romanised, spelling variant); romanised == written for English names
_GB_SURNAMES: tuple[Part, ...] = tuple(
    (s, s, v)
    for s, v in (
        ("Smith", "Smyth"),
        ("Jones", "Jones"),
        ("Taylor", "Tailor"),
        ("Brown", "Browne"),
        ("Williams", "Williams"),
        ("Wilson", "Willson"),
        ("Johnson", "Jonson"),
        ("Davies", "Davis"),
        ("Robinson", "Robertson"),
        ("Wright", "Wright"),
        ("Thompson", "Thomson"),
        ("Evans", "Evans"),
        ("Walker", "Walker"),
        ("White", "Whyte"),
        ("Roberts", "Roberts"),
        ("Green", "Greene"),
        ("Hall", "Hall"),
        ("Wood", "Woods"),
        ("Jackson", "Jackson"),
        ("Clarke", "Clark"),
        ("Khan", "Kahn"),
        ("Ahmed", "Ahmad"),
        ("Hussain", "Hussein"),
        ("Ali", "Aly"),
        ("Kowalski", "Kovalsky"),
        ("Popescu", "Popesku"),
        ("Nowak", "Novak"),
        ("Ivanov", "Ivanoff"),
        ("Murphy", "Murphey"),
        ("Kelly", "Kelley"),
        ("MacDonald", "McDonald"),
        ("O'Neill", "O'Neil"),
        ("Patel", "Patil"),
        ("Singh", "Singh"),
        ("Hughes", "Hewes"),
    )
)

_GB_FEMALE: tuple[Part, ...] = (
    ("Olivia", "Olivia", "Liv"),
    ("Emily", "Emily", "Emmie"),
    ("Jessica", "Jessica", "Jess"),
    ("Sophie", "Sophie", "Sophy"),
    ("Chloe", "Chloe", "Cloe"),
    ("Grace", "Grace", "Gracie"),
    ("Elizabeth", "Elizabeth", "Liz"),
    ("Margaret", "Margaret", "Maggie"),
    ("Katherine", "Katherine", "Kate"),
    ("Rebecca", "Rebecca", "Becky"),
    ("Fatima", "Fatima", "Fatimah"),
    ("Aisha", "Aisha", "Ayesha"),
    ("Maria", "Maria", "Marie"),
    ("Natalia", "Natalia", "Natalya"),
    ("Ioana", "Ioana", "Ana"),
    ("Amelia", "Amelia", "Millie"),
    ("Hannah", "Hannah", "Hanna"),
    ("Zofia", "Zofia", "Sophia"),
    ("Leah", "Leah", "Lea"),
    ("Ruby", "Ruby", "Rubie"),
)

_GB_MALE: tuple[Part, ...] = (
    ("James", "James", "Jim"),
    ("William", "William", "Bill"),
    ("Robert", "Robert", "Bob"),
    ("Thomas", "Thomas", "Tom"),
    ("Daniel", "Daniel", "Danny"),
    ("Michael", "Michael", "Mick"),
    ("Anthony", "Anthony", "Tony"),
    ("Joseph", "Joseph", "Joe"),
    ("Richard", "Richard", "Rick"),
    ("Christopher", "Christopher", "Chris"),
    ("Mohammed", "Mohammed", "Muhammad"),
    ("Yusuf", "Yusuf", "Yousef"),
    ("Aleksandr", "Aleksandr", "Alexander"),
    ("Mikhail", "Mikhail", "Michael"),
    ("Piotr", "Piotr", "Peter"),
    ("Andrei", "Andrei", "Andrew"),
    ("Connor", "Connor", "Conor"),
    ("Liam", "Liam", "Leeam"),
    ("Harry", "Harry", "Harold"),
    ("Jack", "Jack", "Jak"),
    ("Omar", "Omar", "Umar"),
    ("Darren", "Darren", "Daz"),
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
    streets=(
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Green Lane",
        "Park Road",
        "Mill Lane",
        "King Street",
        "Queen Street",
        "New Road",
        "Albert Road",
        "Manor Road",
    ),
    address_fmt="{n} {street} {city}",
    tower_fmt="{city} mast {n:04d}",
    site_fmt="{city} forensic sampling centre",
    city_fmt="{city}",
)


def locale_for(region: str) -> Locale:
    """The names and places used for a phone region (``CN``; anything else: ``GB``)."""
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
    "CN": (
        "130",
        "131",
        "132",
        "133",
        "135",
        "136",
        "137",
        "138",
        "139",
        "150",
        "151",
        "152",
        "155",
        "156",
        "158",
        "159",
        "177",
        "180",
        "181",
        "185",
        "186",
        "187",
        "188",
        "189",
        "199",
    ),
    "GB": (
        "740",
        "741",
        "742",
        "743",
        "744",
        "745",
        "746",
        "747",
        "748",
        "749",
        "750",
        "751",
        "752",
        "753",
        "754",
        "755",
        "756",
        "757",
        "758",
        "759",
        "780",
        "781",
        "782",
        "783",
    ),
}


@cache
def phone_plan(region: str) -> PhonePlan:
    """Mobile number prefixes of ``region`` every random suffix of which is a valid number.

    Prefixes are checked with ``phonenumbers`` (100 random suffixes each), so every
    generated number passes ``phonenumbers.is_valid_number``.
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
