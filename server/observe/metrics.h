#pragma once

// Prometheus metrics, pull model, text exposition format 0.0.4.
//
// The daemon registers collectors on a Registry; a scrape runs each one with
// a Writer, which groups the samples by family (one # HELP and # TYPE each,
// even when collectors interleave), validates names and escapes label
// values. Hot-path instruments that collectors read live in instruments.h.
//
//   metrics::Registry registry;
//   auto id = registry.Add([&](metrics::Writer& w) {
//     w.Counter("saker_events_total", "Events delivered by the driver.", {}, n);
//     w.Gauge("saker_subscribers", "Open API streams.", {{"kind", "alerts"}}, k);
//   });
//   std::string text = registry.Scrape();

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/types/span.h"

namespace saker::observe::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A sample value: integers print exactly (all 64 bits), doubles in their
// shortest round-trip form, with +Inf, -Inf and NaN as Prometheus spells them.
class Number {
 public:
  Number(double v) : is_int_(false), d_(v) {}  // NOLINT: implicit by design
  template <class T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  Number(T v) : is_int_(true), negative_(v < 0) {  // NOLINT
    if constexpr (std::is_signed_v<T>) {
      u_ = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    } else {
      u_ = static_cast<uint64_t>(v);
    }
  }
  std::string Format() const;

 private:
  bool is_int_;
  bool negative_ = false;
  uint64_t u_ = 0;
  double d_ = 0;
};

// Formats a double as the exposition format wants it (shortest round-trip,
// "+Inf", "-Inf", "NaN").
std::string FormatDouble(double v);
// Escapes a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view v);
// Escapes HELP text: backslash and newline.
std::string EscapeHelp(std::string_view v);
bool ValidMetricName(std::string_view name);
bool ValidLabelName(std::string_view name);

class Writer {
 public:
  // `name` must end in "_total" (the exposition family name is the same).
  void Counter(std::string_view name, std::string_view help, const Labels& labels, Number value);
  void Gauge(std::string_view name, std::string_view help, const Labels& labels, Number value);
  // `bounds` are the finite upper bounds, ascending; `cumulative` holds one
  // count per bound (observations <= bound); `count` is the +Inf bucket.
  void Histogram(std::string_view name, std::string_view help, const Labels& labels,
                 absl::Span<const double> bounds, absl::Span<const uint64_t> cumulative,
                 double sum, uint64_t count);

  // The exposition text, families in the order first written.
  std::string Text() const;
  // What was refused (invalid names, a family written with two types, ...):
  // those samples are left out of Text().
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  struct Family {
    std::string type;
    std::string help;
    std::string samples;
  };
  Family* FamilyFor(std::string_view name, std::string_view help, const char* type,
                    const Labels& labels, bool histogram);
  static void AppendLabels(std::string& out, const Labels& labels, std::string_view le);

  std::vector<std::string> order_;
  std::map<std::string, Family, std::less<>> families_;
  std::vector<std::string> errors_;
};

// The collectors the daemon registers. Thread-safe. A collector runs under
// the registry's lock, so it must not call Add or Remove; once Remove
// returns, the collector is not running and never runs again.
class Registry {
 public:
  using Collector = std::function<void(Writer&)>;

  // Returns an id for Remove.
  uint64_t Add(Collector collector);
  void Remove(uint64_t id);

  // Runs every collector (in registration order) and returns the text.
  // Refused samples are left out; `errors` (optional) gets why.
  std::string Scrape(std::vector<std::string>* errors = nullptr) const;

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, Collector> collectors_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace saker::observe::metrics
