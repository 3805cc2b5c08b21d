// GroupMerge against MariaDB 10.11.19 itself: the pushed-down statement run on three slices of a
// table (WHERE id % 3 = k, as if each were a shard), merged, must give byte for byte the rows the
// original statement returns on the whole table, in both protocols. Captured with a raw client
// (COM_STMT_EXECUTE then COM_QUERY) from
//   CREATE TABLE m (id INT PRIMARY KEY, g VARCHAR(10), i INT, d DOUBLE, dc DECIMAL(10,2));
//   INSERT INTO m VALUES (1,'y',1,0.5,1.10),(2,'x',2,1.25,2.25),(3,'y',4,-3.5,3.33),
//     (4,NULL,7,2.0,-1.01),(5,'z',NULL,NULL,NULL),(6,'x',-3,0.25,0.01),(7,'y',5,1.5,9.99),
//     (8,NULL,1,0.125,0.50),(9,'x',3,1e20,5.55),(10,'y',NULL,2.5,NULL);
// Grouped: SELECT g, COUNT(*), SUM(dc), AVG(i), AVG(d), MAX(dc) FROM m GROUP BY g, pushed down as
//   SELECT g, COUNT(*), SUM(dc), AVG(i), AVG(d), MAX(dc), SUM(i), COUNT(i), SUM(d), COUNT(d),
//     WEIGHT_STRING(g), WEIGHT_STRING(CONCAT(LEFT(g,0),' ')) FROM m WHERE ... GROUP BY g
// Total: SELECT COUNT(*), SUM(dc), AVG(i), AVG(d), MAX(dc) FROM m, pushed down as
//   SELECT COUNT(*), SUM(dc), AVG(i), AVG(d), MAX(dc), SUM(i), COUNT(i), SUM(d), COUNT(d) FROM m
//   WHERE ... (a fourth "shard" with WHERE 1=0), and the same over no rows at all.
#include <gtest/gtest.h>

#include "router/exec/group_merge.h"

