#include "server/rules/compiler/values.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace saker::rules {

bool IpNet::Contains(const IpAddr& ip) const {
  int full = prefix_bits / 8;
  if (std::memcmp(addr.bytes, ip.bytes, static_cast<size_t>(full)) != 0) {
    return false;
  }
  int rem = prefix_bits % 8;
  if (rem == 0) {
    return true;
  }
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rem));
  return (addr.bytes[full] & mask) == (ip.bytes[full] & mask);
}

std::optional<int64_t> ParseInt64(absl::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t u = 0;
    if (!absl::SimpleHexAtoi(s.substr(2), &u)) {
      return std::nullopt;
    }
    return static_cast<int64_t>(u);
  }
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
  }
  int64_t v = 0;
  if (!absl::SimpleAtoi(s, &v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> ParseUint64(absl::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t u = 0;
    if (!absl::SimpleHexAtoi(s.substr(2), &u)) {
      return std::nullopt;
    }
    return u;
  }
  uint64_t v = 0;
  if (!absl::SimpleAtoi(s, &v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ParseDouble(absl::string_view s) {
  double d = 0;
  if (!absl::SimpleAtod(s, &d)) {
    return std::nullopt;
  }
  return d;
}

std::optional<IpAddr> ParseIp(absl::string_view s) {
  std::string z(s);
  IpAddr ip;
  in_addr v4;
  if (inet_pton(AF_INET, z.c_str(), &v4) == 1) {
    return IpAddr::V4(ntohl(v4.s_addr));
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, z.c_str(), &v6) == 1) {
    std::memcpy(ip.bytes, &v6, 16);
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::optional<IpNet> ParseIpNet(absl::string_view s) {
  size_t slash = s.find('/');
  std::optional<IpAddr> ip = ParseIp(s.substr(0, slash));
  if (!ip) {
    return std::nullopt;
  }
  IpNet net;
  net.addr = *ip;
  if (slash == absl::string_view::npos) {
    return net;
  }
  int bits = 0;
  if (!absl::SimpleAtoi(s.substr(slash + 1), &bits) || bits < 0 || bits > (ip->v6 ? 128 : 32)) {
    return std::nullopt;
  }
  net.prefix_bits = ip->v6 ? bits : 96 + bits;
  return net;
}

std::optional<uint64_t> ParsePort(absl::string_view s) {
  if (auto n = ParseUint64(s)) {
    return n;
  }
  std::string name(s);
  for (const char* proto : {"tcp", "udp"}) {
    struct servent se;
    struct servent* res = nullptr;
    char buf[1024];
    if (getservbyname_r(name.c_str(), proto, &se, buf, sizeof(buf), &res) == 0 &&
        res != nullptr) {
      return ntohs(static_cast<uint16_t>(res->s_port));
    }
  }
  return std::nullopt;
}

std::optional<std::string> Unhex(absl::string_view s) {
  if (s.size() % 2 != 0) {
    return std::nullopt;
  }
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = hex(s[i]);
    int lo = hex(s[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

bool ValueToInt128(const FieldValue& v, __int128* out) {
  switch (v.kind) {
    case ValueKind::kInt:
      *out = v.i;
      return true;
    case ValueKind::kUint:
    case ValueKind::kBool:
      *out = v.u;
      return true;
    case ValueKind::kDouble:
      *out = static_cast<__int128>(v.d);
      return true;
    case ValueKind::kString: {
      if (auto i = ParseInt64(v.str)) {
        *out = *i;
        return true;
      }
      if (auto u = ParseUint64(v.str)) {
        *out = *u;
        return true;
      }
      return false;
    }
    case ValueKind::kIp:
      return false;
  }
  return false;
}

bool ValueToDouble(const FieldValue& v, double* out) {
  switch (v.kind) {
    case ValueKind::kDouble:
      *out = v.d;
      return true;
    case ValueKind::kString: {
      auto d = ParseDouble(v.str);
      if (d) {
        *out = *d;
      }
      return d.has_value();
    }
    default: {
      __int128 i = 0;
      if (!ValueToInt128(v, &i)) {
        return false;
      }
      *out = static_cast<double>(i);
      return true;
    }
  }
}

bool ValueToIp(const FieldValue& v, IpAddr* out) {
  if (v.kind == ValueKind::kIp) {
    *out = v.ip;
    return true;
  }
  if (v.kind == ValueKind::kString) {
    auto ip = ParseIp(v.str);
    if (ip) {
      *out = *ip;
    }
    return ip.has_value();
  }
  return false;
}

bool ValueToBool(const FieldValue& v, bool* out) {
  switch (v.kind) {
    case ValueKind::kBool:
    case ValueKind::kUint:
      *out = v.u != 0;
      return true;
    case ValueKind::kInt:
      *out = v.i != 0;
      return true;
    case ValueKind::kString:
      if (v.str == "true") {
        *out = true;
        return true;
      }
      if (v.str == "false") {
        *out = false;
        return true;
      }
      return false;
    default:
      return false;
  }
}

void FormatIp(const IpAddr& ip, std::string* out) {
  char buf[INET6_ADDRSTRLEN];
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.v6 && std::memcmp(ip.bytes, kMapped, 12) == 0) {
    inet_ntop(AF_INET, ip.bytes + 12, buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, ip.bytes, buf, sizeof(buf));
  }
  out->append(buf);
}

absl::string_view ValueToStringSlow(const FieldValue& v, std::string* scratch) {
  scratch->clear();
  switch (v.kind) {
    case ValueKind::kString:
      return v.str;
    case ValueKind::kInt:
      absl::StrAppend(scratch, v.i);
      break;
    case ValueKind::kUint:
      absl::StrAppend(scratch, v.u);
      break;
    case ValueKind::kBool:
      scratch->append(v.u != 0 ? "true" : "false");
      break;
    case ValueKind::kDouble:
      absl::StrAppend(scratch, v.d);
      break;
    case ValueKind::kIp:
      FormatIp(v.ip, scratch);
      break;
  }
  return *scratch;
}

}  // namespace saker::rules
