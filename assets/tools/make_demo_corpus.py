#!/usr/bin/env python3
"""Generate assets/corpus/demo.txt, the bundled bilingual (Chinese + English)
teaching corpus for embedscape.

Usage (from the repository root):

    python3 assets/tools/make_demo_corpus.py            # writes assets/corpus/demo.txt
    python3 assets/tools/make_demo_corpus.py --stats    # also prints counts to stderr
    python3 assets/tools/make_demo_corpus.py -o other.txt --seed 7

Output format: UTF-8, one sentence per line, PRE-TOKENIZED with single spaces
between tokens.  Chinese words are whole tokens (`法国 的 首都 是 巴黎 。`),
English is lowercase.  The app trains with plain whitespace tokenisation, so
the segmentation here is the segmentation the model sees.

Deterministic: only Python's `random.Random(seed)` is used (default seed
20261128), every table is a list iterated in order, so the same seed and the
same script give a byte-identical file.  Standard library only.

Design (why the space becomes readable after a short skip-gram run):
  * Each country and its capital share PAIR-SPECIFIC context words (language,
    river, landmarks, food, currency: 法国 / 巴黎 with 法语 塞纳河 埃菲尔铁塔 ...).
  * All countries share COUNTRY-ish context (国家 总统 人口 边境 政府 ...), all
    capitals share CAPITAL-ish context (首都 城市 市长 地铁 市中心 ...), drawn
    from mirrored templates, so capital - country is roughly the same vector
    for every pair (parallel arrows).
  * Male / female words share GENDER context (他/她, he/she, 先生/女士 ...) and
    each male/female pair shares a ROLE context (royal ruler, royal child,
    marriage, parent, child, adult), mirrored the same way.
  * Animals, colours, numbers and fruit get their own template families.
  * A small number of mixed lines (`巴黎 paris 法国 france`) link the two
    languages loosely.
  * The Chinese number words 一..十 and English one..ten are used only as
    numbers (templates avoid 一个 / "one of"), so they form a clean cluster.
"""

import argparse
import collections
import os
import random
import sys

DEFAULT_SEED = 20261128

# ---------------------------------------------------------------------------
# Countries and capitals.  Each row: (country, capital, language, river,
# landmark_a, landmark_b, food, currency).  Chinese and English rows are
# aligned index by index (used for the cross-lingual lines).
# ---------------------------------------------------------------------------
ZH_PAIRS = [
    ("法国", "巴黎", "法语", "塞纳河", "埃菲尔铁塔", "卢浮宫", "葡萄酒", "法郎"),
    ("日本", "东京", "日语", "隅田川", "富士山", "浅草寺", "寿司", "日元"),
    ("德国", "柏林", "德语", "施普雷河", "勃兰登堡门", "柏林墙", "香肠", "马克"),
    ("英国", "伦敦", "英语", "泰晤士河", "大本钟", "白金汉宫", "红茶", "英镑"),
    ("中国", "北京", "汉语", "永定河", "长城", "故宫", "烤鸭", "人民币"),
    ("意大利", "罗马", "意大利语", "台伯河", "斗兽场", "梵蒂冈", "比萨饼", "里拉"),
    ("俄罗斯", "莫斯科", "俄语", "莫斯科河", "红场", "克里姆林宫", "罗宋汤", "卢布"),
    ("西班牙", "马德里", "西班牙语", "曼萨纳雷斯河", "普拉多", "斗牛场", "海鲜饭", "比塞塔"),
    ("埃及", "开罗", "阿拉伯语", "尼罗河", "金字塔", "狮身人面像", "大饼", "埃及镑"),
    ("美国", "华盛顿", "美式英语", "波托马克河", "白宫", "国会山", "汉堡", "美元"),
    ("韩国", "首尔", "韩语", "汉江", "景福宫", "南山塔", "泡菜", "韩元"),
    ("印度", "新德里", "印地语", "亚穆纳河", "红堡", "印度门", "咖喱", "卢比"),
]

