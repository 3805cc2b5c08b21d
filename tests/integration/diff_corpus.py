"""Data and queries of the differential test (test_differential.py).

Two tables sharded by user_id (keys below S1_START on shard s0, from S1_START on s1), generated
deterministically from SEED: dt_users (one row per user, every column type the merge executor has
to order, group and aggregate, with NULLs, ties, mixed case, accents and trailing spaces in three
case-insensitive collations) and dt_orders (0-3 rows per user, for co-located joins).

A query is a `Q`: its SQL (with `?` placeholders and `params` for both protocols: the text
protocol gets the parameters interpolated as literals, the prepared protocol binds them) and how
its rows are compared:

  order=None     no ORDER BY: the rows are compared as multisets (sorted).
  order=TOTAL    the ORDER BY keys are unique (a tiebreaker on a unique column): the row
                 sequences must be equal.
  order=(i, ...) ORDER BY with ties: output columns i, ... are the sort key. The sequences of
                 their values must be equal (text keys compared in their collation, `coll`) and
                 the rows must be equal as multisets. Never combined with LIMIT.
  coll={i: C}    output column i holds text of collation C (used for sort keys and `ci`).
  ci={i, ...}    output columns whose value is one arbitrary representative of a set of values
                 equal in the column's collation (GROUP BY / DISTINCT / MIN / MAX of
                 case-insensitive text): compared by collation equality (case, accents, trailing
                 spaces as the collation says), not byte for byte. Each needs a `coll` entry.

`must_refuse()` lists statements shardgate must answer with 1235 (the reference accepts them).
"""

import dataclasses
import datetime
import random
from decimal import Decimal

SEED = 20240611
S1_START = 1000  # dt_users / dt_orders keys >= S1_START live on s1, below on s0
USERS_PER_SHARD = 200
SCHEMA = "difftest"

GENERAL = "utf8mb4_general_ci"
UNICODE = "utf8mb4_unicode_ci"
SWEDISH = "latin1_swedish_ci"
TOTAL = "total"

# ---------------------------------------------------------------------------------------------
# Schema and data

