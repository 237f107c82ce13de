// Source positions for rule files: every item, key and every character of a
// condition can be traced back to file:line:column, so that errors found in
// late stages (parser, compiler) still point into the YAML file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace saker::rules {

// A 1-based position in a named file. line == 0 means "unknown".
struct Position {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return line > 0; }
  // "file:line:column" (or just "file" when the line is unknown).
  std::string ToString() const;
  bool operator==(const Position& o) const {
    return file == o.file && line == o.line && column == o.column;
  }
};

// Byte offset -> 1-based line/column for one file (built once per file).
class LineIndex {
 public:
  explicit LineIndex(absl::string_view raw);
  void Lookup(size_t offset, int32_t* line, int32_t* column) const;

 private:
  std::vector<size_t> starts_;
};

// Text whose characters each carry a source position (line/column in a
// file). Built by the reader for conditions and outputs; concatenated by
// append; rewritten by list substitution while keeping positions.
class SourceText {
 public:
  SourceText() = default;
  // Text with no position information except `pos` for every character.
  static SourceText Synthetic(absl::string_view text, const Position& pos);
  // `text` is a YAML scalar's value; `raw` the whole file; `raw_offset` the
  // byte offset of the scalar's mark (its first character, or the quote or
  // block indicator). Characters are aligned with the raw file; whitespace
  // produced by folding maps to the nearest preceding character.
  static SourceText FromYamlScalar(absl::string_view text, absl::string_view raw,
                                   size_t raw_offset, const std::string& file);
  // The same with a prebuilt index of `raw` (use when reading many scalars).
  static SourceText FromYamlScalar(absl::string_view text, absl::string_view raw,
                                   const LineIndex& index, size_t raw_offset,
                                   const std::string& file);

  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }
  size_t size() const { return text_.size(); }

  // Position of the character at `offset` (clamped to the text).
  Position Locate(size_t offset) const;

  // Appends text copied from `other` [begin, end).
  void AppendFrom(const SourceText& other, size_t begin, size_t end);
  void Append(const SourceText& other) { AppendFrom(other, 0, other.size()); }
  // Appends `s`, every character located at `pos`'s line/column in `pos`'s file.
  void AppendSynthetic(absl::string_view s, const Position& pos);

 private:
  struct Loc {
    int32_t line;
    int32_t column;
  };
  struct FileSpan {
    size_t begin;
    std::string file;
  };
  std::string text_;
  std::vector<Loc> locs_;
  std::vector<FileSpan> files_;
};

enum class Severity { kWarning, kError };

// One loader message. `item_kind` is "rule", "macro", "list", ... and
// `item_name` its name; both may be empty for file-level messages.
struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;  // e.g. "LOAD_UNKNOWN_KEY", "LOAD_ERR_COMPILE_CONDITION"
  Position pos;
  std::string message;
  std::string item_kind;
  std::string item_name;

  // `file:line:column: message (rule "NAME")`.
  std::string ToString() const;
};

}  // namespace saker::rules
