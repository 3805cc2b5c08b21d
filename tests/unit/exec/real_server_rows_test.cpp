// Rows captured from MariaDB 10.11.19 for
//   CREATE TABLE bt (id INT PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, y YEAR, mi MEDIUMINT,
//     bi BIGINT UNSIGNED, f FLOAT, d DOUBLE, dc DECIMAL(10,3), dt DATE, dtm DATETIME(3),
//     dts DATETIME, ts TIMESTAMP(6) NULL, tm TIME(2), tm0 TIME, s VARCHAR(10), bl BLOB,
//     e ENUM('a','b'), st SET('x','y'), bt BIT(9), j JSON);
//   row 1: (1, -5, 65535, 2024, -8388608, 18446744073709551615, 1.5, -2.25, -12.345, '2024-02-29',
//     '2024-02-29 12:34:56.789', '2024-02-29 00:00:00', '2024-02-29 12:34:56.000001',
//     '-838:59:59.99', '25:00:00', 'héllo', 0x00ff, 'b', 'x,y', b'101010101', '{"a":1}')
//   row 2: (2, NULLs..., dt '0000-00-00', tm '00:00:00', tm0 '-00:00:01', NULLs...)
// by a raw client: SELECT * FROM bt ORDER BY id through COM_STMT_EXECUTE (binary rows) and
// COM_QUERY (text rows). The server sends DATETIME '... 00:00:00' as 4 bytes, '0000-00-00' and
// TIME '00:00:00' as 0 bytes.
#include <gtest/gtest.h>

#include "router/exec/result_rows.h"
#include "router/exec/value_order.h"
#include "tests/unit/exec/exec_test_util.h"