namespace sg::exec {
namespace {

using plan::Aggregate;
using plan::MergeColumn;
using plan::MergeKey;
using plan::MergeSpec;
using protocol::Bytes;

struct Capture {
  std::vector<std::string> columns;              // ColumnDefinition41 payloads, hex
  std::vector<std::vector<std::string>> binary;  // per shard: binary row payloads, hex
  std::vector<std::vector<std::string>> text;    // per shard: text row payloads, hex
};

const Capture kGroupedShards = {
    {
        "036465660174016d016d016701670c2d0028000000fd0080000000",
        "0364656600000008636f756e74282a29000c3f0015000000080100000000",
        "036465660000000773756d28646329000c3f0022000000f60000020000",
        "0364656600000006617667286929000c3f0010000000f68000040000",
        "0364656600000006617667286429000c3f00170000000580001f0000",
        "03646566000000076d617828646329000c3f000c000000f60000020000",
        "036465660000000673756d286929000c3f0021000000f60000000000",
        "0364656600000008636f756e74286929000c3f0015000000080100000000",
        "036465660000000673756d286429000c3f00170000000500001f0000",
        "0364656600000008636f756e74286429000c3f0015000000080100000000",
        "03646566000000107765696768745f737472696e67286729000c3f0014000000fd8000000000",
        "03646566000000247765696768745f737472696e6728636f6e636174286c65667428672c30292c2720272929"
        "000c3f0002000000fd8000000000",
    },
    {{
         "0000000178020000000000000004352e353606302e30303030408cb5781daf054404352e3535013002000000"
         "00000000408cb5781daf15440200000000000000020058020020",
         "0000000179010000000000000004332e333306342e303030300000000000000cc004332e3333013401000000"
         "000000000000000000000cc00100000000000000020059020020",
     },
     {
         "0004300100000000000000052d312e303106372e303030300000000000000040052d312e3031013701000000"
         "0000000000000000000000400100000000000000",
         "000000017903000000000000000531312e303906332e30303030000000000000f83f04392e39390136020000"
         "000000000000000000000012400300000000000000020059020020",
     },
     {
         "000430010000000000000004302e353006312e30303030000000000000c03f04302e35300131010000000000"
         "0000000000000000c03f0100000000000000",
         "0000000178010000000000000004322e323506322e30303030000000000000f43f04322e3235013201000000"
         "00000000000000000000f43f0100000000000000020058020020",
         "00f005017a01000000000000000000000000000000000000000000000002005a020020",
     }},
    {{
         "0178013204352e353606302e30303030043565313904352e35350130013204316532300132020058020020",
         "0179013104332e333306342e30303030042d332e3504332e333301340131042d332e350131020059020020",
     },
     {
         "fb0131052d312e303106372e303030300132052d312e30310137013101320131fbfb",
         "017901330531312e303906332e3030303003312e3504392e39390136013203342e350133020059020020",
     },
     {
         "fb013104302e353006312e3030303005302e31323504302e35300131013105302e3132350131fbfb",
         "0178013104322e323506322e3030303004312e323504322e32350132013104312e32350131020058020020",
         "017a0131fbfbfbfbfb0130fb013002005a020020",
     }},
};
const Capture kGroupedWhole = {
    {
        "036465660174016d016d016701670c2d0028000000fd0080000000",
        "0364656600000008636f756e74282a29000c3f0015000000080100000000",
        "036465660000000773756d28646329000c3f0022000000f60000020000",
        "0364656600000006617667286929000c3f0010000000f68000040000",
        "0364656600000006617667286429000c3f00170000000580001f0000",
        "03646566000000076d617828646329000c3f000c000000f60000020000",
    },
    {{
        "00040200000000000000052d302e353106342e30303030000000000000f13f04302e3530",
        "00000178030000000000000004372e383106302e363636375510f2a07ce9fc4304352e3535",
        "0000017904000000000000000531342e343206332e33333333000000000000d03f04392e3939",
        "00f0017a0100000000000000",
    }},
    {{
        "fb0132052d302e353106342e3030303006312e3036323504302e3530",
        "0178013304372e383106302e3636363714332e33333333333333333333333333333365313904352e3535",
        "017901340531342e343206332e3333333304302e323504392e3939",
        "017a0131fbfbfbfb",
    }},
};
const Capture kTotalShards = {
    {
        "0364656600000008636f756e74282a29000c3f0015000000088100000000",
        "036465660000000773756d28646329000c3f0022000000f68000020000",
        "0364656600000006617667286929000c3f0010000000f68000040000",
        "0364656600000006617667286429000c3f00170000000580001f0000",
        "03646566000000076d617828646329000c3f000c000000f68000020000",
        "036465660000000673756d286929000c3f0021000000f68000000000",
        "0364656600000008636f756e74286929000c3f0015000000088100000000",
        "036465660000000673756d286429000c3f00170000000580001f0000",
        "0364656600000008636f756e74286429000c3f0015000000088100000000",
    },
    {{
         "000000030000000000000004382e383906312e333333335510f2a07ce9fc4304352e35350134030000000000"
         "0000408cb5781daf15440300000000000000",
     },
     {
         "00000004000000000000000531302e303806342e33333333000000000000fa3f04392e393902313303000000"
         "000000000000000000001a400400000000000000",
     },
     {
         "000000030000000000000004322e373506312e35303030000000000000e63f04322e32350133020000000000"
         "0000000000000000f63f0200000000000000",
     },
     {
         "00f802000000000000000000000000000000000000000000000000",
     }},
    {{
         "013304382e383906312e3333333314332e33333333333333333333333333333365313904352e353501340133"
         "04316532300133",
     },
     {
         "01340531302e303806342e3333333305312e36323504392e3939023133013303362e350134",
     },
     {
         "013304322e373506312e3530303006302e3638373504322e32350133013205312e3337350132",
     },
     {
         "0130fbfbfbfbfb0130fb0130",
     }},
};
const Capture kTotalWhole = {
    {
        "0364656600000008636f756e74282a29000c3f0015000000088100000000",
        "036465660000000773756d28646329000c3f0022000000f68000020000",
        "0364656600000006617667286929000c3f0010000000f68000040000",
        "0364656600000006617667286429000c3f00170000000580001f0000",
        "03646566000000076d617828646329000c3f000c000000f68000020000",
    },
    {{
        "00000a000000000000000532312e373206322e353030308eb5f6155346e34304392e3939",
    }},
    {{
        "0231300532312e373206322e3530303014312e31313131313131313131313131313165313904392e3939",
    }},
};
const Capture kTotalEmptyWhole = {
    {
        "0364656600000008636f756e74282a29000c3f0015000000088100000000",
        "036465660000000773756d28646329000c3f0022000000f68000020000",
        "0364656600000006617667286929000c3f0010000000f68000040000",
        "0364656600000006617667286429000c3f00170000000580001f0000",
        "03646566000000076d617828646329000c3f000c000000f68000020000",
    },
    {{
        "00780000000000000000",
    }},
    {{
        "0130fbfbfbfb",
    }},
};

Bytes unhex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string hex(const Bytes& b) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (uint8_t c : b) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::vector<ColumnInfo> columnsOf(const Capture& c) {
  std::vector<ColumnInfo> cols;
  for (const auto& h : c.columns) {
    auto info = ColumnInfo::parse(protocol::ByteSpan(unhex(h)));
    EXPECT_TRUE(info);
    cols.push_back(info ? *info : ColumnInfo{});
  }
  return cols;
}

MergeColumn agg(Aggregate a, bool hidden = false) {
  MergeColumn c;
  c.aggregate = a;
  c.hidden = hidden;
  return c;
}
MergeColumn avg(size_t sum, size_t count) {
  MergeColumn c = agg(Aggregate::kAvg);
  c.sumColumn = sum;
  c.countColumn = count;
  return c;
}

// Merges the shards' rows and returns the client's row payloads, hex.
std::vector<std::string> merge(const MergeSpec& spec, const Capture& shards, RowFormat format) {
  auto cols = columnsOf(shards);
  GroupMerge m(spec, cols, format, 1000, {});
  for (const auto& shard : format == RowFormat::kBinary ? shards.binary : shards.text) {
    for (const auto& h : shard) {
      Bytes payload = unhex(h);
      auto row = decodeRow(protocol::ByteSpan(payload), format, cols);
      EXPECT_TRUE(row) << h;
      if (row) {
        EXPECT_TRUE(m.add(*row));
      }
    }
  }
  std::vector<std::string> out;
  for (const Row& r : m.finish()) {
    Bytes payload;
    encodeRow(r, spec.visibleColumns, format, cols, payload);
    out.push_back(hex(payload));
  }
  return out;
}

MergeSpec groupedSpec() {
  MergeSpec s;
  s.aggregate = true;
  s.visibleColumns = 6;
  MergeColumn maxDc = agg(Aggregate::kMax);
  maxDc.minMaxKey = MergeKey{5};
  s.columns = {agg(Aggregate::kNone),
               agg(Aggregate::kCount),
               agg(Aggregate::kSum),
               avg(6, 7),
               avg(8, 9),
               maxDc,
               agg(Aggregate::kSum, true),
               agg(Aggregate::kCount, true),
               agg(Aggregate::kSum, true),
               agg(Aggregate::kCount, true),
               agg(Aggregate::kNone, true),
               agg(Aggregate::kNone, true)};
  s.groupBy = {MergeKey{0, 10, 11}};
  return s;
}

MergeSpec totalSpec() {
  MergeSpec s;
  s.aggregate = true;
  s.visibleColumns = 5;
  MergeColumn maxDc = agg(Aggregate::kMax);
  maxDc.minMaxKey = MergeKey{4};
  s.columns = {agg(Aggregate::kCount),
               agg(Aggregate::kSum),
               avg(5, 6),
               avg(7, 8),
               maxDc,
               agg(Aggregate::kSum, true),
               agg(Aggregate::kCount, true),
               agg(Aggregate::kSum, true),
               agg(Aggregate::kCount, true)};
  return s;
}

TEST(ServerMerge, GroupedBinary) {
  EXPECT_EQ(merge(groupedSpec(), kGroupedShards, RowFormat::kBinary), kGroupedWhole.binary[0]);
}
TEST(ServerMerge, GroupedText) {
  EXPECT_EQ(merge(groupedSpec(), kGroupedShards, RowFormat::kText), kGroupedWhole.text[0]);
}
TEST(ServerMerge, TotalBinary) {
  EXPECT_EQ(merge(totalSpec(), kTotalShards, RowFormat::kBinary), kTotalWhole.binary[0]);
}
TEST(ServerMerge, TotalText) {
  EXPECT_EQ(merge(totalSpec(), kTotalShards, RowFormat::kText), kTotalWhole.text[0]);
}
TEST(ServerMerge, TotalOverNoRows) {
  Capture none = kTotalShards;
  none.binary = {{}, {}};
  none.text = {{}, {}};
  EXPECT_EQ(merge(totalSpec(), none, RowFormat::kBinary), kTotalEmptyWhole.binary[0]);
  EXPECT_EQ(merge(totalSpec(), none, RowFormat::kText), kTotalEmptyWhole.text[0]);
}

}  // namespace
}  // namespace sg::exec