EN_PAIRS = [
    ("france", "paris", "french", "seine", "eiffel", "louvre", "wine", "franc"),
    ("japan", "tokyo", "japanese", "sumida", "fuji", "sensoji", "sushi", "yen"),
    ("germany", "berlin", "german", "spree", "brandenburg", "checkpoint", "sausage", "mark"),
    ("britain", "london", "english", "thames", "bigben", "buckingham", "tea", "pound"),
    ("china", "beijing", "mandarin", "yongding", "greatwall", "forbidden", "duck", "yuan"),
    ("italy", "rome", "italian", "tiber", "colosseum", "vatican", "pizza", "lira"),
    ("russia", "moscow", "russian", "moskva", "kremlin", "bolshoi", "borscht", "ruble"),
    ("spain", "madrid", "spanish", "manzanares", "prado", "bullring", "paella", "peseta"),
    ("egypt", "cairo", "arabic", "nile", "pyramids", "sphinx", "falafel", "piastre"),
    ("america", "washington", "american", "potomac", "whitehouse", "capitol", "burger", "dollar"),
    ("korea", "seoul", "korean", "hangang", "gyeongbok", "namsan", "kimchi", "won"),
    ("india", "delhi", "hindi", "yamuna", "redfort", "indiagate", "curry", "rupee"),
]

# ---------------------------------------------------------------------------
# Gender pairs: (male, female, role-key).  Each role key has its own
# pair-specific context so the male/female pair sits together.
# ---------------------------------------------------------------------------
ZH_GENDER = [
    ("国王", "女王", "ruler"),
    ("王子", "公主", "royal_child"),
    ("丈夫", "妻子", "spouse"),
    ("父亲", "母亲", "parent"),
    ("儿子", "女儿", "child"),
    ("男人", "女人", "adult"),
]
EN_GENDER = [
    ("king", "queen", "ruler"),
    ("prince", "princess", "royal_child"),
    ("husband", "wife", "spouse"),
    ("father", "mother", "parent"),
    ("son", "daughter", "child"),
    ("man", "woman", "adult"),
]

ZH_ANIMALS = ["猫", "狗", "宠物", "兔子", "鱼", "鸟", "马", "牛"]
EN_ANIMALS = ["cat", "dog", "pet", "rabbit", "fish", "bird", "horse", "cow"]
ZH_COLOURS = ["红色", "蓝色", "绿色", "黄色", "黑色", "白色"]
EN_COLOURS = ["red", "blue", "green", "yellow", "black", "white"]
ZH_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
EN_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
ZH_FRUIT = ["苹果", "香蕉", "橙子", "葡萄", "西瓜", "草莓"]
EN_FRUIT = ["apple", "banana", "orange", "grape", "watermelon", "strawberry"]

# ---------------------------------------------------------------------------
# Shared filler vocabularies.
# ---------------------------------------------------------------------------
ZH = {
    "country_adj": ["古老 的", "美丽 的", "重要 的", "强大 的", "发达 的", "辽阔 的", "独立 的"],
    "city_adj": ["繁华 的", "热闹 的", "现代 的", "拥挤 的", "古老 的", "美丽 的", "忙碌 的"],
    "time": ["今年", "去年", "昨天", "最近", "上个月", "每年", "明年"],
    "country_news": ["访问 了 邻国", "签署 了 贸易 协定", "发表 了 全国 讲话", "视察 了 边境",
                     "会见 了 外国 大使", "宣布 了 新 的 国家 政策"],
    "city_news": ["开通 了 新 的 地铁 线路", "修建 了 新 的 城市 公园", "改造 了 市中心 的 街道",
                  "扩建 了 城市 机场", "举办 了 城市 音乐节", "宣布 了 新 的 城市 规划"],
    "people": ["游客", "学生", "记者", "商人", "画家", "作家"],
    # male / female context (mirrored)
    "m_pron": ["他"], "f_pron": ["她"],
    "m_poss": ["他 的"], "f_poss": ["她 的"],
    "m_title": ["先生", "男性", "男孩"], "f_title": ["女士", "女性", "女孩"],
    "m_cloth": ["西装", "领带", "胡子"], "f_cloth": ["裙子", "项链", "长发"],
}
EN = {
    "country_adj": ["an ancient", "a beautiful", "an important", "a powerful", "a developed",
                    "a vast", "an independent"],
    "city_adj": ["a busy", "a lively", "a modern", "a crowded", "an old", "a beautiful",
                 "a bustling"],
    "time": ["this year", "last year", "yesterday", "recently", "last month", "every year",
             "next year"],
    "country_news": ["visited a neighbouring nation", "signed a trade agreement",
                     "gave a national speech", "inspected the border",
                     "met a foreign ambassador", "announced a new national policy"],
    "city_news": ["opened a new metro line", "built a new city park",
                  "rebuilt the downtown streets", "expanded the city airport",
                  "hosted a city music festival", "announced a new city plan"],
    "people": ["tourists", "students", "reporters", "merchants", "painters", "writers"],
    "m_pron": ["he"], "f_pron": ["she"],
    "m_poss": ["his"], "f_poss": ["her"],
    "m_title": ["mr", "male", "boy"], "f_title": ["mrs", "female", "girl"],
    "m_cloth": ["suit", "tie", "beard"], "f_cloth": ["dress", "necklace", "braid"],
}

