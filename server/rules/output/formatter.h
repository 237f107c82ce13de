// Stage 5: rule output formats (spec §3.1): `%field`, `%field[arg]`,
// `%(field)`, `%tolower(field)`, optional width `%20proc.name`; missing
// values render as <NA> (Falco always uses the `*` prefix semantics).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/rules/common/source.h"
#include "server/rules/compiler/compiler.h"
#include "server/rules/compiler/filter.h"

namespace saker::rules {

// What a formatter needs about the event besides the extractor.
struct OutputEvent {
  EvalContext* ctx = nullptr;
  uint64_t ts_ns = 0;  // event timestamp, ns since the epoch (evt.time)
};

class OutputFormat {
 public:
  // Compiles `format`. Unknown fields are errors ("invalid formatting
  // token" / "nonexistent field"), `%` at the end is an error,
  // %container.info becomes "" with a warning.
  static absl::StatusOr<OutputFormat> Compile(const SourceText& format,
                                              ConditionCompiler* compiler, Position* error_pos,
                                              std::vector<std::string>* warnings = nullptr);

  // The rendered text. `tz` is the zone of %evt.time.
  void Render(const OutputEvent& ev, const absl::TimeZone& tz, std::string* out);
  // Appends the output_fields object `{"key":value,...}`: every field token
  // (sorted by key, typed as Falco does) merged with `extra` (key -> JSON
  // text; sorted by key; a token with the same key wins).
  void AppendJsonFields(const OutputEvent& ev, const absl::TimeZone& tz,
                        const std::vector<std::pair<std::string, std::string>>& extra,
                        std::string* out);
  // Each distinct field token as (key, rendered text), sorted by key; a value
  // that cannot be extracted renders as <NA> (Falco's gRPC output_fields).
  // `out` is cleared; its strings are reused.
  void RenderFields(const OutputEvent& ev, const absl::TimeZone& tz,
                    std::vector<std::pair<std::string, std::string>>* out);
  // The distinct field keys in sorted order ("evt.time", "proc.aname[2]").
  std::vector<std::string> FieldKeys() const;

  OutputFormat() = default;
  OutputFormat(OutputFormat&&) = default;
  OutputFormat& operator=(OutputFormat&&) = default;

 private:
  enum class Special { kNone, kEvtTime, kEvtTimeIso, kEmpty };
  struct Token {
    std::string literal;  // text before the field
    bool has_field = false;
    std::string key;  // output_fields key, as written ("proc.aname[2]")
    Special special = Special::kNone;
    std::unique_ptr<Operand> operand;
    int width = 0;
  };
  // Renders token `t`'s value (false if missing).
  bool RenderValue(Token& t, const OutputEvent& ev, const absl::TimeZone& tz, std::string* out);
  void AppendJsonValue(Token& t, const OutputEvent& ev, const absl::TimeZone& tz,
                       std::string* out);

  std::vector<Token> tokens_;
  std::vector<size_t> json_order_;  // token indices sorted by key, unique
  std::string scratch_;
};

// Time renderings used by outputs and alerts.
void AppendTimeOfDay(uint64_t ts_ns, const absl::TimeZone& tz, std::string* out);  // HH:MM:SS.ns
void AppendIso8601(uint64_t ts_ns, std::string* out);  // 2024-06-10T06:13:31.726060287Z (UTC)

}  // namespace saker::rules
