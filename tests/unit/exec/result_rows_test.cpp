// Column definition parsing, text/binary row codecs (byte-exact round trips, NULL bitmap, every
// binary value form), and reading/writing numbers as cells.
#include "router/exec/result_rows.h"

#include <gtest/gtest.h>

#include "tests/unit/exec/exec_test_util.h"

namespace sg::exec {
namespace {

using namespace testing;
using protocol::Bytes;
using protocol::PayloadWriter;

Bytes columnDefinition(std::string_view name, uint16_t charset, uint32_t length, uint8_t type,
                       uint16_t flags, uint8_t decimals) {
  Bytes out;
  PayloadWriter w(out);
  w.lenencString("def");
  w.lenencString("db");
  w.lenencString("t");
  w.lenencString("t");
  w.lenencString(name);
  w.lenencString("org");
  w.lenenc(0x0c);
  w.u16(charset);
  w.u32(length);
  w.u8(type);
  w.u16(flags);
  w.u8(decimals);
  w.zeros(2);
  return out;
}

TEST(ColumnInfo, ParsesDefinition41) {
  Bytes def = columnDefinition("avg(x)", 63, 16, coltype::kNewDecimal, 128 | 32, 4);
  auto c = ColumnInfo::parse(span(def));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "avg(x)");
  EXPECT_EQ(c->charset, 63);
  EXPECT_EQ(c->length, 16u);
  EXPECT_EQ(c->type, coltype::kNewDecimal);
  EXPECT_TRUE(c->isUnsigned());
  EXPECT_TRUE(c->isDecimal());
  EXPECT_FALSE(c->isInteger());
  EXPECT_EQ(c->decimals, 4);
  for (size_t cut = 0; cut < def.size(); ++cut) {
    Bytes shorter(def.begin(), def.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(ColumnInfo::parse(span(shorter))) << cut;
  }
}

TEST(ColumnInfo, Classification) {
  EXPECT_TRUE(col(coltype::kYear).isInteger());
  EXPECT_TRUE(col(coltype::kInt24).isInteger());
  EXPECT_TRUE(col(coltype::kFloat).isFloating());
  EXPECT_TRUE(col(coltype::kTime).isTemporal());
  EXPECT_TRUE(col(coltype::kTimestamp).isTemporal());
  EXPECT_FALSE(col(coltype::kYear).isTemporal());
  EXPECT_TRUE(col(coltype::kBit).isString());
  EXPECT_TRUE(col(coltype::kJson).isString());
  EXPECT_FALSE(col(coltype::kLongLong).isString());
}

TEST(RowCodec, TextRoundTripWithNulls) {
  std::vector<ColumnInfo> cols = {col(coltype::kLong), strCol(), col(coltype::kDouble), strCol()};
  Bytes payload;
  PayloadWriter w(payload);
  w.lenencString("42");
  w.u8(0xFB);
  w.lenencString("1.5e20");
  w.lenencString(std::string(300, 'x'));  // 3-byte lenenc length
  auto row = decodeRow(span(payload), RowFormat::kText, cols);
  ASSERT_TRUE(row);
  ASSERT_EQ(row->size(), 4u);
  EXPECT_EQ((*row)[0], V("42"));
  EXPECT_TRUE((*row)[1].null);
  EXPECT_EQ((*row)[2].bytes, "1.5e20");
  EXPECT_EQ((*row)[3].bytes.size(), 300u);
  Bytes again;
  encodeRow(*row, 4, RowFormat::kText, cols, again);
  EXPECT_EQ(again, payload);
  // Hidden columns are left off.
  Bytes visible;
  encodeRow(*row, 1, RowFormat::kText, cols, visible);
  EXPECT_EQ(visible, (Bytes{2, '4', '2'}));
}

TEST(RowCodec, TextMalformed) {
  std::vector<ColumnInfo> cols = {col(coltype::kLong), col(coltype::kLong)};
  EXPECT_FALSE(decodeRow(span(Bytes{1, '1'}), RowFormat::kText, cols));             // too few
  EXPECT_FALSE(decodeRow(span(Bytes{1, '1', 1, '2', 0}), RowFormat::kText, cols));  // trailing
  EXPECT_FALSE(decodeRow(span(Bytes{5, '1', 1, '2'}), RowFormat::kText, cols));     // overrun
  EXPECT_TRUE(decodeRow(span(Bytes{0xFB, 0xFB}), RowFormat::kText, cols));
}

// One column of every binary form, with a value, then the same row with NULLs in between.
TEST(RowCodec, BinaryEveryTypeRoundTrip) {
  std::vector<ColumnInfo> cols = {
      col(coltype::kTiny),       col(coltype::kShort),     col(coltype::kYear),
      col(coltype::kLong),       col(coltype::kInt24),     col(coltype::kLongLong),
      col(coltype::kFloat),      col(coltype::kDouble),    col(coltype::kDate),
      col(coltype::kDateTime),   col(coltype::kTimestamp), col(coltype::kDateTime),
      col(coltype::kTime),       col(coltype::kTime),      col(coltype::kTime),
      col(coltype::kNewDecimal), col(coltype::kDecimal),   strCol(),
      col(coltype::kBlob),       col(coltype::kEnum),      col(coltype::kSet),
      col(coltype::kBit),        col(coltype::kJson),      col(coltype::kGeometry),
      col(coltype::kVarchar),    col(coltype::kString),    col(coltype::kDate),
  };
  std::vector<std::string> values = {
      le(0xFF, 1),
      le(0x8001, 2),
      le(2024, 2),
      le(0xFFFFFFFF, 4),
      le(0x7FFFFF, 4),
      le(0x8000000000000000ull, 8),
      le(0x3F800000, 4),
      leDouble(2.5),
      std::string("\xE8\x07\x02\x1D", 4),                               // 2024-02-29
      std::string("\xE8\x07\x02\x1D\x0C\x22\x38", 7),                   // with time
      std::string("\xE8\x07\x02\x1D\x0C\x22\x38\x40\xE2\x01\x00", 11),  // with micros
      std::string(),                                                    // zero datetime
      std::string("\x01\x02\x00\x00\x00\x03\x04\x05", 8),               // -2 days 03:04:05
      std::string("\x00\x00\x00\x00\x00\x01\x02\x03\x10\x27\x00\x00", 12),
      std::string(),
      "-12.50",
      "3",
      "héllo",
      std::string("\x00\x01\xFF", 3),
      "b",
      "a,c",
      std::string("\x01\x02", 2),
      "{\"a\":1}",
      std::string(25, '\x01'),
      "v",
      "fixed",
      std::string(4, '\0')};
  ASSERT_EQ(values.size(), cols.size());
  Bytes payload;
  PayloadWriter w(payload);
  w.u8(0x00);
  w.zeros((cols.size() + 9) / 8);
  for (size_t i = 0; i < cols.size(); ++i) {
    const std::string& v = values[i];
    switch (cols[i].type) {
      case coltype::kTiny:
      case coltype::kShort:
      case coltype::kYear:
      case coltype::kLong:
      case coltype::kInt24:
      case coltype::kLongLong:
      case coltype::kFloat:
      case coltype::kDouble:
        w.bytes(v);
        break;
      case coltype::kDate:
      case coltype::kDateTime:
      case coltype::kTimestamp:
      case coltype::kTime:
        w.u8(static_cast<uint8_t>(v.size()));
        w.bytes(v);
        break;
      default:
        w.lenencString(v);
    }
  }
  auto row = decodeRow(span(payload), RowFormat::kBinary, cols);
  ASSERT_TRUE(row);
  for (size_t i = 0; i < cols.size(); ++i) {
    EXPECT_FALSE((*row)[i].null) << i;
    EXPECT_EQ((*row)[i].bytes, values[i]) << i;
  }
  Bytes again;
  encodeRow(*row, cols.size(), RowFormat::kBinary, cols, again);
  EXPECT_EQ(again, payload);

  // NULLs at positions 0, 5, 6 (bitmap byte 0 bit 2, byte 0 bit 7, byte 1 bit 0) and the last.
  Row withNulls = *row;
  for (size_t i : {size_t{0}, size_t{5}, size_t{6}, cols.size() - 1}) withNulls[i] = N();
  Bytes nulled;
  encodeRow(withNulls, cols.size(), RowFormat::kBinary, cols, nulled);
  EXPECT_EQ(nulled[0], 0x00);
  EXPECT_EQ(nulled[1], 0x04 | 0x80);
  EXPECT_EQ(nulled[2], 0x01);
  size_t lastBit = cols.size() - 1 + 2;
  EXPECT_EQ(nulled[1 + lastBit / 8], 1u << (lastBit % 8));
  auto back = decodeRow(span(nulled), RowFormat::kBinary, cols);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, withNulls);
  Bytes nulledAgain;
  encodeRow(*back, cols.size(), RowFormat::kBinary, cols, nulledAgain);
  EXPECT_EQ(nulledAgain, nulled);
}

TEST(RowCodec, BinaryBitmapSizesAndHiddenColumns) {
  // 6 columns: bitmap (6+9)/8 = 1 byte; 7 columns: 2 bytes.
  std::vector<ColumnInfo> cols(7, col(coltype::kTiny));
  Row row(7, V(std::string(1, '\x05')));
  Bytes six, seven;
  encodeRow(row, 6, RowFormat::kBinary, cols, six);
  encodeRow(row, 7, RowFormat::kBinary, cols, seven);
  EXPECT_EQ(six.size(), 1u + 1u + 6u);
  EXPECT_EQ(seven.size(), 1u + 2u + 7u);
  std::vector<ColumnInfo> sixCols(cols.begin(), cols.begin() + 6);
  EXPECT_TRUE(decodeRow(span(six), RowFormat::kBinary, sixCols));
}

TEST(RowCodec, BinaryMalformed) {
  std::vector<ColumnInfo> cols = {col(coltype::kLong), col(coltype::kDate)};
  EXPECT_FALSE(decodeRow(span(Bytes{0x01, 0x00, 1, 0, 0, 0, 0}), RowFormat::kBinary, cols));
  EXPECT_FALSE(decodeRow(span(Bytes{0x00, 0x00, 1, 0, 0}), RowFormat::kBinary, cols));
  EXPECT_FALSE(decodeRow(span(Bytes{0x00, 0x00, 1, 0, 0, 0, 3, 1, 2, 3}), RowFormat::kBinary,
                         cols));  // DATE length 3
  EXPECT_FALSE(decodeRow(span(Bytes{0x00, 0x00, 1, 0, 0, 0, 0, 9}), RowFormat::kBinary, cols));
  EXPECT_TRUE(decodeRow(span(Bytes{0x00, 0x00, 1, 0, 0, 0, 0}), RowFormat::kBinary, cols));
  EXPECT_TRUE(decodeRow(span(Bytes{0x00, 0x0C}), RowFormat::kBinary, cols));
  EXPECT_FALSE(decodeRow(span(Bytes{}), RowFormat::kBinary, cols));
}

TEST(Numbers, NumberOfText) {
  auto n = numberOf(V("-12"), col(coltype::kLong), RowFormat::kText);
  ASSERT_TRUE(n);
  EXPECT_FALSE(n->isDouble);
  EXPECT_EQ(n->exact.toString(), "-12");
  n = numberOf(V("18446744073709551615"), col(coltype::kLongLong, colflag::kUnsigned),
               RowFormat::kText);
  EXPECT_EQ(n->exact.toString(), "18446744073709551615");
  n = numberOf(V("12.30"), col(coltype::kNewDecimal, 0, 2), RowFormat::kText);
  EXPECT_EQ(n->exact.toString(), "12.30");
  n = numberOf(V("3.333333333333333e19"), col(coltype::kDouble, 0, 31), RowFormat::kText);
  ASSERT_TRUE(n && n->isDouble);
  EXPECT_DOUBLE_EQ(n->dbl, 3.333333333333333e19);
  EXPECT_FALSE(numberOf(N(), col(coltype::kLong), RowFormat::kText));
  EXPECT_FALSE(numberOf(V("abc"), strCol(), RowFormat::kText));
  EXPECT_FALSE(numberOf(V("x1"), col(coltype::kLong), RowFormat::kText));
}

TEST(Numbers, NumberOfBinary) {
  auto b = RowFormat::kBinary;
  EXPECT_EQ(numberOf(V(le(0xFF, 1)), col(coltype::kTiny), b)->exact.toString(), "-1");
  EXPECT_EQ(numberOf(V(le(0xFF, 1)), col(coltype::kTiny, colflag::kUnsigned), b)->exact.toString(),
            "255");
  EXPECT_EQ(numberOf(V(le(0x8000, 2)), col(coltype::kShort), b)->exact.toString(), "-32768");
  EXPECT_EQ(numberOf(V(le(2155, 2)), col(coltype::kYear), b)->exact.toString(), "2155");
  EXPECT_EQ(numberOf(V(le(0xFFFFFFFF, 4)), col(coltype::kInt24), b)->exact.toString(), "-1");
  EXPECT_EQ(
      numberOf(V(le(~0ull, 8)), col(coltype::kLongLong, colflag::kUnsigned), b)->exact.toString(),
      "18446744073709551615");
  EXPECT_EQ(numberOf(V(le(1ull << 63, 8)), col(coltype::kLongLong), b)->exact.toString(),
            "-9223372036854775808");
  EXPECT_DOUBLE_EQ(numberOf(V(leDouble(-2.5)), col(coltype::kDouble), b)->dbl, -2.5);
  EXPECT_FLOAT_EQ(static_cast<float>(numberOf(V(le(0x3FC00000, 4)), col(coltype::kFloat), b)->dbl),
                  1.5f);
  EXPECT_EQ(numberOf(V("-0.50"), col(coltype::kNewDecimal, 0, 2), b)->exact.toString(), "-0.50");
  EXPECT_FALSE(numberOf(V(le(1, 2)), col(coltype::kLong), b));  // wrong width
}

TEST(Numbers, CellsOfNumbers) {
  auto t = RowFormat::kText;
  auto b = RowFormat::kBinary;
  Decimal d = *Decimal::parse("12.3");
  EXPECT_EQ(cellOfDecimal(d, col(coltype::kNewDecimal, 0, 2), t), V("12.30"));
  EXPECT_EQ(cellOfDecimal(d, col(coltype::kNewDecimal, 0, 2), b), V("12.30"));
  EXPECT_EQ(cellOfDecimal(*Decimal::parse("2.345"), col(coltype::kNewDecimal, 0, 2), t), V("2.35"));
  EXPECT_EQ(cellOfDecimal(*Decimal::parse("-7"), col(coltype::kLongLong), b), V(le(-7ll, 8)));
  EXPECT_EQ(cellOfDecimal(*Decimal::parse("7"), col(coltype::kLong), t), V("7"));
  EXPECT_EQ(cellOfDecimal(*Decimal::parse("0.5"), col(coltype::kDouble, 0, 31), t), V("0.5"));
  EXPECT_EQ(cellOfDouble(0.1 + 0.2, col(coltype::kDouble, 0, 31), t), V("0.30000000000000004"));
  EXPECT_EQ(cellOfDouble(2.5, col(coltype::kDouble, 0, 31), b), V(leDouble(2.5)));
  EXPECT_EQ(cellOfDouble(1.5, col(coltype::kFloat, 0, 31), b), V(le(0x3FC00000, 4)));
  EXPECT_EQ(cellOfDouble(1.5, col(coltype::kDouble, 0, 6), t), V("1.500000"));
  EXPECT_EQ(cellOfDouble(1.25, col(coltype::kNewDecimal, 0, 1), t), V("1.3"));
  EXPECT_EQ(cellOfInteger(3, col(coltype::kLongLong), t), V("3"));
  EXPECT_EQ(cellOfInteger(3, col(coltype::kLongLong), b), V(le(3, 8)));
  EXPECT_EQ(cellOfInteger(-3, col(coltype::kLong), b), V(le(0xFFFFFFFD, 4)));
  EXPECT_EQ(cellOfInteger(3, col(coltype::kNewDecimal, 0, 2), b), V("3.00"));
  EXPECT_EQ(cellOfInteger(3, col(coltype::kDouble, 0, 31), t), V("3"));
}

}  // namespace
}  // namespace sg::exec