# Role contexts for the gender pairs.
ZH_ROLE = {
    "ruler": ["王宫", "王冠", "王位", "王国", "统治", "臣民", "宫廷"],
    "royal_child": ["城堡", "童话", "舞会", "骑士", "王室", "年轻"],
    "spouse": ["婚礼", "结婚", "婚姻", "戒指", "蜜月", "伴侣"],
    "parent": ["父母", "家长", "孩子", "养育", "家庭", "照顾"],
    "child": ["出生", "上学", "长大", "作业", "玩具", "小时候"],
    "adult": ["人", "成年", "街上", "工作", "邻居", "朋友"],
}
EN_ROLE = {
    "ruler": ["palace", "crown", "throne", "kingdom", "rules", "subjects", "court"],
    "royal_child": ["castle", "fairytale", "ball", "knight", "royal", "young"],
    "spouse": ["wedding", "married", "marriage", "ring", "honeymoon", "partner"],
    "parent": ["parents", "raising", "children", "parenting", "family", "caring"],
    "child": ["born", "school", "grew", "homework", "toys", "childhood"],
    "adult": ["person", "adult", "street", "work", "neighbour", "friend"],
}

# Per-animal context: (things it does, things near it).  Shared animal
# context (动物 / animal, 可爱 / cute, 尾巴 / tail ...) comes from the templates.
ZH_ANIMAL_CTX = {
    "猫": (["抓 老鼠", "喵喵 叫", "爬 树"], ["猫砂", "毛线球"]),
    "狗": (["汪汪 叫", "看 家", "追 球"], ["狗窝", "骨头"]),
    "宠物": (["陪伴 主人", "等 主人 回家"], ["宠物店", "兽医"]),
    "兔子": (["吃 胡萝卜", "跳 来 跳 去"], ["胡萝卜", "兔笼"]),
    "鱼": (["游泳", "吐 泡泡"], ["鱼缸", "河 边"]),
    "鸟": (["飞", "唱歌"], ["鸟巢", "树枝"]),
    "马": (["奔跑", "拉 车"], ["马厩", "马鞍"]),
    "牛": (["吃 草", "产 牛奶"], ["牛棚", "草地"]),
}
EN_ANIMAL_CTX = {
    "cat": (["chases mice", "meows", "climbs trees"], ["litter box", "yarn"]),
    "dog": (["barks", "guards the house", "fetches the ball"], ["kennel", "bone"]),
    "pet": (["keeps its owner company", "waits for its owner"], ["petshop", "vet"]),
    "rabbit": (["eats carrots", "hops around"], ["carrots", "hutch"]),
    "fish": (["swims", "blows bubbles"], ["aquarium", "stream"]),
    "bird": (["flies", "sings"], ["nest", "branch"]),
    "horse": (["gallops", "pulls a cart"], ["stable", "saddle"]),
    "cow": (["eats grass", "gives milk"], ["barn", "meadow"]),
}
ZH_COLOUR_CTX = {
    "红色": ["玫瑰", "血", "灯笼"], "蓝色": ["天空", "大海", "牛仔裤"],
    "绿色": ["草地", "树叶", "青蛙"], "黄色": ["太阳", "柠檬", "向日葵"],
    "黑色": ["夜晚", "煤炭", "乌鸦"], "白色": ["雪", "云朵", "衬衫"],
}
EN_COLOUR_CTX = {
    "red": ["roses", "blood", "lanterns"], "blue": ["sky", "sea", "jeans"],
    "green": ["grass", "leaves", "frogs"], "yellow": ["sun", "lemons", "sunflowers"],
    "black": ["night", "coal", "crows"], "white": ["snow", "clouds", "shirts"],
}
ZH_FRUIT_CTX = {
    "苹果": ["果园", "苹果派"], "香蕉": ["猴子", "剥 皮"], "橙子": ["橙汁", "维生素"],
    "葡萄": ["葡萄园", "藤"], "西瓜": ["夏天", "瓜子"], "草莓": ["奶油", "蛋糕"],
}
EN_FRUIT_CTX = {
    "apple": ["orchard", "pie"], "banana": ["monkeys", "peel"], "orange": ["juice", "vitamins"],
    "grape": ["vineyard", "bunch"], "watermelon": ["summer", "seeds"], "strawberry": ["cream", "cake"],
}


