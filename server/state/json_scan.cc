#include "server/state/json_scan.h"

#include <cstdint>

namespace saker::state {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void SkipSpace(absl::string_view s, size_t* pos) {
  while (*pos < s.size() && IsSpace(s[*pos])) {
    ++*pos;
  }
}

bool SkipString(absl::string_view s, size_t* pos) {
  for (size_t i = *pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      *pos = i + 1;
      return true;
    }
  }
  return false;
}

// Skips one value starting at s[*pos] (no leading blanks).
bool SkipValue(absl::string_view s, size_t* pos) {
  if (*pos >= s.size()) {
    return false;
  }
  char c = s[*pos];
  if (c == '"') {
    return SkipString(s, pos);
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    while (*pos < s.size()) {
      char d = s[*pos];
      if (d == '"') {
        if (!SkipString(s, pos)) {
          return false;
        }
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) {
          ++*pos;
          return true;
        }
      }
      ++*pos;
    }
    return false;
  }
  size_t start = *pos;
  while (*pos < s.size() && s[*pos] != ',' && s[*pos] != '}' && s[*pos] != ']' &&
         !IsSpace(s[*pos])) {
    ++*pos;
  }
  return *pos > start;
}

// Walks "open item (, item)* close"; `member` says whether items are
// "key": value pairs.
bool Walk(absl::string_view s, char open, char close, bool member,
          absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  size_t pos = 0;
  SkipSpace(s, &pos);
  if (pos >= s.size() || s[pos] != open) {
    return false;
  }
  ++pos;
  SkipSpace(s, &pos);
  if (pos < s.size() && s[pos] == close) {
    return true;
  }
  while (pos < s.size()) {
    absl::string_view key;
    if (member) {
      size_t kstart = pos;
      if (s[pos] != '"' || !SkipString(s, &pos)) {
        return false;
      }
      key = s.substr(kstart + 1, pos - kstart - 2);
      SkipSpace(s, &pos);
      if (pos >= s.size() || s[pos] != ':') {
        return false;
      }
      ++pos;
      SkipSpace(s, &pos);
    }
    size_t vstart = pos;
    if (!SkipValue(s, &pos)) {
      return false;
    }
    if (!fn(key, s.substr(vstart, pos - vstart))) {
      return true;
    }
    SkipSpace(s, &pos);
    if (pos < s.size() && s[pos] == ',') {
      ++pos;
      SkipSpace(s, &pos);
      continue;
    }
    return pos < s.size() && s[pos] == close;
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace

bool JsonForEachMember(absl::string_view obj,
                       absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn) {
  return Walk(obj, '{', '}', true, fn);
}

bool JsonForEachItem(absl::string_view arr, absl::FunctionRef<bool(absl::string_view)> fn) {
  return Walk(arr, '[', ']', false,
              [&fn](absl::string_view, absl::string_view v) { return fn(v); });
}

absl::string_view JsonMember(absl::string_view obj, absl::string_view key) {
  absl::string_view found;
  JsonForEachMember(obj, [&](absl::string_view k, absl::string_view v) {
    if (k == key) {
      found = v;
      return false;
    }
    return true;
  });
  return found;
}

bool JsonUnescape(absl::string_view raw, std::string* out) {
  out->clear();
  if (raw.size() < 2 || raw.front() != '"' || raw.back() != '"') {
    return false;
  }
  raw = raw.substr(1, raw.size() - 2);
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out->push_back(c);
      continue;
    }
    char e = raw[++i];
    switch (e) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'u': {
        uint32_t cp = 0;
        for (int k = 0; k < 4 && i + 1 < raw.size(); ++k) {
          int h = HexDigit(raw[++i]);
          cp = (cp << 4) | static_cast<uint32_t>(h < 0 ? 0 : h);
        }
        // \u00XX stands for the raw byte XX (see AppendJsonString).
        if (cp < 0x100) {
          out->push_back(static_cast<char>(cp));
        } else {
          AppendUtf8(cp, out);
        }
        break;
      }
      default: out->push_back(e); break;
    }
  }
  return true;
}

}  // namespace saker::state
