#include "router/protocol/prepared.h"

#include <limits>

#include "router/protocol/constants.h"

namespace sg::protocol {

namespace {

constexpr uint8_t kPrepareOkHeader = 0x00;
// 0x17, statement id u32, flags u8, iteration count u32.
constexpr size_t kExecuteFixedSize = 10;
// Command byte and statement id.
constexpr size_t kStatementIdEnd = 5;

// How a parameter value of a given type is framed in the binary protocol.
enum class ValueShape : uint8_t {
  kFixed,       // a fixed number of bytes
  kDateTime,    // 1-byte length (0, 4, 7, 11; 13 = MySQL 8 with time zone), then that many bytes
  kTime,        // 1-byte length (0, 8, 12), then that many bytes
  kLenenc,      // length-encoded string
  kUnsupported  // not a type a client may bind
};

struct TypeLayout {
  ValueShape shape;
  uint8_t fixedSize;
};

TypeLayout layoutOf(uint8_t type) {
  namespace ft = field_type;
  switch (type) {
    case ft::kNull:
      return {ValueShape::kFixed, 0};
    case ft::kTiny:
      return {ValueShape::kFixed, 1};
    case ft::kShort:
    case ft::kYear:
      return {ValueShape::kFixed, 2};
    case ft::kLong:
    case ft::kInt24:
    case ft::kFloat:
      return {ValueShape::kFixed, 4};
    case ft::kLongLong:
    case ft::kDouble:
      return {ValueShape::kFixed, 8};
    case ft::kDate:
    case ft::kDateTime:
    case ft::kTimestamp:
      return {ValueShape::kDateTime, 0};
    case ft::kTime:
      return {ValueShape::kTime, 0};
    case ft::kDecimal:
    case ft::kNewDecimal:
    case ft::kVarchar:
    case ft::kBit:
    case ft::kJson:
    case ft::kEnum:
    case ft::kSet:
    case ft::kTinyBlob:
    case ft::kMediumBlob:
    case ft::kLongBlob:
    case ft::kBlob:
    case ft::kVarString:
    case ft::kString:
    case ft::kGeometry:
      return {ValueShape::kLenenc, 0};
    default:  // NEWDATE, TIMESTAMP2, DATETIME2, TIME2, TYPED_ARRAY, VECTOR, unassigned codes
      return {ValueShape::kUnsupported, 0};
  }
}

bool isStringLike(uint8_t type) {
  namespace ft = field_type;
  switch (type) {
    case ft::kDecimal:
    case ft::kNewDecimal:
    case ft::kVarchar:
    case ft::kEnum:
    case ft::kSet:
    case ft::kTinyBlob:
    case ft::kMediumBlob:
    case ft::kLongBlob:
    case ft::kBlob:
    case ft::kVarString:
    case ft::kString:
      return true;
    default:
      return false;
  }
}

bool validDateTimeLength(uint8_t n) { return n == 0 || n == 4 || n == 7 || n == 11 || n == 13; }
bool validTimeLength(uint8_t n) { return n == 0 || n == 8 || n == 12; }

bool hasStatementId(uint8_t command) {
  switch (static_cast<Command>(command)) {
    case Command::kStmtExecute:
    case Command::kStmtSendLongData:
    case Command::kStmtClose:
    case Command::kStmtReset:
    case Command::kStmtFetch:
      return true;
    default:
      return false;
  }
}

uint64_t readLittleEndian(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
  return v;
}

// "[+-]?[0-9]+" that fits in int64_t.
std::optional<int64_t> parsePlainInteger(std::string_view s) {
  bool negative = false;
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  const uint64_t limit =
      negative ? uint64_t{1} << 63 : uint64_t{std::numeric_limits<int64_t>::max()};
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (limit - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  if (!negative) return static_cast<int64_t>(v);
  return v == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(v);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// COM_STMT_PREPARE_OK

std::optional<PrepareOk> PrepareOk::parse(ByteSpan payload) {
  const size_t n = payload.size();
  if (n != 10 && n != 12 && n != 13) return std::nullopt;
  PayloadReader r(payload);
  if (r.u8() != kPrepareOkHeader) return std::nullopt;
  PrepareOk ok;
  ok.statementId = r.u32();
  ok.columns = r.u16();
  ok.params = r.u16();
  r.skip(1);  // filler, 0x00 (not checked: servers differ in what they put there)
  if (n >= 12) ok.warnings = r.u16();
  if (n == 13) ok.metadataFollows = r.u8();
  if (!r.ok()) return std::nullopt;
  return ok;
}

void PrepareOk::encode(Bytes& out) const {
  PayloadWriter w(out);
  w.u8(kPrepareOkHeader);
  w.u32(statementId);
  w.u16(columns);
  w.u16(params);
  w.u8(0);
  w.u16(warnings);
  if (metadataFollows) w.u8(*metadataFollows);
}

// ---------------------------------------------------------------------------------------------
// COM_STMT_EXECUTE

std::optional<ExecuteRequest> ExecuteRequest::parse(ByteSpan payload, uint16_t paramCount,
                                                    const std::vector<ParamType>* rememberedTypes,
                                                    const std::vector<bool>* longDataParams) {
  if (payload.size() > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  PayloadReader r(payload);
  if (r.u8() != static_cast<uint8_t>(Command::kStmtExecute)) return std::nullopt;
  ExecuteRequest req;
  req.statementId = r.u32();
  req.flags = r.u8();
  req.iterations = r.u32();
  if (!r.ok() || req.iterations > 1) return std::nullopt;
  req.nullBitmapOffset = static_cast<uint32_t>(r.position());
  if (paramCount == 0) {
    // Nothing follows for a statement without parameters; should a client add bytes anyway,
    // they are not ours to interpret and are carried along unchanged.
    req.valuesOffset = static_cast<uint32_t>(r.position());
    return req;
  }
  if (longDataParams != nullptr && longDataParams->size() != paramCount) return std::nullopt;

  const size_t bitmapSize = (static_cast<size_t>(paramCount) + 7) / 8;
  ByteSpan bitmap = payload.subspan(0, 0);
  if (r.remaining() >= bitmapSize) bitmap = payload.subspan(r.position(), bitmapSize);
  r.skip(bitmapSize);
  req.typesSent = r.u8() != 0;  // the server treats any non-zero value as "types follow"
  if (!r.ok()) return std::nullopt;

  if (req.typesSent) {
    if (r.remaining() < 2 * static_cast<size_t>(paramCount)) return std::nullopt;
    req.types.resize(paramCount);
    for (ParamType& t : req.types) {
      t.type = r.u8();
      t.isUnsigned = (r.u8() & kParamFlagUnsigned) != 0;
    }
  } else {
    if (rememberedTypes == nullptr || rememberedTypes->size() != paramCount) return std::nullopt;
    req.types = *rememberedTypes;
  }
  req.valuesOffset = static_cast<uint32_t>(r.position());

  req.params.resize(paramCount);
  for (size_t i = 0; i < paramCount; ++i) {
    ParamValue& v = req.params[i];
    const uint8_t type = req.types[i].type;
    const TypeLayout layout = layoutOf(type);
    if (layout.shape == ValueShape::kUnsupported) return std::nullopt;
    if (longDataParams != nullptr && (*longDataParams)[i]) {
      v.state = ParamValue::State::kLongData;  // checked before the bitmap, as the server does
      continue;
    }
    if ((bitmap[i / 8] >> (i % 8)) & 1) {
      v.state = ParamValue::State::kNull;
      continue;
    }
    size_t length = 0;
    switch (layout.shape) {
      case ValueShape::kFixed:
        length = layout.fixedSize;
        break;
      case ValueShape::kDateTime:
      case ValueShape::kTime: {
        const uint8_t n = r.u8();
        if (!r.ok()) return std::nullopt;
        const bool valid =
            layout.shape == ValueShape::kTime ? validTimeLength(n) : validDateTimeLength(n);
        if (!valid) return std::nullopt;
        length = n;
        break;
      }
      case ValueShape::kLenenc: {
        const uint64_t n = r.lenenc();
        if (!r.ok() || n > r.remaining()) return std::nullopt;
        length = static_cast<size_t>(n);
        break;
      }
      case ValueShape::kUnsupported:
        return std::nullopt;
    }
    if (type == field_type::kNull) {
      v.state = ParamValue::State::kNull;
      continue;
    }
    v.state = ParamValue::State::kValue;
    v.offset = static_cast<uint32_t>(r.position());
    v.length = static_cast<uint32_t>(length);
    r.skip(length);
    if (!r.ok()) return std::nullopt;
  }
  // Bytes after the last value mean the values were framed differently from what the types say:
  // refuse rather than route by a misread value.
  if (!r.ok() || !r.atEnd()) return std::nullopt;
  return req;
}

bool isNullParam(const ExecuteRequest& req, ByteSpan /*payload*/, size_t index) {
  return index < req.params.size() && req.params[index].state == ParamValue::State::kNull;
}

std::optional<Bytes> executeSubset(const ExecuteRequest& req, ByteSpan payload,
                                   uint32_t statementId, const std::vector<uint32_t>& indexes) {
  Bytes out;
  PayloadWriter w(out);
  w.u8(static_cast<uint8_t>(Command::kStmtExecute));
  w.u32(statementId);
  w.u8(req.flags);
  w.u32(1);
  if (indexes.empty()) return out;
  Bytes bitmap((indexes.size() + 7) / 8, 0);
  Bytes values;
  for (size_t k = 0; k < indexes.size(); ++k) {
    size_t i = indexes[k];
    if (i >= req.params.size() || i >= req.types.size()) return std::nullopt;
    const ParamValue& v = req.params[i];
    if (v.state == ParamValue::State::kLongData) return std::nullopt;
    if (v.state == ParamValue::State::kNull) {
      bitmap[k / 8] = static_cast<uint8_t>(bitmap[k / 8] | (1u << (k % 8)));
      continue;
    }
    // The value with its length prefix, as the client encoded it.
    size_t prefix = 0;
    switch (layoutOf(req.types[i].type).shape) {
      case ValueShape::kFixed:
        break;
      case ValueShape::kDateTime:
      case ValueShape::kTime:
        prefix = 1;
        break;
      case ValueShape::kLenenc:
        prefix = lenencSize(v.length);
        break;
      case ValueShape::kUnsupported:
        return std::nullopt;
    }
    if (v.offset < prefix || v.offset + v.length > payload.size()) return std::nullopt;
    values.insert(values.end(), payload.begin() + (v.offset - prefix),
                  payload.begin() + (v.offset + v.length));
  }
  w.bytes(ByteSpan(bitmap));
  w.u8(1);  // new_params_bound: the types follow
  for (uint32_t i : indexes) {
    w.u8(req.types[i].type);
    w.u8(req.types[i].isUnsigned ? kParamFlagUnsigned : 0);
  }
  w.bytes(ByteSpan(values));
  return out;
}

ByteSpan paramBytes(const ExecuteRequest& req, ByteSpan payload, size_t index) {
  if (index >= req.params.size()) return {};
  const ParamValue& v = req.params[index];
  if (v.state != ParamValue::State::kValue) return {};
  if (v.offset > payload.size() || v.length > payload.size() - v.offset) return {};
  return payload.subspan(v.offset, v.length);
}

std::optional<std::string_view> stringParam(const ExecuteRequest& req, ByteSpan payload,
                                            size_t index) {
  if (index >= req.params.size() || index >= req.types.size()) return std::nullopt;
  if (req.params[index].state != ParamValue::State::kValue) return std::nullopt;
  if (!isStringLike(req.types[index].type)) return std::nullopt;
  ByteSpan b = paramBytes(req, payload, index);
  if (b.size() != req.params[index].length) return std::nullopt;  // payload isn't the parsed one
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

std::optional<int64_t> integerParam(const ExecuteRequest& req, ByteSpan payload, size_t index) {
  if (index >= req.params.size() || index >= req.types.size()) return std::nullopt;
  if (req.params[index].state != ParamValue::State::kValue) return std::nullopt;
  const ParamType t = req.types[index];
  if (isStringLike(t.type)) {
    std::optional<std::string_view> text = stringParam(req, payload, index);
    if (!text) return std::nullopt;
    return parsePlainInteger(*text);
  }
  size_t width = 0;
  switch (t.type) {
    case field_type::kTiny:
      width = 1;
      break;
    case field_type::kShort:
    case field_type::kYear:
      width = 2;
      break;
    case field_type::kLong:
    case field_type::kInt24:
      width = 4;
      break;
    case field_type::kLongLong:
      width = 8;
      break;
    default:
      return std::nullopt;
  }
  ByteSpan b = paramBytes(req, payload, index);
  if (b.size() != width) return std::nullopt;
  const uint64_t raw = readLittleEndian(b.data(), width);
  if (t.isUnsigned) {
    if (raw > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(raw);
  }
  // Sign-extend from `width` bytes.
  const unsigned shift = static_cast<unsigned>(64 - 8 * width);
  return static_cast<int64_t>(raw << shift) >> shift;
}

void appendReencoded(const ExecuteRequest& req, ByteSpan payload, uint32_t newStatementId,
                     bool includeTypes, Bytes& out) {
  PayloadWriter w(out);
  w.u8(static_cast<uint8_t>(Command::kStmtExecute));
  w.u32(newStatementId);
  // flags and iteration count
  w.bytes(payload.subspan(kStatementIdEnd, kExecuteFixedSize - kStatementIdEnd));
  if (req.params.empty()) {
    w.bytes(payload.subspan(kExecuteFixedSize));
    return;
  }
  const size_t bitmapSize = (req.params.size() + 7) / 8;
  const size_t flagOffset = req.nullBitmapOffset + bitmapSize;
  w.bytes(payload.subspan(req.nullBitmapOffset, bitmapSize));
  if (req.typesSent) {
    // new_params_bound_flag and the types exactly as the client sent them
    w.bytes(payload.subspan(flagOffset, req.valuesOffset - flagOffset));
  } else if (includeTypes) {
    w.u8(1);
    for (const ParamType& t : req.types) {
      w.u8(t.type);
      w.u8(t.isUnsigned ? kParamFlagUnsigned : 0);
    }
  } else {
    w.u8(0);
  }
  w.bytes(payload.subspan(req.valuesOffset));
}

Bytes reencode(const ExecuteRequest& req, ByteSpan payload, uint32_t newStatementId,
               bool includeTypes) {
  Bytes out;
  out.reserve(payload.size() + (includeTypes ? 2 * req.types.size() : 0));
  appendReencoded(req, payload, newStatementId, includeTypes, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Statement ids of the other prepared-statement commands

std::optional<LongData> LongData::parse(ByteSpan payload) {
  PayloadReader r(payload);
  if (r.u8() != static_cast<uint8_t>(Command::kStmtSendLongData)) return std::nullopt;
  LongData d;
  d.statementId = r.u32();
  d.param = r.u16();
  if (!r.ok()) return std::nullopt;
  d.data = payload.subspan(r.position());
  return d;
}

std::optional<uint32_t> statementIdOf(ByteSpan payload) {
  if (payload.size() < kStatementIdEnd || !hasStatementId(payload[0])) return std::nullopt;
  return static_cast<uint32_t>(readLittleEndian(payload.data() + 1, 4));
}

bool patchStatementId(std::span<uint8_t> payload, uint32_t newId) {
  if (payload.size() < kStatementIdEnd || !hasStatementId(payload[0])) return false;
  for (size_t i = 0; i < 4; ++i) payload[1 + i] = static_cast<uint8_t>(newId >> (8 * i));
  return true;
}

}  // namespace sg::protocol