namespace sg::exec {
namespace {

using protocol::Bytes;

const std::vector<std::string> kColumnDefs = {
    "0364656601740262740262740269640269640c3f000b000000030350000000",
    "0364656601740262740262740274690274690c3f0004000000010000000000",
    "0364656601740262740262740273690273690c3f0005000000022000000000",
    "036465660174026274026274017901790c3f00040000000d6000000000",
    "036465660174026274026274026d69026d690c3f0009000000090000000000",
    "0364656601740262740262740262690262690c3f0014000000082000000000",
    "036465660174026274026274016601660c3f000c0000000400001f0000",
    "036465660174026274026274016401640c3f00160000000500001f0000",
    "0364656601740262740262740264630264630c3f000c000000f60000030000",
    "0364656601740262740262740264740264740c3f000a0000000a8000000000",
    "0364656601740262740262740364746d0364746d0c3f00170000000c8000030000",
    "03646566017402627402627403647473036474730c3f00130000000c8000000000",
    "0364656601740262740262740274730274730c3f001a00000007a000060000",
    "03646566017402627402627402746d02746d0c3f000d0000000b8000020000",
    "03646566017402627402627403746d3003746d300c3f000a0000000b8000000000",
    "036465660174026274026274017301730c2d0028000000fd0000000000",
    "03646566017402627402627402626c02626c0c3f00ffff0000fc9000000000",
    "036465660174026274026274016501650c2d0004000000fe0001000000",
    "0364656601740262740262740273740273740c2d000c000000fe0008000000",
    "0364656601740262740262740262740262740c3f0009000000102000000000",
    "036465660174026274026274016a016a0c2d00fffffffffc9000000000",
};
const std::vector<std::string> kBinaryRows = {
    "0000000001000000fbffffe807000080ffffffffffffffffff0000c03f00000000000002c0072d31322e3334"
    "3504e807021d0be807021d0c2238080a0c0004e807021d0be807021d0c2238010000000c0122000000163b3b"
    "301b0f000800010000000100000668c3a96c6c6f0200ff016203782c79020155077b2261223a317d",
    "00f8777e020000000000080100000000000001",
};
const std::vector<std::string> kTextRows = {
    "0131022d350536353533350432303234082d3833383836303814313834343637343430373337303935353136"
    "313503312e35052d322e3235072d31322e3334350a323032342d30322d323917323032342d30322d32392031"
    "323a33343a35362e37383913323032342d30322d32392030303a30303a30301a323032342d30322d32392031"
    "323a33343a35362e3030303030310d2d3833383a35393a35392e39390832353a30303a30300668c3a96c6c6f"
    "0200ff016203782c79020155077b2261223a317d",
    "0132fbfbfbfbfbfbfbfb0a303030302d30302d3030fbfbfb0b30303a30303a30302e3030092d30303a30303a"
    "3031fbfbfbfbfbfb",
};

Bytes unhex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<ColumnInfo> columns() {
  std::vector<ColumnInfo> cols;
  for (const auto& hex : kColumnDefs) {
    auto c = ColumnInfo::parse(protocol::ByteSpan(unhex(hex)));
    EXPECT_TRUE(c);
    cols.push_back(c ? *c : ColumnInfo{});
  }
  return cols;
}

std::vector<Row> decodeAll(const std::vector<std::string>& payloads, RowFormat format,
                           const std::vector<ColumnInfo>& cols) {
  std::vector<Row> rows;
  for (const auto& hex : payloads) {
    Bytes payload = unhex(hex);
    auto row = decodeRow(protocol::ByteSpan(payload), format, cols);
    EXPECT_TRUE(row) << hex;
    if (!row) continue;
    Bytes again;
    encodeRow(*row, cols.size(), format, cols, again);
    EXPECT_EQ(again, payload) << "re-encoding changed the row";
    rows.push_back(*row);
  }
  return rows;
}

TEST(RealServerRows, ColumnDefinitions) {
  auto cols = columns();
  ASSERT_EQ(cols.size(), 21u);
  EXPECT_EQ(cols[0].name, "id");
  EXPECT_EQ(cols[0].type, coltype::kLong);
  EXPECT_EQ(cols[2].type, coltype::kShort);
  EXPECT_TRUE(cols[2].isUnsigned());
  EXPECT_EQ(cols[3].type, coltype::kYear);
  EXPECT_EQ(cols[4].type, coltype::kInt24);
  EXPECT_EQ(cols[8].type, coltype::kNewDecimal);
  EXPECT_EQ(cols[8].decimals, 3);
  EXPECT_EQ(cols[10].type, coltype::kDateTime);
  EXPECT_EQ(cols[10].decimals, 3);
  EXPECT_EQ(cols[13].type, coltype::kTime);
  EXPECT_EQ(cols[15].charset, 45);  // utf8mb4_general_ci: the connection's collation
  EXPECT_EQ(cols[16].charset, kBinaryCharset);
  EXPECT_EQ(cols[19].type, coltype::kBit);
}

TEST(RealServerRows, BinaryAndTextRoundTripAndAgree) {
  auto cols = columns();
  auto bin = decodeAll(kBinaryRows, RowFormat::kBinary, cols);
  auto text = decodeAll(kTextRows, RowFormat::kText, cols);
  ASSERT_EQ(bin.size(), 2u);
  ASSERT_EQ(text.size(), 2u);
  EXPECT_EQ(text[0][13], Cell::of("-838:59:59.99"));
  EXPECT_EQ(bin[0][11].bytes.size(), 4u);   // DATETIME at midnight: date only
  EXPECT_EQ(bin[1][9].bytes.size(), 0u);    // 0000-00-00
  EXPECT_EQ(bin[1][13].bytes.size(), 0u);   // TIME 00:00:00
  EXPECT_EQ(bin[0][13].bytes.size(), 12u);  // with fraction
  // Numbers read the same from both forms.
  for (size_t c : {0, 1, 2, 3, 4, 5, 6, 7, 8}) {
    auto b = numberOf(bin[0][c], cols[c], RowFormat::kBinary);
    auto t = numberOf(text[0][c], cols[c], RowFormat::kText);
    ASSERT_TRUE(b && t) << c;
    if (b->isDouble) {
      EXPECT_EQ(b->dbl, t->dbl) << c;
    } else {
      EXPECT_EQ(b->exact, t->exact) << c;
    }
  }
  // Row order per column is the same in both forms; so are grouping keys of equal values.
  for (size_t c = 0; c < cols.size(); ++c) {
    int b = compareValues(bin[0][c], bin[1][c], cols[c], RowFormat::kBinary);
    int t = compareValues(text[0][c], text[1][c], cols[c], RowFormat::kText);
    EXPECT_EQ(b, t) << "column " << c;
  }
  // TIME: -838:59:59.99 < -00:00:01 < 00:00:00 < 25:00:00 in both forms.
  auto tmCol = cols[13];
  EXPECT_EQ(compareValues(bin[0][13], bin[1][14], tmCol, RowFormat::kBinary), -1);
  EXPECT_EQ(compareValues(bin[1][14], bin[1][13], tmCol, RowFormat::kBinary), -1);
  EXPECT_EQ(compareValues(bin[1][13], bin[0][14], tmCol, RowFormat::kBinary), -1);
  EXPECT_EQ(compareValues(text[0][13], text[1][14], tmCol, RowFormat::kText), -1);
  EXPECT_EQ(compareValues(text[1][14], text[1][13], tmCol, RowFormat::kText), -1);
}

}  // namespace
}  // namespace sg::exec
