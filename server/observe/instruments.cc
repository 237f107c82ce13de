#include "server/observe/instruments.h"

#include <algorithm>
#include <cmath>

namespace saker::observe::metrics {

namespace {

// Keeps the finite bounds, sorted and without duplicates.
std::vector<double> Clean(std::vector<double> b) {
  b.erase(std::remove_if(b.begin(), b.end(), [](double v) { return !std::isfinite(v); }),
          b.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(Clean(std::move(bounds))),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    counts_[i].store(0, std::memory_order_relaxed);
  }
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.reserve(bounds_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running + counts_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

void Histogram::Write(Writer& w, std::string_view name, std::string_view help,
                      const Labels& labels, double divisor) const {
  Snapshot s = Take();
  if (divisor != 1) {
    for (double& b : s.bounds) {
      b /= divisor;
    }
    s.sum /= divisor;
  }
  w.Histogram(name, help, labels, s.bounds, s.cumulative, s.sum, s.count);
}

std::vector<double> ExponentialBounds(double start, double factor, int count) {
  std::vector<double> out;
  double v = start;
  for (int i = 0; i < count; ++i) {
    out.push_back(v);
    v *= factor;
  }
  return out;
}

std::vector<double> LinearBounds(double start, double width, int count) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i) {
    out.push_back(start + width * i);
  }
  return out;
}

}  // namespace saker::observe::metrics
