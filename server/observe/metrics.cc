#include "server/observe/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace saker::observe::metrics {

namespace {

bool NameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9'); }

// Debian's abseil has its own string_view.
absl::string_view AV(std::string_view v) { return absl::string_view(v.data(), v.size()); }

}  // namespace

std::string FormatDouble(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  if (v == 0) {
    return "0";  // also -0
  }
  // Whole numbers that a double holds exactly print without an exponent.
  if (std::fabs(v) < 1e15 && v == std::trunc(v)) {
    return absl::StrCat(static_cast<int64_t>(v));
  }
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) {
      break;
    }
  }
  return buf;
}

std::string Number::Format() const {
  if (!is_int_) {
    return FormatDouble(d_);
  }
  return negative_ ? absl::StrCat("-", u_) : absl::StrCat(u_);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool ValidMetricName(std::string_view name) {
  if (name.empty() || !(NameStart(name[0]) || name[0] == ':')) {
    return false;
  }
  for (char c : name) {
    if (!NameChar(c) && c != ':') {
      return false;
    }
  }
  return true;
}

bool ValidLabelName(std::string_view name) {
  if (name.empty() || !NameStart(name[0]) || absl::StartsWith(AV(name), "__")) {
    return false;
  }
  for (char c : name) {
    if (!NameChar(c)) {
      return false;
    }
  }
  return true;
}

Writer::Family* Writer::FamilyFor(std::string_view name, std::string_view help, const char* type,
                                  const Labels& labels, bool histogram) {
  if (!ValidMetricName(name)) {
    errors_.push_back(absl::StrCat("invalid metric name \"", AV(name), "\""));
    return nullptr;
  }
  for (const auto& [k, v] : labels) {
    if (!ValidLabelName(k) || (histogram && k == "le")) {
      errors_.push_back(absl::StrCat(AV(name), ": invalid label name \"", k, "\""));
      return nullptr;
    }
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    order_.emplace_back(name);
    it = families_.emplace(std::string(name), Family{type, std::string(help), ""}).first;
  } else if (it->second.type != type) {
    errors_.push_back(absl::StrCat(AV(name), ": written as ", it->second.type, " and as ", type));
    return nullptr;
  }
  return &it->second;
}

void Writer::AppendLabels(std::string& out, const Labels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) {
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    absl::StrAppend(&out, first ? "" : ",", k, "=\"", EscapeLabelValue(v), "\"");
    first = false;
  }
  if (!le.empty()) {
    absl::StrAppend(&out, first ? "" : ",", "le=\"", AV(le), "\"");
  }
  out += '}';
}

void Writer::Counter(std::string_view name, std::string_view help, const Labels& labels,
                     Number value) {
  if (!absl::EndsWith(AV(name), "_total")) {
    errors_.push_back(absl::StrCat("counter \"", AV(name), "\" must end in _total"));
    return;
  }
  Family* f = FamilyFor(name, help, "counter", labels, false);
  if (f == nullptr) {
    return;
  }
  f->samples += name;
  AppendLabels(f->samples, labels, "");
  absl::StrAppend(&f->samples, " ", value.Format(), "\n");
}

void Writer::Gauge(std::string_view name, std::string_view help, const Labels& labels,
                   Number value) {
  Family* f = FamilyFor(name, help, "gauge", labels, false);
  if (f == nullptr) {
    return;
  }
  f->samples += name;
  AppendLabels(f->samples, labels, "");
  absl::StrAppend(&f->samples, " ", value.Format(), "\n");
}

void Writer::Histogram(std::string_view name, std::string_view help, const Labels& labels,
                       absl::Span<const double> bounds, absl::Span<const uint64_t> cumulative,
                       double sum, uint64_t count) {
  if (bounds.size() != cumulative.size()) {
    errors_.push_back(absl::StrCat(AV(name), ": ", bounds.size(), " bounds but ", cumulative.size(),
                                   " bucket counts"));
    return;
  }
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      errors_.push_back(absl::StrCat(AV(name), ": bucket bounds must be finite and ascending"));
      return;
    }
  }
  Family* f = FamilyFor(name, help, "histogram", labels, true);
  if (f == nullptr) {
    return;
  }
  for (size_t i = 0; i <= bounds.size(); ++i) {
    bool inf = i == bounds.size();
    absl::StrAppend(&f->samples, AV(name), "_bucket");
    AppendLabels(f->samples, labels, inf ? "+Inf" : FormatDouble(bounds[i]));
    absl::StrAppend(&f->samples, " ", inf ? count : cumulative[i], "\n");
  }
  absl::StrAppend(&f->samples, AV(name), "_sum");
  AppendLabels(f->samples, labels, "");
  absl::StrAppend(&f->samples, " ", FormatDouble(sum), "\n", AV(name), "_count");
  AppendLabels(f->samples, labels, "");
  absl::StrAppend(&f->samples, " ", count, "\n");
}

std::string Writer::Text() const {
  std::string out;
  for (const std::string& name : order_) {
    const Family& f = families_.find(name)->second;
    if (!f.help.empty()) {
      absl::StrAppend(&out, "# HELP ", AV(name), " ", EscapeHelp(f.help), "\n");
    }
    absl::StrAppend(&out, "# TYPE ", AV(name), " ", f.type, "\n", f.samples);
  }
  return out;
}

uint64_t Registry::Add(Collector collector) {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t id = next_id_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void Registry::Remove(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  collectors_.erase(id);
}

std::string Registry::Scrape(std::vector<std::string>* errors) const {
  Writer w;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, collect] : collectors_) {
      collect(w);
    }
  }
  if (errors != nullptr) {
    *errors = w.errors();
  }
  return w.Text();
}

}  // namespace saker::observe::metrics
