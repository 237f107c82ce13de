// Parsing of literal values (numbers, IPs, CIDRs, ports, hex bytes) and the
// coercions the evaluator applies to extracted values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "server/rules/compiler/extractor.h"

namespace saker::rules {

struct IpNet {
  IpAddr addr;
  int prefix_bits = 128;  // over the 16-byte (v4-mapped) form
  bool Contains(const IpAddr& ip) const;
};

// Decimal (optionally signed) or 0x hex integer; the whole string.
std::optional<int64_t> ParseInt64(absl::string_view s);
std::optional<uint64_t> ParseUint64(absl::string_view s);
std::optional<double> ParseDouble(absl::string_view s);
std::optional<IpAddr> ParseIp(absl::string_view s);
// "10.0.0.0/8", "fd00::/8", or a bare address (/32 or /128).
std::optional<IpNet> ParseIpNet(absl::string_view s);
// A port number or a service name (getservbyname, tcp then udp).
std::optional<uint64_t> ParsePort(absl::string_view s);
// "cafebabe" -> bytes; nullopt on odd length or a non-hex digit.
std::optional<std::string> Unhex(absl::string_view s);

// Coercions of an extracted value; false if the value cannot be converted.
bool ValueToInt128(const FieldValue& v, __int128* out);
bool ValueToDouble(const FieldValue& v, double* out);
bool ValueToIp(const FieldValue& v, IpAddr* out);
bool ValueToBool(const FieldValue& v, bool* out);
// Renders a value as text into `scratch` (or returns the view for strings).
absl::string_view ValueToStringSlow(const FieldValue& v, std::string* scratch);
inline absl::string_view ValueToString(const FieldValue& v, std::string* scratch) {
  return v.kind == ValueKind::kString ? v.str : ValueToStringSlow(v, scratch);
}
void FormatIp(const IpAddr& ip, std::string* out);

}  // namespace saker::rules