DDL = [
    """CREATE TABLE dt_users (
      user_id BIGINT NOT NULL PRIMARY KEY,
      grp INT NOT NULL,
      flag TINYINT NOT NULL,
      score INT NULL,
      big BIGINT UNSIGNED NULL,
      amount DECIMAL(10,2) NULL,
      ratio DOUBLE NULL,
      born DATE NULL,
      created DATETIME NOT NULL,
      dur TIME NULL,
      name VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
      city VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
      tag VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
    """CREATE TABLE dt_orders (
      user_id BIGINT NOT NULL,
      order_id INT NOT NULL,
      qty INT NOT NULL,
      price DECIMAL(10,2) NOT NULL,
      status VARCHAR(16) NOT NULL,
      note VARCHAR(30) NULL,
      ordered_at DATETIME(3) NOT NULL,
      PRIMARY KEY (user_id, order_id),
      UNIQUE KEY (order_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci""",
]

USER_COLUMNS = ["user_id", "grp", "flag", "score", "big", "amount", "ratio", "born", "created",
                "dur", "name", "city", "tag"]
ORDER_COLUMNS = ["user_id", "order_id", "qty", "price", "status", "note", "ordered_at"]

# general_ci: case and most accents fold (é = e = É, ß = s, Å = A), trailing spaces ignored.
NAMES = ["alice", "Alice", "ALICE", "bob", "Bob", "bob ", "Émile", "emile", "EMILE", "élodie",
         "Élodie", "elodie", "straße", "STRASSE", "strasse", "Åsa", "åsa", "ASA", "Öykü", "öykü",
         "oyku", "Zoë", "zoe", "über", "Über", "uber", "Ärger", "ärger", "zebra", "Zebra",
         "zebra  ", "", " space", "Müller", "MÜLLER", "muller", "Ørjan", "ñandú", "Nandu", "yves"]
# unicode_ci: ß = ss, ü = u, Å = A; trailing spaces ignored.
CITIES = ["Zürich", "zurich", "ZÜRICH", "München", "Munchen", "MÜNCHEN", "Malmö", "malmo",
          "Straße", "Strasse", "STRASSE", "Ångström", "angstrom", "Oslo", "oslo ", "", None, None,
          "Århus", "Aarhus", "Łódź", "Lodz", "São Paulo", "sao paulo", "Tromsø"]
# latin1_swedish_ci: Å Ä Ö sort after Z, ü = y, é = e.
TAGS = ["abc", "ABC", "Abc ", "Åke", "åke", "Ake", "Ärla", "ärla", "Örn", "örn", "Orn", "zeta",
        "Zeta", "über", "yber", "ÿ", "é", "e", "E", "tail  ", "tail", "", None, None]
STATUSES = ["new", "NEW", "paid", "Paid", "shipped", "Shipped ", "cancelled", "Cancelled"]
NOTES = [None, None, "gift", "GIFT", "Gift ", "fragile", "Fragile", "express", "", "façade",
         "FACADE"]
BIGS = [0, 1, 42, 2**31, 2**32 + 7, 2**53 + 1, 2**63 - 1, 2**63, 2**63 + 5, 2**64 - 1,
        1000000007, 18446744073709551000]
RATIOS = [0.1, 1 / 3, -2.5, 1e300, -1e-300, 3.141592653589793, 0.0, 2.0, 2.0, -7.25]
PRICES = [Decimal("0.00"), Decimal("9.99"), Decimal("10.00"), Decimal("19.95"),
          Decimal("99.99"), Decimal("1234.50"), Decimal("0.01")]


def _time_text(seconds):
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    return f"{sign}{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclasses.dataclass
class Dataset:
    users: list   # dicts keyed by USER_COLUMNS
    orders: list  # dicts keyed by ORDER_COLUMNS

    def user_ids(self, shard=None):
        ids = [u["user_id"] for u in self.users]
        if shard == "s0":
            return [i for i in ids if i < S1_START]
        if shard == "s1":
            return [i for i in ids if i >= S1_START]
        return ids


def make_dataset(seed=SEED):
    rnd = random.Random(seed)
    ids = set(rnd.sample(range(0, S1_START), USERS_PER_SHARD - 2))
    ids |= set(rnd.sample(range(S1_START, 2 * S1_START), USERS_PER_SHARD - 2))
    ids |= {0, S1_START - 1, S1_START, S1_START + 1}  # both sides of the shard boundary
    amounts = [Decimal(rnd.randint(-99999, 9999999)) / 100 for _ in range(40)]
    dates = [datetime.date(1950, 1, 1) + datetime.timedelta(days=rnd.randint(0, 22000))
             for _ in range(60)]
    users = []
    for user_id in sorted(ids):
        def maybe(p_null, make):
            return None if rnd.random() < p_null else make()
        created = (datetime.datetime(2000, 1, 1) +
                   datetime.timedelta(seconds=rnd.choice([0, 86400 * 365, 1]) +
                                      rnd.randint(0, 24 * 365 * 86400) // 3600 * 3600))
        users.append({
            "user_id": user_id,
            "grp": rnd.randint(0, 7),
            "flag": rnd.randint(0, 1),
            "score": maybe(0.15, lambda: rnd.randint(-20, 20)),
            "big": maybe(0.1, lambda: rnd.choice(BIGS) if rnd.random() < 0.6
                         else rnd.randint(0, 2**64 - 1)),
            "amount": maybe(0.1, lambda: rnd.choice(amounts)),
            "ratio": maybe(0.1, lambda: rnd.choice(RATIOS) if rnd.random() < 0.5
                           else round(rnd.uniform(-1000, 1000), rnd.randint(0, 6))),
            "born": maybe(0.1, lambda: rnd.choice(dates)),
            "created": created,
            "dur": maybe(0.1, lambda: _time_text(rnd.choice(
                [0, -1, 838 * 3600 + 59 * 60 + 59, -(838 * 3600 + 59 * 60 + 59), 3600, -3600])
                if rnd.random() < 0.2 else rnd.randint(-360000, 360000))),
            "name": rnd.choice(NAMES),
            "city": rnd.choice(CITIES),
            "tag": rnd.choice(TAGS),
        })
    orders = []
    order_id = 1
    for u in users:
        for _ in range(rnd.choice([0, 1, 1, 2, 3])):
            ms = rnd.choice([0, 0, 1, 500, 999, rnd.randint(0, 999)])
            orders.append({
                "user_id": u["user_id"],
                "order_id": order_id,
                "qty": rnd.randint(1, 10),
                "price": rnd.choice(PRICES),
                "status": rnd.choice(STATUSES),
                "note": rnd.choice(NOTES),
                "ordered_at": (datetime.datetime(2023, 1, 1) +
                               datetime.timedelta(minutes=rnd.randint(0, 500000),
                                                  milliseconds=ms)),
            })
            order_id += 1
    return Dataset(users, orders)


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, float):
        r = repr(v)
        return r if "e" in r or "inf" in r or "nan" in r else r + "e0"
    if isinstance(v, datetime.datetime):
        return "'" + v.isoformat(sep=" ", timespec="milliseconds") + "'"
    if isinstance(v, datetime.date):
        return "'" + v.isoformat() + "'"
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


def insert_statements(dataset, keep=lambda user_id: True, batch=100, shuffle_seed=None):
    """INSERT statements for the rows whose user_id `keep` accepts (in key order, or shuffled)."""
    out = []
    for table, columns, rows in (("dt_users", USER_COLUMNS, dataset.users),
                                 ("dt_orders", ORDER_COLUMNS, dataset.orders)):
        rows = [r for r in rows if keep(r["user_id"])]
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(rows)
        for k in range(0, len(rows), batch):
            values = ",".join("(" + ",".join(sql_literal(r[c]) for c in columns) + ")"
                              for r in rows[k:k + batch])
            out.append(f"INSERT INTO {table} ({','.join(columns)}) VALUES {values}")
    return out


# ---------------------------------------------------------------------------------------------
# Queries


@dataclasses.dataclass
class Q:
    sql: str
    params: tuple = ()
    order: object = None   # None, TOTAL or a tuple of output column indexes (see above)
    coll: dict = dataclasses.field(default_factory=dict)
    ci: frozenset = frozenset()
    protocols: tuple = ("text", "prepared")
    origin: str = "hand"   # "hand" or "generated"
    qid: int = 0

    def __post_init__(self):
        self.params = tuple(self.params)
        self.ci = frozenset(self.ci)
        missing = [i for i in self.ci if i not in self.coll]
        if missing:
            raise ValueError(f"ci columns {missing} without a collation: {self.sql}")
        upper = " ".join(self.sql.upper().split())
        if "ORDER BY" in upper and "ORDER BY NULL" not in upper and self.order is None:
            raise ValueError(f"ORDER BY without an order declaration: {self.sql}")
        if isinstance(self.order, tuple) and " LIMIT " in f" {upper} ":
            raise ValueError(f"LIMIT after an ORDER BY with ties: {self.sql}")
        if self.sql.count("?") != len(self.params):
            raise ValueError(f"{self.sql.count('?')} placeholders, {len(self.params)} "
                             f"parameters: {self.sql}")

    def describe(self):
        p = f"  params={list(self.params)}" if self.params else ""
        return f"{self.sql}{p}"


def _ids(dataset, rnd, s0, s1):
    return rnd.sample(dataset.user_ids("s0"), s0) + rnd.sample(dataset.user_ids("s1"), s1)


def hand_written(dataset):
    """The hand-written corpus."""
    rnd = random.Random(SEED + 1)
    a0, b0, c0 = rnd.sample(dataset.user_ids("s0"), 3)
    a1, b1, c1 = rnd.sample(dataset.user_ids("s1"), 3)
    mixed = _ids(dataset, rnd, 3, 3)
    mixed_in = ", ".join(map(str, mixed))
    with_orders = sorted({o["user_id"] for o in dataset.orders})
    o0 = [i for i in with_orders if i < S1_START][:2]
    o1 = [i for i in with_orders if i >= S1_START][:2]
    U = "dt_users"
    O = "dt_orders"
    G = GENERAL
    qs = []

    def q(sql, *params, **kw):
        qs.append(Q(sql, params, **kw))

    # -- point lookups, IN lists, ranges (nothing to merge)
    q(f"SELECT * FROM {U} WHERE user_id = 0")
    q(f"SELECT * FROM {U} WHERE user_id = ?", S1_START)
    q(f"SELECT user_id, name, city, tag FROM {U} WHERE user_id = ?", a0)
    q(f"SELECT * FROM {U} WHERE user_id = ?", 999999)
    q(f"SELECT * FROM {O} WHERE user_id = ? ORDER BY order_id", o1[0], order=TOTAL)
    q(f"SELECT user_id, name, score FROM {U} WHERE user_id IN ({mixed_in})")
    q(f"SELECT user_id, amount, born FROM {U} WHERE user_id IN (?, ?, ?, ?)", a0, a1, b0, b1)
    q(f"SELECT user_id, big, ratio FROM {U} WHERE user_id IN (?, ?, ?)", a1, b1, c1)
    q(f"SELECT user_id, dur, created FROM {U} WHERE user_id BETWEEN 900 AND 1100")
    q(f"SELECT user_id, name FROM {U} WHERE user_id >= ? AND user_id < ?", 950, 1050)
    q(f"SELECT user_id, grp FROM {U} WHERE user_id < {S1_START}")
    q(f"SELECT user_id, grp FROM {U} WHERE user_id > ?", 1500)
    q(f"SELECT user_id FROM {U} WHERE user_id = ? OR user_id = ?", c0, c1)
    # -- full scatter, filters on every column type
    q(f"SELECT * FROM {U}")
    q(f"SELECT user_id, amount, ratio, born, created, dur FROM {U}")
    q(f"SELECT * FROM {O}")
    q(f"SELECT user_id FROM {U} WHERE score IS NULL")
    q(f"SELECT user_id, name FROM {U} WHERE name = 'alice'")
    q(f"SELECT user_id, name FROM {U} WHERE name = ?", "ÉMILE")
    q(f"SELECT user_id, city FROM {U} WHERE city = 'strasse'")
    q(f"SELECT user_id, tag FROM {U} WHERE tag = ?", "ake")
    q(f"SELECT user_id, name FROM {U} WHERE name LIKE ?", "a%")
    q(f"SELECT user_id, big FROM {U} WHERE big > ?", 2**63)
    q(f"SELECT user_id, amount FROM {U} WHERE amount BETWEEN ? AND ?", "-10.00", "500.50")
    q(f"SELECT user_id, dur FROM {U} WHERE dur < '00:00:00'")
    q(f"SELECT user_id, born FROM {U} WHERE born BETWEEN ? AND ?", "1980-01-01", "1989-12-31")
    q(f"SELECT user_id, ratio FROM {U} WHERE ratio > ?", 0.5)
    q(f"SELECT user_id, name FROM {U} WHERE name = ''")
    q(f"SELECT user_id, tag FROM {U} WHERE tag = ?", "tail")
    q(f"SELECT user_id, CONCAT('[', name, ']') AS bracketed, LENGTH(name), CHAR_LENGTH(tag) "
      f"FROM {U} WHERE grp = ?", 2)
    q(f"SELECT user_id, amount * 2, score + 1, -amount, big DIV 3 FROM {U} WHERE flag = 1")
    q(f"SELECT * FROM {U} LIMIT 0")

    # -- ORDER BY (unique keys: user_id or order_id breaks ties)
    for order_by in ["score, user_id", "score DESC, user_id DESC", "score DESC, user_id",
                     "grp, score DESC, user_id", "amount DESC, user_id", "ratio, user_id",
                     "big DESC, user_id", "born, user_id", "created DESC, user_id",
                     "dur, user_id", "name, user_id", "name DESC, user_id", "city, user_id",
                     "city DESC, user_id DESC", "tag, user_id", "tag DESC, user_id",
                     "name, city, tag, user_id", "flag DESC, name, user_id",
                     "user_id DESC"]:
        q(f"SELECT user_id, grp, flag, score, big, amount, ratio, born, created, dur, name, "
          f"city, tag FROM {U} ORDER BY {order_by}", order=TOTAL)
    q(f"SELECT user_id, grp FROM {U} ORDER BY 2, 1", order=TOTAL)
    q(f"SELECT user_id AS k, score AS s FROM {U} ORDER BY s DESC, k", order=TOTAL)
    q(f"SELECT user_id, name FROM {U} ORDER BY score, user_id", order=TOTAL)
    q(f"SELECT user_id, score FROM {U} ORDER BY score IS NULL, score DESC, user_id",
      order=TOTAL)
    q(f"SELECT user_id, name FROM {U} ORDER BY name COLLATE utf8mb4_bin, user_id", order=TOTAL)
    # (Not `tag COLLATE latin1_bin`: MariaDB's = says 'tail' = 'tail  ' under that PAD SPACE
    # collation while its filesort orders them apart, so the tie order is not defined.)
    q(f"SELECT user_id, tag FROM {U} ORDER BY BINARY tag DESC, user_id", order=TOTAL)
    q(f"SELECT user_id, name FROM {U} WHERE user_id IN ({mixed_in}) ORDER BY name, user_id",
      order=TOTAL)
    q(f"SELECT user_id, city FROM {U} WHERE user_id BETWEEN ? AND ? ORDER BY city DESC, user_id",
      900, 1100, order=TOTAL)
    q(f"SELECT order_id, user_id, ordered_at FROM {O} ORDER BY ordered_at DESC, order_id",
      order=TOTAL)
    q(f"SELECT * FROM {O} WHERE user_id IN (?, ?, ?, ?) ORDER BY user_id, order_id",
      o0[0], o0[1], o1[0], o1[1], order=TOTAL)
    # ORDER BY with ties: the sort key's sequence and the rows' multiset
    q(f"SELECT grp, flag, user_id FROM {U} ORDER BY grp, flag", order=(0, 1))
    q(f"SELECT score, amount, user_id FROM {U} ORDER BY score DESC, amount", order=(0, 1))
    q(f"SELECT name, user_id FROM {U} ORDER BY name", order=(0,), coll={0: G})
    q(f"SELECT city, user_id FROM {U} ORDER BY city DESC", order=(0,), coll={0: UNICODE})
    q(f"SELECT tag, grp FROM {U} ORDER BY tag", order=(0,), coll={0: SWEDISH})
    q(f"SELECT born, dur FROM {U} WHERE grp < ? ORDER BY born DESC, dur", 4, order=(0, 1))
    q(f"SELECT status, qty FROM {O} ORDER BY status DESC, qty", order=(0, 1), coll={0: G})

    # -- LIMIT / OFFSET
    q(f"SELECT user_id, name FROM {U} ORDER BY user_id LIMIT 10", order=TOTAL)
    q(f"SELECT user_id, name FROM {U} ORDER BY user_id DESC LIMIT 5", order=TOTAL)
    q(f"SELECT user_id FROM {U} ORDER BY user_id LIMIT 195, 10", order=TOTAL)
    q(f"SELECT user_id FROM {U} ORDER BY user_id LIMIT 10 OFFSET 198", order=TOTAL)
    q(f"SELECT user_id, score FROM {U} ORDER BY score DESC, user_id LIMIT ?", 7, order=TOTAL)
    q(f"SELECT user_id, name FROM {U} ORDER BY name, user_id LIMIT ?, ?", 3, 12, order=TOTAL)
    q(f"SELECT user_id, amount FROM {U} ORDER BY amount, user_id LIMIT 0", order=TOTAL)
    q(f"SELECT user_id, created FROM {U} ORDER BY created, user_id LIMIT 1000", order=TOTAL)
    q(f"SELECT user_id, grp FROM {U} ORDER BY grp DESC, user_id LIMIT ? OFFSET ?", 5, 390,
      order=TOTAL)
    q(f"SELECT user_id, tag FROM {U} ORDER BY tag DESC, user_id LIMIT 15", order=TOTAL)
    q(f"SELECT user_id, city FROM {U} ORDER BY city, user_id LIMIT 20, 5", order=TOTAL)
    q(f"SELECT user_id, big FROM {U} ORDER BY big DESC, user_id LIMIT 3", order=TOTAL)
    q(f"SELECT user_id, dur FROM {U} ORDER BY dur DESC, user_id LIMIT ?", 8, order=TOTAL)
    q(f"SELECT user_id, ratio FROM {U} WHERE ratio IS NOT NULL ORDER BY ratio DESC, user_id "
      f"LIMIT ?, ?", 2, 6, order=TOTAL)
    q(f"SELECT user_id, name FROM {U} WHERE grp = ? ORDER BY name DESC, user_id LIMIT ?", 5, 9,
      order=TOTAL)
    q(f"SELECT user_id, born FROM {U} ORDER BY born, user_id LIMIT ?", 0, order=TOTAL)

    # -- aggregates without GROUP BY
    q(f"SELECT COUNT(*) FROM {U}")
    q(f"SELECT COUNT(*) FROM {O}")
    q(f"SELECT COUNT(score), COUNT(city), COUNT(tag), COUNT(*) FROM {U}")
    q(f"SELECT COUNT(*) FROM {U} WHERE user_id < ?", S1_START)
    q(f"SELECT COUNT(*) FROM {U} WHERE user_id < ?", 1500)
    q(f"SELECT COUNT(1), COUNT(big) FROM {U} WHERE grp = ?", 3)
    q(f"SELECT COUNT(*) AS n FROM {U} WHERE name = 'alice'")
    q(f"SELECT SUM(score), MIN(score), MAX(score), AVG(score) FROM {U}")
    q(f"SELECT SUM(amount), MIN(amount), MAX(amount), AVG(amount) FROM {U}")
    q(f"SELECT SUM(big), MIN(big), MAX(big), AVG(big) FROM {U}")
    q(f"SELECT MIN(ratio), MAX(ratio) FROM {U}")
    q(f"SELECT MIN(born), MAX(born), MIN(created), MAX(created), MIN(dur), MAX(dur) FROM {U}")
    q(f"SELECT MIN(name), MAX(name) FROM {U}", coll={0: G, 1: G}, ci={0, 1})
    q(f"SELECT MIN(city), MAX(city), MIN(tag), MAX(tag) FROM {U}",
      coll={0: UNICODE, 1: UNICODE, 2: SWEDISH, 3: SWEDISH}, ci={0, 1, 2, 3})
    q(f"SELECT SUM(qty), SUM(price), AVG(price), MIN(ordered_at), MAX(ordered_at) FROM {O}")
    q(f"SELECT SUM(score) FROM {U} WHERE grp = ?", 3)
    q(f"SELECT AVG(amount) FROM {U} WHERE user_id BETWEEN ? AND ?", 500, 1500)
    q(f"SELECT SUM(flag), AVG(flag), AVG(grp) FROM {U}")
    q(f"SELECT COUNT(*), SUM(amount) FROM {U} WHERE amount < ?", "0")
    q(f"SELECT MAX(score) AS m, MIN(user_id) AS lo, MAX(user_id) AS hi FROM {U}")
    q(f"SELECT COUNT(*) FROM {U} LIMIT 1")
    q(f"SELECT COUNT(*) FROM {U} LIMIT 1, 1")
    q(f"SELECT SUM(price * qty), MAX(qty * 2) FROM {O}")
    q(f"SELECT COUNT(*), MIN(score), MAX(amount) FROM {U} WHERE user_id IN (?, ?)", a0, a1)

    # -- GROUP BY
    q(f"SELECT grp, COUNT(*) FROM {U} GROUP BY grp")
    q(f"SELECT grp, COUNT(*), SUM(score), MIN(score), MAX(score), AVG(score) FROM {U} "
      f"GROUP BY grp ORDER BY grp", order=TOTAL)
    q(f"SELECT flag, grp, COUNT(*), SUM(amount) FROM {U} GROUP BY flag, grp")
    q(f"SELECT grp, flag, COUNT(*), AVG(amount), MAX(big) FROM {U} GROUP BY grp, flag "
      f"ORDER BY grp DESC, flag", order=TOTAL)
    q(f"SELECT score, COUNT(*) FROM {U} GROUP BY score")
    q(f"SELECT score, COUNT(*) AS c FROM {U} GROUP BY score ORDER BY score DESC", order=TOTAL)
    q(f"SELECT born, COUNT(*) FROM {U} GROUP BY born ORDER BY born", order=TOTAL)
    q(f"SELECT name, COUNT(*) FROM {U} GROUP BY name", coll={0: G}, ci={0})
    q(f"SELECT name, COUNT(*), MIN(user_id) FROM {U} GROUP BY name ORDER BY name", order=TOTAL,
      coll={0: G}, ci={0})
    q(f"SELECT city, COUNT(*), SUM(score) FROM {U} GROUP BY city ORDER BY city DESC",
      order=TOTAL, coll={0: UNICODE}, ci={0})
    q(f"SELECT tag, COUNT(*) FROM {U} GROUP BY tag ORDER BY tag", order=TOTAL,
      coll={0: SWEDISH}, ci={0})
    q(f"SELECT name, flag, COUNT(*) FROM {U} GROUP BY name, flag", coll={0: G}, ci={0})
    q(f"SELECT grp, MIN(name), MAX(name), MIN(tag) FROM {U} GROUP BY grp",
      coll={1: G, 2: G, 3: SWEDISH}, ci={1, 2, 3})
    q(f"SELECT grp, COUNT(*) FROM {U} WHERE user_id IN (?, ?, ?, ?, ?, ?) GROUP BY grp",
      *mixed)
    q(f"SELECT COUNT(*) FROM {U} GROUP BY grp")
    q(f"SELECT grp, SUM(big) FROM {U} GROUP BY grp ORDER BY NULL")
    q(f"SELECT flag, AVG(amount), COUNT(amount) FROM {U} WHERE score > ? GROUP BY flag", 0)
    q(f"SELECT grp, flag, COUNT(*) FROM {U} GROUP BY 1, 2 ORDER BY 1, 2 DESC", order=TOTAL)
    q(f"SELECT YEAR(born) AS y, COUNT(*) FROM {U} GROUP BY YEAR(born) ORDER BY y", order=TOTAL)
    q(f"SELECT grp, COUNT(DISTINCT flag), COUNT(DISTINCT score) FROM {U} GROUP BY grp")
    q(f"SELECT dur < '00:00:00' AS neg, COUNT(*), MIN(dur), MAX(dur) FROM {U} "
      f"GROUP BY dur < '00:00:00'")
    q(f"SELECT grp, MIN(ratio), MAX(ratio), MIN(created), MAX(born) FROM {U} "
      f"WHERE user_id > ? GROUP BY grp ORDER BY grp DESC", 200, order=TOTAL)

    # -- HAVING
    q(f"SELECT grp, COUNT(*) AS c FROM {U} GROUP BY grp HAVING COUNT(*) > 45")
    q(f"SELECT grp, COUNT(*) AS c FROM {U} GROUP BY grp HAVING c > ?", 48)
    q(f"SELECT name, COUNT(*) FROM {U} GROUP BY name HAVING COUNT(*) >= 12 ORDER BY name",
      order=TOTAL, coll={0: G}, ci={0})
    q(f"SELECT grp, SUM(amount) AS s FROM {U} GROUP BY grp HAVING s > ? ORDER BY s DESC, grp",
      "1000000", order=TOTAL)
    q(f"SELECT grp FROM {U} GROUP BY grp HAVING MAX(score) >= 19")
    q(f"SELECT grp, flag, COUNT(*) FROM {U} GROUP BY grp, flag "
      f"HAVING COUNT(*) > 25 AND AVG(score) < 1 OR MIN(born) < '1960-01-01'")
    q(f"SELECT grp, COUNT(*) FROM {U} GROUP BY grp HAVING grp IN (1, 3, 5)")
    q(f"SELECT flag, AVG(amount) FROM {U} GROUP BY flag HAVING AVG(amount) BETWEEN ? AND ?",
      "-100000", "10000000")
    q(f"SELECT grp, COUNT(score), COUNT(*) FROM {U} GROUP BY grp "
      f"HAVING COUNT(score) <> COUNT(*) ORDER BY grp", order=TOTAL)
    q(f"SELECT score, COUNT(*) FROM {U} GROUP BY score HAVING score IS NULL OR COUNT(*) > ?",
      12)
    q(f"SELECT city, COUNT(*) AS n FROM {U} GROUP BY city HAVING n >= ? ORDER BY n DESC, city",
      14, order=TOTAL, coll={0: UNICODE}, ci={0})
    q(f"SELECT tag, SUM(score) FROM {U} GROUP BY tag HAVING SUM(score) IS NULL OR "
      f"SUM(score) < 0", coll={0: SWEDISH}, ci={0})

    # -- ORDER BY an aggregate
    q(f"SELECT grp, COUNT(*) AS c FROM {U} GROUP BY grp ORDER BY c DESC, grp LIMIT 3",
      order=TOTAL)
    q(f"SELECT name, COUNT(*) AS c FROM {U} GROUP BY name ORDER BY c DESC, name LIMIT 5",
      order=TOTAL, coll={0: G}, ci={0})
    q(f"SELECT score, SUM(amount) FROM {U} GROUP BY score ORDER BY SUM(amount) DESC, score "
      f"LIMIT ?", 6, order=TOTAL)
    q(f"SELECT grp, AVG(score) AS a FROM {U} GROUP BY grp ORDER BY a, grp", order=TOTAL)
    q(f"SELECT grp, MAX(created) FROM {U} GROUP BY grp ORDER BY MAX(created) DESC, grp",
      order=TOTAL)
    q(f"SELECT flag, grp, SUM(big) FROM {U} GROUP BY flag, grp ORDER BY 3 DESC, 1, 2 LIMIT 4",
      order=TOTAL)
    q(f"SELECT grp FROM {U} GROUP BY grp ORDER BY COUNT(*) DESC, grp", order=TOTAL)
    q(f"SELECT grp, COUNT(*) FROM {U} GROUP BY grp ORDER BY COUNT(*)", order=(1,))
    q(f"SELECT born, COUNT(*) AS c FROM {U} GROUP BY born ORDER BY c DESC, born "
      f"LIMIT 10 OFFSET 2", order=TOTAL)
    q(f"SELECT tag, MIN(score) AS lo FROM {U} GROUP BY tag ORDER BY lo, tag LIMIT ?, ?", 1, 5,
      order=TOTAL, coll={0: SWEDISH}, ci={0})
    q(f"SELECT city, AVG(amount) AS a FROM {U} GROUP BY city ORDER BY a DESC, city",
      order=TOTAL, coll={0: UNICODE}, ci={0})

    # -- DISTINCT, COUNT(DISTINCT)
    q(f"SELECT DISTINCT grp FROM {U}")
    q(f"SELECT DISTINCT grp FROM {U} ORDER BY grp DESC", order=TOTAL)
    q(f"SELECT DISTINCT grp, flag FROM {U} ORDER BY grp, flag", order=TOTAL)
    q(f"SELECT DISTINCT name FROM {U}", coll={0: G}, ci={0})
    q(f"SELECT DISTINCT name FROM {U} ORDER BY name", order=TOTAL, coll={0: G}, ci={0})
    q(f"SELECT DISTINCT city FROM {U} ORDER BY city DESC", order=TOTAL, coll={0: UNICODE},
      ci={0})
    q(f"SELECT DISTINCT tag FROM {U}", coll={0: SWEDISH}, ci={0})
    q(f"SELECT DISTINCT score FROM {U} ORDER BY score LIMIT ?", 5, order=TOTAL)
    q(f"SELECT DISTINCT born FROM {U} WHERE born IS NOT NULL ORDER BY born DESC LIMIT 10",
      order=TOTAL)
    q(f"SELECT DISTINCT status FROM {O}", coll={0: G}, ci={0})
    q(f"SELECT DISTINCT flag, name FROM {U} WHERE grp = ?", 4, coll={1: G}, ci={1})
    q(f"SELECT DISTINCT amount FROM {U} ORDER BY amount LIMIT 5, 5", order=TOTAL)
    q(f"SELECT DISTINCT ratio FROM {U} ORDER BY ratio DESC", order=TOTAL)
    q(f"SELECT DISTINCT dur FROM {U} WHERE dur < ? ORDER BY dur", "00:00:00", order=TOTAL)
    q(f"SELECT COUNT(DISTINCT grp), COUNT(DISTINCT score), COUNT(DISTINCT name) FROM {U}")
    q(f"SELECT COUNT(DISTINCT city), COUNT(DISTINCT tag), COUNT(DISTINCT big) FROM {U}")
    q(f"SELECT grp, COUNT(DISTINCT name) FROM {U} GROUP BY grp ORDER BY grp", order=TOTAL)
    q(f"SELECT flag, COUNT(DISTINCT born), COUNT(DISTINCT amount) FROM {U} GROUP BY flag")
    q(f"SELECT SUM(DISTINCT score), AVG(DISTINCT grp), COUNT(DISTINCT ratio) FROM {U}")
    q(f"SELECT COUNT(DISTINCT status) FROM {O} WHERE user_id < ?", 1500)

    # -- empty results, aggregates over nothing
    q(f"SELECT * FROM {U} WHERE 1 = 0")
    q(f"SELECT user_id FROM {U} WHERE 1 = 0 ORDER BY user_id", order=TOTAL)
    q(f"SELECT COUNT(*), SUM(score), MIN(name), MAX(born), AVG(amount) FROM {U} WHERE 1 = 0",
      coll={2: G}, ci={2})
    q(f"SELECT grp, COUNT(*) FROM {U} WHERE 1 = 0 GROUP BY grp")
    q(f"SELECT COUNT(*), COUNT(DISTINCT name), SUM(big), MAX(dur) FROM {U} WHERE score > ?",
      1000)
    q(f"SELECT DISTINCT name FROM {U} WHERE FALSE", coll={0: G}, ci={0})
    q(f"SELECT COUNT(*), MAX(amount) FROM {U} WHERE user_id = ?", 999999)
    q(f"SELECT grp, SUM(score) FROM {U} WHERE grp > ? GROUP BY grp HAVING SUM(score) > 0 "
      f"ORDER BY grp LIMIT 3", 100, order=TOTAL)

    # -- co-located joins (ON the shard key)
    J = f"{U} u JOIN {O} o ON u.user_id = o.user_id"
    q(f"SELECT u.user_id, u.name, o.order_id, o.price FROM {J} WHERE u.user_id = ?", o0[0])
    q(f"SELECT u.user_id, u.name, o.order_id, o.price FROM {J} WHERE u.user_id IN (?, ?)",
      o0[1], o1[1])
    q(f"SELECT u.user_id, o.order_id, o.qty FROM {J}")
    q(f"SELECT u.user_id, u.tag, o.order_id, o.ordered_at FROM {J} ORDER BY o.order_id",
      order=TOTAL)
    q(f"SELECT u.grp, COUNT(*), SUM(o.price * o.qty) FROM {J} GROUP BY u.grp ORDER BY u.grp",
      order=TOTAL)
    q(f"SELECT u.name, SUM(o.qty) FROM {J} GROUP BY u.name ORDER BY u.name LIMIT 10",
      order=TOTAL, coll={0: G}, ci={0})
    q(f"SELECT o.status, COUNT(*), AVG(o.price) FROM {O} o JOIN {U} u ON o.user_id = u.user_id "
      f"WHERE u.flag = ? GROUP BY o.status", 1, coll={0: G}, ci={0})
    q(f"SELECT u.user_id, COUNT(o.order_id) FROM {U} u LEFT JOIN {O} o "
      f"ON u.user_id = o.user_id GROUP BY u.user_id ORDER BY u.user_id LIMIT 20", order=TOTAL)
    q(f"SELECT COUNT(*) FROM {U} u JOIN {O} o USING (user_id)")
    q(f"SELECT DISTINCT u.grp, o.status FROM {J} WHERE o.qty > ?", 5, coll={1: G}, ci={1})
    q(f"SELECT MAX(o.price), MIN(u.born), COUNT(DISTINCT u.user_id) FROM {J} "
      f"WHERE o.qty BETWEEN ? AND ?", 2, 4)

    # -- dt_orders alone
    q(f"SELECT user_id, COUNT(*), SUM(qty), MAX(price) FROM {O} GROUP BY user_id "
      f"ORDER BY user_id", order=TOTAL)
    q(f"SELECT status, SUM(qty) FROM {O} GROUP BY status ORDER BY SUM(qty) DESC, status",
      order=TOTAL, coll={0: G}, ci={0})
    q(f"SELECT order_id, ordered_at FROM {O} ORDER BY ordered_at DESC, order_id LIMIT 10",
      order=TOTAL)
    q(f"SELECT MIN(ordered_at), MAX(ordered_at), COUNT(note) FROM {O}")
    q(f"SELECT note, COUNT(*) FROM {O} GROUP BY note", coll={0: G}, ci={0})
    q(f"SELECT price, COUNT(*), SUM(qty) FROM {O} GROUP BY price ORDER BY price DESC",
      order=TOTAL)
    q(f"SELECT UPPER(name) AS u, COUNT(*) FROM {U} GROUP BY u ORDER BY u", order=TOTAL,
      coll={0: G}, ci={0})
    return qs


def must_refuse():
    """Statements shardgate refuses with 1235 even with the merge executor (a single server
    accepts all of them)."""
    U, O = "dt_users", "dt_orders"
    return [
        Q(f"SELECT GROUP_CONCAT(name) FROM {U}"),
        Q(f"SELECT grp, GROUP_CONCAT(name ORDER BY name) FROM {U} GROUP BY grp", order=TOTAL),
        Q(f"SELECT user_id, ROW_NUMBER() OVER (ORDER BY user_id) FROM {U}", order=TOTAL),
        Q(f"SELECT user_id, SUM(score) OVER (PARTITION BY grp) FROM {U}"),
        Q(f"SELECT name FROM {U} WHERE user_id < 10 UNION SELECT name FROM {U} "
          f"WHERE user_id > 1990"),
        Q(f"SELECT SUM(score) + 1 FROM {U}"),
        Q(f"SELECT SUM(amount) / COUNT(*) FROM {U}"),
        Q(f"SELECT grp, MAX(score) - MIN(score) FROM {U} GROUP BY grp"),
        Q(f"SELECT STDDEV_POP(score) FROM {U}"),
        Q(f"SELECT BIT_OR(grp) FROM {U}"),
        Q(f"SELECT u.user_id FROM {U} u JOIN {O} o ON u.user_id = o.order_id"),
    ]


# ---------------------------------------------------------------------------------------------
# Random queries

# Column -> (kind, collation). Kinds: int, uint, dec, double, date, datetime, time, text.
USER_KINDS = {
    "user_id": ("int", None), "grp": ("int", None), "flag": ("int", None),
    "score": ("int", None), "big": ("uint", None), "amount": ("dec", None),
    "ratio": ("double", None), "born": ("date", None), "created": ("datetime", None),
    "dur": ("time", None), "name": ("text", GENERAL), "city": ("text", UNICODE),
    "tag": ("text", SWEDISH),
}
GROUPABLE = ["grp", "flag", "score", "born", "name", "city", "tag"]
SUMMABLE = ["score", "big", "amount", "grp", "flag"]  # exact SUM/AVG (no DOUBLE)
ORDERABLE = [c for c in USER_KINDS if c != "user_id"]


class Generator:
    """Random SELECTs over dt_users from a small grammar, deterministic for a seed. Every query
    is deterministic on a single server: ORDER BY + LIMIT only over unique keys, non-aggregated
    columns only when grouped by, no DOUBLE sums."""

    def __init__(self, dataset, seed):
        self.rnd = random.Random(seed)
        self.ids = dataset.user_ids()

    # -- pieces

    def predicate(self, params):
        r = self.rnd
        use_param = self.param_mode

        def lit(v):
            if use_param:
                params.append(v)
                return "?"
            return sql_literal(v)

        kind = r.randrange(16)
        if kind == 0:
            return f"grp = {lit(r.randint(0, 7))}"
        if kind == 1:
            return f"grp IN ({lit(r.randint(0, 7))}, {lit(r.randint(0, 7))})"
        if kind == 2:
            return f"score > {lit(r.randint(-20, 20))}"
        if kind == 3:
            return r.choice(["score IS NULL", "score IS NOT NULL", "city IS NOT NULL",
                             "tag IS NULL", "born IS NOT NULL"])
        if kind == 4:
            lo = r.randint(-1000, 50000)
            return (f"amount BETWEEN {lit(str(Decimal(lo) / 100))} AND "
                    f"{lit(str(Decimal(lo + r.randint(100, 5000000)) / 100))}")
        if kind == 5:
            return f"user_id < {lit(r.randint(0, 2 * S1_START))}"
        if kind == 6:
            lo = r.randint(S1_START - 300, S1_START)
            return f"user_id BETWEEN {lit(lo)} AND {lit(lo + r.randint(0, 400))}"
        if kind == 7:
            keys = r.sample(self.ids, r.randint(2, 6))
            return f"user_id IN ({', '.join(lit(k) for k in keys)})"
        if kind == 8:
            return f"flag = {lit(r.randint(0, 1))}"
        if kind == 9:
            return f"name LIKE {lit(r.choice(['a%', 'É%', '%e', 'z%', '%ü%', 'b__']))}"
        if kind == 10:
            return f"tag >= {lit(r.choice(['m', 'Å', 'e', 'zeta']))}"
        if kind == 11:
            return f"born < {lit(r.choice(['1960-01-01', '1980-06-15', '2000-01-01']))}"
        if kind == 12:
            return f"dur < {lit(r.choice(['00:00:00', '-10:00:00', '50:00:00']))}"
        if kind == 13:
            return f"big > {lit(r.choice([2**62, 2**63, 1000, 2**64 - 2]))}"
        if kind == 14:
            return f"ratio > {lit(r.choice([0.5, -100.0, 3.0]))}"
        return f"city = {lit(r.choice(['zurich', 'STRASSE', 'malmo', 'oslo']))}"

    def where(self, params):
        n = self.rnd.choice([0, 0, 1, 1, 1, 2])
        if n == 0:
            return ""
        preds = [self.predicate(params) for _ in range(n)]
        op = self.rnd.choice([" AND ", " AND ", " OR "])
        return " WHERE " + op.join(f"({p})" if op == " OR " else p for p in preds)

    def limit(self, params):
        r = self.rnd
        n, m = r.randint(0, 15), r.randint(0, 40)
        form = r.randrange(3)
        if self.param_mode:
            if form == 0:
                params.append(n)
                return " LIMIT ?"
            if form == 1:
                params.extend([m, n])
                return " LIMIT ?, ?"
            params.extend([n, m])
            return " LIMIT ? OFFSET ?"
        return [f" LIMIT {n}", f" LIMIT {m}, {n}", f" LIMIT {n} OFFSET {m}"][form]

    def aggregate(self):
        """(sql, kind, collation) of a random aggregate."""
        r = self.rnd
        k = r.randrange(7)
        if k == 0:
            return "COUNT(*)", "int", None
        if k == 1:
            c = r.choice(list(USER_KINDS))
            return f"COUNT({c})", "int", None
        if k == 2:
            c = r.choice(GROUPABLE + ["amount", "big"])
            return f"COUNT(DISTINCT {c})", "int", None
        if k in (3, 4):
            c = r.choice(SUMMABLE)
            return f"{r.choice(['SUM', 'AVG'])}({c})", "dec", None
        c = r.choice(ORDERABLE)
        kind, coll = USER_KINDS[c]
        return f"{r.choice(['MIN', 'MAX'])}({c})", kind, coll

    # -- shapes

    def rows(self, params):
        r = self.rnd
        cols = r.sample(list(USER_KINDS), r.randint(1, 4))
        where = self.where(params)
        coll = {i: USER_KINDS[c][1] for i, c in enumerate(cols) if USER_KINDS[c][1]}
        form = r.randrange(3)
        if form == 0:
            return Q(f"SELECT {', '.join(cols)} FROM dt_users{where}", params, coll=coll)
        if form == 1:
            keys = r.sample(ORDERABLE, r.randint(1, 2))
            order = ", ".join(k + r.choice(["", " DESC"]) for k in keys)
            order += ", user_id" + r.choice(["", " DESC"])
            lim = self.limit(params) if r.random() < 0.6 else ""
            return Q(f"SELECT {', '.join(cols)} FROM dt_users{where} ORDER BY {order}{lim}",
                     params, order=TOTAL, coll=coll)
        # Ties: ORDER BY selected columns only, no LIMIT.
        keys = [c for c in cols if c != "user_id"] or ["grp"]
        if "grp" not in cols and keys == ["grp"]:
            cols.append("grp")
        keys = r.sample(keys, min(len(keys), r.randint(1, 2)))
        order = ", ".join(k + r.choice(["", " DESC"]) for k in keys)
        coll = {i: USER_KINDS[c][1] for i, c in enumerate(cols) if USER_KINDS[c][1]}
        return Q(f"SELECT {', '.join(cols)} FROM dt_users{where} ORDER BY {order}", params,
                 order=tuple(cols.index(k) for k in keys), coll=coll)

    def aggregates(self, params):
        r = self.rnd
        aggs = [self.aggregate() for _ in range(r.randint(1, 4))]
        where = self.where(params)
        coll = {i: a[2] for i, a in enumerate(aggs) if a[2]}
        return Q(f"SELECT {', '.join(a[0] for a in aggs)} FROM dt_users{where}", params,
                 coll=coll, ci=set(coll))

    def grouped(self, params):
        r = self.rnd
        keys = r.sample(GROUPABLE, r.randint(1, 2))
        aggs = [self.aggregate() for _ in range(r.randint(1, 3))]
        items = [(k, USER_KINDS[k][1], True) for k in keys] + [(a[0], a[2], False) for a in aggs]
        r.shuffle(items)
        aliased = r.random() < 0.4
        select = []
        for i, (expr, _, is_key) in enumerate(items):
            select.append(expr if is_key or not aliased else f"{expr} AS a{i}")
        coll = {i: it[1] for i, it in enumerate(items) if it[1]}
        where = self.where(params)
        group = ", ".join(keys)
        having = ""
        if r.random() < 0.4:
            i = r.choice([i for i, it in enumerate(items) if not it[2]])
            expr = items[i][0]
            ref = f"a{i}" if aliased and r.random() < 0.5 else expr
            if expr.startswith(("COUNT", "SUM", "AVG")):
                n = r.randint(0, 30) if expr.startswith("COUNT") else r.randint(-50, 200)
                if self.param_mode:
                    params.append(n)
                    having = f" HAVING {ref} > ?"
                else:
                    having = f" HAVING {ref} > {n}"
            else:
                having = f" HAVING {ref} IS NOT NULL"
            if r.random() < 0.3:
                having += " OR COUNT(*) > 5"
        form = r.randrange(4)
        sql = f"SELECT {', '.join(select)} FROM dt_users{where} GROUP BY {group}{having}"
        ci = set(coll)
        if form == 0:
            return Q(sql, params, coll=coll, ci=ci)
        key_order = [f"{k}{r.choice(['', ' DESC'])}" for k in keys]
        agg_positions = [i for i, it in enumerate(items) if not it[2]]
        if form == 1:
            lim = self.limit(params) if r.random() < 0.5 else ""
            return Q(f"{sql} ORDER BY {', '.join(key_order)}{lim}", params, order=TOTAL,
                     coll=coll, ci=ci)
        i = r.choice(agg_positions)
        ref = (f"a{i}" if aliased else
               (str(i + 1) if r.random() < 0.3 else items[i][0])) + r.choice(["", " DESC"])
        if form == 2:
            lim = self.limit(params) if r.random() < 0.6 else ""
            return Q(f"{sql} ORDER BY {ref}, {', '.join(key_order)}{lim}", params, order=TOTAL,
                     coll=coll, ci=ci)
        return Q(f"{sql} ORDER BY {ref}", params, order=(i,), coll=coll, ci=ci)

    def distinct(self, params):
        r = self.rnd
        cols = r.sample(GROUPABLE, r.randint(1, 3))
        where = self.where(params)
        coll = {i: USER_KINDS[c][1] for i, c in enumerate(cols) if USER_KINDS[c][1]}
        sql = f"SELECT DISTINCT {', '.join(cols)} FROM dt_users{where}"
        if r.random() < 0.4:
            return Q(sql, params, coll=coll, ci=set(coll))
        order = ", ".join(c + r.choice(["", " DESC"]) for c in cols)
        lim = self.limit(params) if r.random() < 0.5 else ""
        return Q(f"{sql} ORDER BY {order}{lim}", params, order=TOTAL, coll=coll, ci=set(coll))

    def query(self):
        self.param_mode = self.rnd.random() < 0.4
        shape = self.rnd.choice([self.rows, self.rows, self.aggregates, self.grouped,
                                 self.grouped, self.grouped, self.distinct])
        q = shape([])
        q.origin = "generated"
        return q


def generated(dataset, count=120, seed=SEED + 2):
    g = Generator(dataset, seed)
    return [g.query() for _ in range(count)]


def corpus(dataset):
    """Every query of the differential test, numbered from 1."""
    qs = hand_written(dataset) + generated(dataset)
    for n, q in enumerate(qs, 1):
        q.qid = n
    return qs