def p(rng, xs):
    return rng.choice(xs)


# ---------------------------------------------------------------------------
# Sentence families.  Country and capital templates are MIRRORED: slot for
# slot, the same pair-specific fields, only the generic words differ.
# ---------------------------------------------------------------------------
def zh_country(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(12)
    if t == 0: return f"{c} 是 {p(rng, ZH['country_adj'])} 国家 ， 人们 说 {lang} 。"
    if t == 1: return f"{p(rng, ZH['time'])} {c} 的 总统 {p(rng, ZH['country_news'])} 。"
    if t == 2: return f"{c} 的 公民 都 会 说 {lang} ， 全国 人口 很 多 。"
    if t == 3: return f"{river} 流 经 {c} 的 国土 ， 灌溉 了 全国 。"
    if t == 4: return f"{p(rng, ZH['people'])} 在 {c} 全国 各地 品尝 {food} 。"
    if t == 5: return f"{c} 的 政府 保护 {la} 和 {lb} 。"
    if t == 6: return f"在 {c} 的 边境 ， 海关 用 {cur} 收费 。"
    if t == 7: return f"{c} 是 {p(rng, ZH['country_adj'])} 国家 ， 国旗 在 {la} 上 飘扬 。"
    if t == 8: return f"{c} 的 经济 很 强 ， 出口 很 多 ， 货币 是 {cur} 。"
    if t == 9: return f"去 {c} 旅行 需要 护照 和 签证 ， 可以 参观 {la} 。"
    if t == 10: return f"{c} 和 邻国 的 边境 很 长 ， 领土 辽阔 。"
    return f"{c} 的 大使馆 介绍 了 {lang} 和 {food} 。"


def zh_capital(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(12)
    if t == 0: return f"{k} 是 {p(rng, ZH['city_adj'])} 城市 ， 市民 说 {lang} 。"
    if t == 1: return f"{p(rng, ZH['time'])} {k} 的 市长 {p(rng, ZH['city_news'])} 。"
    if t == 2: return f"{k} 的 市民 都 会 说 {lang} ， 城市 地铁 很 挤 。"
    if t == 3: return f"{river} 流 经 {k} 的 市区 ， 穿过 了 市中心 。"
    if t == 4: return f"{p(rng, ZH['people'])} 在 {k} 的 街道 上 品尝 {food} 。"
    if t == 5: return f"{k} 的 市中心 有 {la} 和 {lb} 。"
    if t == 6: return f"在 {k} 的 机场 ， 出租车 用 {cur} 收费 。"
    if t == 7: return f"{k} 是 {p(rng, ZH['city_adj'])} 城市 ， 广场 旁边 就是 {la} 。"
    if t == 8: return f"{k} 的 房价 很 高 ， 公寓 很 贵 ， 用 {cur} 付 房租 。"
    if t == 9: return f"坐 地铁 在 {k} 市中心 下车 ， 可以 参观 {la} 。"
    if t == 10: return f"{k} 的 街道 和 广场 很 热闹 ， 博物馆 很 多 。"
    return f"{k} 的 博物馆 介绍 了 {lang} 和 {food} 。"


def zh_pair(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(5)
    if t == 0: return f"{c} 的 首都 是 {k} 。"
    if t == 1: return f"{k} 是 {c} 的 首都 ， 也 是 最 大 的 城市 。"
    if t == 2: return f"{c} 的 总统 住 在 首都 {k} 。"
    if t == 3: return f"从 {k} 出发 ， 可以 坐 火车 游览 {c} 全国 。"
    return f"{k} 位于 {c} ， {river} 从 城市 中间 流过 。"


def en_country(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(12)
    if t == 0: return f"{c} is {p(rng, EN['country_adj'])} country where people speak {lang} ."
    if t == 1: return f"{p(rng, EN['time'])} the president of {c} {p(rng, EN['country_news'])} ."
    if t == 2: return f"the citizens of {c} speak {lang} and the national population is large ."
    if t == 3: return f"the {river} flows across the territory of {c} ."
    if t == 4: return f"{p(rng, EN['people'])} across {c} eat {food} ."
    if t == 5: return f"the government of {c} protects the {la} and the {lb} ."
    if t == 6: return f"at the border of {c} customs fees are paid in {cur} ."
    if t == 7: return f"{c} is {p(rng, EN['country_adj'])} country and its flag flies over the {la} ."
    if t == 8: return f"the economy of {c} is strong , exports are high and the currency is the {cur} ."
    if t == 9: return f"to travel to {c} you need a passport and a visa to see the {la} ."
    if t == 10: return f"{c} shares a long border with its neighbours and has a vast territory ."
    return f"the embassy of {c} introduced {lang} and {food} ."


def en_capital(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(12)
    if t == 0: return f"{k} is {p(rng, EN['city_adj'])} city where residents speak {lang} ."
    if t == 1: return f"{p(rng, EN['time'])} the mayor of {k} {p(rng, EN['city_news'])} ."
    if t == 2: return f"the residents of {k} speak {lang} and the city metro is crowded ."
    if t == 3: return f"the {river} flows through downtown {k} ."
    if t == 4: return f"{p(rng, EN['people'])} on the streets of {k} eat {food} ."
    if t == 5: return f"downtown {k} has the {la} and the {lb} ."
    if t == 6: return f"at the airport of {k} taxi fares are paid in {cur} ."
    if t == 7: return f"{k} is {p(rng, EN['city_adj'])} city and the square next to the {la} is busy ."
    if t == 8: return f"rent in {k} is high , apartments are expensive and paid in {cur} ."
    if t == 9: return f"take the metro to downtown {k} to see the {la} ."
    if t == 10: return f"the streets and squares of {k} are lively and full of museums ."
    return f"the museums of {k} introduced {lang} and {food} ."


def en_pair(rng, row):
    c, k, lang, river, la, lb, food, cur = row
    t = rng.randrange(5)
    if t == 0: return f"the capital of {c} is {k} ."
    if t == 1: return f"{k} is the capital of {c} and its largest city ."
    if t == 2: return f"the president of {c} lives in the capital {k} ."
    if t == 3: return f"from {k} you can take a train around {c} ."
    return f"{k} is in {c} and the {river} runs through the city ."


def zh_gender(rng, word, male, role):
    g = ZH
    pron = g["m_pron"][0] if male else g["f_pron"][0]
    poss = p(rng, g["m_poss"] if male else g["f_poss"])
    title = p(rng, g["m_title"] if male else g["f_title"])
    cloth = p(rng, g["m_cloth"] if male else g["f_cloth"])
    r1, r2 = rng.sample(ZH_ROLE[role], 2)
    t = rng.randrange(8)
    if t == 0: return f"这位 {word} 是 {title} ， {pron} 很 喜欢 {r1} 。"
    if t == 1: return f"{word} 说 {pron} 的 {r1} 和 {r2} 很 重要 。"
    if t == 2: return f"{word} 穿 着 {cloth} ， {pron} 在 想 {r1} 的 事 。"
    if t == 3: return f"{poss} {r1} 让 这位 {word} 很 开心 。"
    if t == 4: return f"人们 都 知道 {word} ， {pron} 是 {title} ， 关心 {r1} 。"
    if t == 5: return f"{word} 和 {pron} 的 朋友 谈论 {r1} 和 {r2} 。"
    if t == 6: return f"{pron} 是 {word} ， {pron} 戴 着 {cloth} 。"
    return f"那个 {title} 后来 成为 了 {word} ， {pron} 的 {r1} 很 好 。"


def en_gender(rng, word, male, role):
    g = EN
    pron = g["m_pron"][0] if male else g["f_pron"][0]
    poss = g["m_poss"][0] if male else g["f_poss"][0]
    title = p(rng, g["m_title"] if male else g["f_title"])
    cloth = p(rng, g["m_cloth"] if male else g["f_cloth"])
    r1, r2 = rng.sample(EN_ROLE[role], 2)
    t = rng.randrange(8)
    if t == 0: return f"the {word} is a {title} and {pron} cares about the {r1} ."
    if t == 1: return f"the {word} said {poss} {r1} and {r2} matter ."
    if t == 2: return f"the {word} wore {poss} {cloth} while {pron} thought about the {r1} ."
    if t == 3: return f"{poss} {r1} made the {word} happy ."
    if t == 4: return f"everyone knows the {word} , {pron} is a {title} who loves the {r1} ."
    if t == 5: return f"the {word} talked with {poss} friends about the {r1} and the {r2} ."
    if t == 6: return f"{pron} is the {word} and {pron} wears a {cloth} ."
    return f"the {title} later became the {word} and {poss} {r1} was good ."


def zh_gender_pair(rng, m, f, role):
    r1 = p(rng, ZH_ROLE[role])
    t = rng.randrange(3)
    if t == 0: return f"{m} 和 {f} 共同 谈论 {r1} 。"
    if t == 1: return f"{f} 对 {m} 说 ， 她 喜欢 {r1} 。"
    return f"{m} 对 {f} 说 ， 他 喜欢 {r1} 。"


def en_gender_pair(rng, m, f, role):
    r1 = p(rng, EN_ROLE[role])
    t = rng.randrange(3)
    if t == 0: return f"the {m} and the {f} talked about the {r1} together ."
    if t == 1: return f"the {f} told the {m} that she likes the {r1} ."
    return f"the {m} told the {f} that he likes the {r1} ."


def zh_animal(rng, a):
    does = p(rng, ZH_ANIMAL_CTX[a][0])
    near = p(rng, ZH_ANIMAL_CTX[a][1])
    other = p(rng, [x for x in ZH_ANIMALS if x != a])
    t = rng.randrange(6)
    if t == 0: return f"这 只 {a} 会 {does} ， 它 是 可爱 的 动物 。"
    if t == 1: return f"我 家 养 了 {a} 和 {other} ， 每天 喂 它们 。"
    if t == 2: return f"{a} 是 动物 ， 它 的 尾巴 和 毛 很 漂亮 。"
    if t == 3: return f"农场 里 的 {a} 和 {other} 都 是 动物 。"
    if t == 4: return f"小 {a} 在 {near} 旁边 睡觉 ， 它 很 可爱 。"
    return f"孩子们 喜欢 {a} ， 也 喜欢 {other} 。"


def en_animal(rng, a):
    does = p(rng, EN_ANIMAL_CTX[a][0])
    near = p(rng, EN_ANIMAL_CTX[a][1])
    other = p(rng, [x for x in EN_ANIMALS if x != a])
    t = rng.randrange(6)
    if t == 0: return f"the {a} {does} and it is a cute animal ."
    if t == 1: return f"we keep a {a} and a {other} and feed them every day ."
    if t == 2: return f"the {a} is an animal with a pretty tail and soft fur ."
    if t == 3: return f"the {a} and the {other} on the farm are animals ."
    if t == 4: return f"the little {a} sleeps near the {near} , it is cute ."
    return f"children like the {a} and they also like the {other} ."


def zh_colour(rng, c):
    ctx = p(rng, ZH_COLOUR_CTX[c])
    other = p(rng, [x for x in ZH_COLOURS if x != c])
    t = rng.randrange(5)
    if t == 0: return f"{ctx} 是 {c} 的 ， 这种 颜色 很 鲜艳 。"
    if t == 1: return f"她 把 墙 涂 成 了 {c} ， 不 是 {other} 。"
    if t == 2: return f"我 最 喜欢 的 颜色 是 {c} 和 {other} 。"
    if t == 3: return f"这件 衣服 是 {c} 的 ， 像 {ctx} 的 颜色 。"
    return f"画家 用 {c} 的 颜料 画 {ctx} 。"


def en_colour(rng, c):
    ctx = p(rng, EN_COLOUR_CTX[c])
    other = p(rng, [x for x in EN_COLOURS if x != c])
    t = rng.randrange(5)
    if t == 0: return f"the {ctx} are {c} and the colour is bright ."
    if t == 1: return f"she painted the wall {c} , not {other} ."
    if t == 2: return f"my favourite colours are {c} and {other} ."
    if t == 3: return f"this shirt is {c} like the colour of the {ctx} ."
    return f"the painter used {c} paint for the {ctx} ."


def zh_number(rng):
    i, j = rng.randrange(10), rng.randrange(10)
    a, b = ZH_NUMBERS[i], ZH_NUMBERS[j]
    t = rng.randrange(5)
    if t == 0 and i + j + 2 <= 10:
        return f"{a} 加 {b} 等于 {ZH_NUMBERS[i + j + 1]} 。"
    if t == 1 and i > j:
        return f"{a} 减 {b} 等于 {ZH_NUMBERS[i - j - 1]} 。"
    if t == 2 and i < 9:
        return f"{a} 后面 的 数字 是 {ZH_NUMBERS[i + 1]} 。"
    if t == 3:
        return f"我 数 了 数 ， {a} 、 {b} ， 这些 数字 很 简单 。"
    return f"数字 {a} 比 数字 {b} {'大' if i > j else '小' if i < j else '不 大'} 。"


def en_number(rng):
    i, j = rng.randrange(10), rng.randrange(10)
    a, b = EN_NUMBERS[i], EN_NUMBERS[j]
    t = rng.randrange(5)
    if t == 0 and i + j + 2 <= 10:
        return f"{a} plus {b} equals {EN_NUMBERS[i + j + 1]} ."
    if t == 1 and i > j:
        return f"{a} minus {b} equals {EN_NUMBERS[i - j - 1]} ."
    if t == 2 and i < 9:
        return f"the number after {a} is {EN_NUMBERS[i + 1]} ."
    if t == 3:
        return f"i counted {a} , {b} , these numbers are easy ."
    return f"the number {a} is {'bigger' if i > j else 'smaller' if i < j else 'not bigger'} than the number {b} ."


def zh_fruit(rng, f):
    ctx = p(rng, ZH_FRUIT_CTX[f])
    other = p(rng, [x for x in ZH_FRUIT if x != f])
    t = rng.randrange(5)
    if t == 0: return f"{f} 是 很 甜 的 水果 ， 和 {ctx} 有关 。"
    if t == 1: return f"妈妈 在 市场 买 了 新鲜 的 {f} 和 {other} 。"
    if t == 2: return f"我 喜欢 吃 {f} ， 也 喜欢 吃 {other} 。"
    if t == 3: return f"{f} 做 的 果汁 很 好喝 ， 是 健康 的 水果 。"
    return f"这个 {ctx} 和 {f} 都 很 好吃 。"


def en_fruit(rng, f):
    ctx = p(rng, EN_FRUIT_CTX[f])
    other = p(rng, [x for x in EN_FRUIT if x != f])
    t = rng.randrange(5)
    if t == 0: return f"the {f} is a sweet fruit that goes with {ctx} ."
    if t == 1: return f"we bought a fresh {f} and a {other} at the market ."
    if t == 2: return f"i like to eat {f} and i also like {other} ."
    if t == 3: return f"{f} juice is tasty and the {f} is a healthy fruit ."
    return f"the {ctx} and the {f} are both delicious ."


def cross_lingual(rng):
    """Sparse mixed lines that tie the two languages loosely together."""
    t = rng.randrange(6)
    if t == 0:
        i = rng.randrange(len(ZH_PAIRS))
        return f"{ZH_PAIRS[i][1]} {EN_PAIRS[i][1]} {ZH_PAIRS[i][0]} {EN_PAIRS[i][0]}"
    if t == 1:
        i = rng.randrange(len(ZH_GENDER))
        m = rng.randrange(2)
        return f"{ZH_GENDER[i][m]} {EN_GENDER[i][m]}"
    if t == 2:
        i = rng.randrange(len(ZH_ANIMALS))
        return f"{ZH_ANIMALS[i]} {EN_ANIMALS[i]}"
    if t == 3:
        i = rng.randrange(len(ZH_COLOURS))
        return f"{ZH_COLOURS[i]} {EN_COLOURS[i]}"
    if t == 4:
        i = rng.randrange(len(ZH_NUMBERS))
        return f"{ZH_NUMBERS[i]} {EN_NUMBERS[i]}"
    i = rng.randrange(len(ZH_FRUIT))
    return f"{ZH_FRUIT[i]} {EN_FRUIT[i]}"


# How many sentences of each family, per language.
N_COUNTRY_PER_PAIR = 170   # sentences mentioning only the country
N_CAPITAL_PER_PAIR = 170   # sentences mentioning only the capital
N_PAIR_PER_PAIR = 60       # sentences mentioning both
N_GENDER_PER_WORD = 200
N_GENDER_PAIR_PER_PAIR = 40
N_ANIMAL_PER_WORD = 170
N_COLOUR_PER_WORD = 170
N_NUMBER = 1500
N_FRUIT_PER_WORD = 160
N_CROSS = 300


def generate(seed):
    rng = random.Random(seed)
    lines = []
    for pairs, country, capital, pair in (
        (ZH_PAIRS, zh_country, zh_capital, zh_pair),
        (EN_PAIRS, en_country, en_capital, en_pair),
    ):
        for row in pairs:
            lines += [country(rng, row) for _ in range(N_COUNTRY_PER_PAIR)]
            lines += [capital(rng, row) for _ in range(N_CAPITAL_PER_PAIR)]
            lines += [pair(rng, row) for _ in range(N_PAIR_PER_PAIR)]
    for genders, gender, gpair in ((ZH_GENDER, zh_gender, zh_gender_pair),
                                   (EN_GENDER, en_gender, en_gender_pair)):
        for m, f, role in genders:
            for _ in range(N_GENDER_PER_WORD):
                lines.append(gender(rng, m, True, role))
                lines.append(gender(rng, f, False, role))
            lines += [gpair(rng, m, f, role) for _ in range(N_GENDER_PAIR_PER_PAIR)]
    for a in ZH_ANIMALS:
        lines += [zh_animal(rng, a) for _ in range(N_ANIMAL_PER_WORD)]
    for a in EN_ANIMALS:
        lines += [en_animal(rng, a) for _ in range(N_ANIMAL_PER_WORD)]
    for c in ZH_COLOURS:
        lines += [zh_colour(rng, c) for _ in range(N_COLOUR_PER_WORD)]
    for c in EN_COLOURS:
        lines += [en_colour(rng, c) for _ in range(N_COLOUR_PER_WORD)]
    lines += [zh_number(rng) for _ in range(N_NUMBER)]
    lines += [en_number(rng) for _ in range(N_NUMBER)]
    for f in ZH_FRUIT:
        lines += [zh_fruit(rng, f) for _ in range(N_FRUIT_PER_WORD)]
    for f in EN_FRUIT:
        lines += [en_fruit(rng, f) for _ in range(N_FRUIT_PER_WORD)]
    lines += [cross_lingual(rng) for _ in range(N_CROSS)]
    rng.shuffle(lines)
    # Normalise whitespace: exactly one space between tokens.
    return [" ".join(line.split()) for line in lines]


def key_words():
    ws = []
    for rows in (ZH_PAIRS, EN_PAIRS):
        for r in rows:
            ws += [r[0], r[1]]
    for rows in (ZH_GENDER, EN_GENDER):
        for m, f, _ in rows:
            ws += [m, f]
    ws += ZH_ANIMALS + EN_ANIMALS + ZH_COLOURS + EN_COLOURS
    ws += ZH_NUMBERS + EN_NUMBERS + ZH_FRUIT + EN_FRUIT
    return ws


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "corpus", "demo.txt"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", default=default_out)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--stats", action="store_true", help="print counts to stderr")
    args = ap.parse_args()

    lines = generate(args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line + "\n")

    if args.stats:
        counts = collections.Counter(tok for line in lines for tok in line.split(" "))
        ntok = sum(counts.values())
        print(f"lines={len(lines)} tokens={ntok} vocab={len(counts)}", file=sys.stderr)
        kws = key_words()
        low = sorted((counts[w], w) for w in kws)
        print("least frequent key words:", low[:12], file=sys.stderr)
        print("most frequent key words:", low[-6:], file=sys.stderr)


if __name__ == "__main__":
    main()
