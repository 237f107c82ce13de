#include "server/rules/common/source.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace saker::rules {

std::string Position::ToString() const {
  if (!known()) {
    return file.empty() ? "<unknown>" : file;
  }
  return absl::StrCat(file, ":", line, ":", column);
}

SourceText SourceText::Synthetic(absl::string_view text, const Position& pos) {
  SourceText st;
  st.AppendSynthetic(text, pos);
  return st;
}

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

LineIndex::LineIndex(absl::string_view raw) {
  starts_.push_back(0);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n') {
      starts_.push_back(i + 1);
    }
  }
}

void LineIndex::Lookup(size_t off, int32_t* line, int32_t* col) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), off);
  size_t idx = static_cast<size_t>(it - starts_.begin()) - 1;
  *line = static_cast<int32_t>(idx + 1);
  *col = static_cast<int32_t>(off - starts_[idx] + 1);
}

SourceText SourceText::FromYamlScalar(absl::string_view text, absl::string_view raw,
                                      size_t raw_offset, const std::string& file) {
  return FromYamlScalar(text, raw, LineIndex(raw), raw_offset, file);
}

SourceText SourceText::FromYamlScalar(absl::string_view text, absl::string_view raw,
                                      const LineIndex& index, size_t raw_offset,
                                      const std::string& file) {
  SourceText st;
  st.text_.assign(text.data(), text.size());
  st.files_.push_back({0, file});
  st.locs_.reserve(text.size());
  size_t p = std::min(raw_offset, raw.size());
  size_t last = p;
  // Bound the search for one character so that escapes in quoted scalars
  // cannot make the alignment run away.
  constexpr size_t kMaxSkip = 256;
  for (char c : text) {
    if (!IsBlank(c)) {
      size_t q = p;
      while (q < raw.size() && q - p < kMaxSkip && raw[q] != c) {
        ++q;
      }
      if (q < raw.size() && raw[q] == c) {
        last = q;
        p = q + 1;
      }
    }
    Loc loc;
    index.Lookup(std::min(last, raw.empty() ? 0 : raw.size() - 1), &loc.line, &loc.column);
    if (raw.empty()) {
      loc = {1, 1};
    }
    st.locs_.push_back(loc);
  }
  return st;
}

Position SourceText::Locate(size_t offset) const {
  Position pos;
  if (locs_.empty()) {
    return pos;
  }
  bool past_end = offset >= locs_.size();
  offset = std::min(offset, locs_.size() - 1);
  pos.line = locs_[offset].line;
  pos.column = locs_[offset].column + (past_end ? 1 : 0);
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    if (it->begin <= offset) {
      pos.file = it->file;
      break;
    }
  }
  return pos;
}

void SourceText::AppendFrom(const SourceText& other, size_t begin, size_t end) {
  end = std::min(end, other.size());
  if (begin >= end) {
    return;
  }
  for (size_t i = begin; i < end; ++i) {
    if (i == begin || (std::any_of(other.files_.begin(), other.files_.end(),
                                   [i](const FileSpan& f) { return f.begin == i; }))) {
      std::string file = other.Locate(i).file;
      if (files_.empty() || files_.back().file != file) {
        files_.push_back({text_.size(), file});
      }
    }
    text_.push_back(other.text_[i]);
    locs_.push_back(other.locs_.empty() ? Loc{0, 0} : other.locs_[i]);
  }
}

void SourceText::AppendSynthetic(absl::string_view s, const Position& pos) {
  if (s.empty()) {
    return;
  }
  if (files_.empty() || files_.back().file != pos.file) {
    files_.push_back({text_.size(), pos.file});
  }
  text_.append(s.data(), s.size());
  locs_.insert(locs_.end(), s.size(), Loc{pos.line, pos.column});
}

std::string Diagnostic::ToString() const {
  std::string out = absl::StrCat(pos.ToString(), ": ", message);
  if (!item_name.empty()) {
    absl::StrAppend(&out, " (", item_kind.empty() ? "item" : item_kind, " \"", item_name,
                    "\")");
  }
  return out;
}

}  // namespace saker::rules
