#pragma once

// Lock-free instruments for the hot path: no locks and no allocation after
// construction. Record from any thread; a collector reads them at scrape time
// and writes them with Write().
//
//   metrics::Histogram eval_ns(metrics::ExponentialBounds(250, 2, 16));
//   eval_ns.Observe(ns);                          // detection thread
//   registry.Add([&](metrics::Writer& w) {        // scrape
//     eval_ns.Write(w, "saker_rule_eval_seconds", "...", {}, 1e9);
//   });

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "server/observe/metrics.h"

namespace saker::observe::metrics {

class Counter {
 public:
  void Inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }
  void Write(Writer& w, std::string_view name, std::string_view help,
             const Labels& labels = {}) const {
    w.Counter(name, help, labels, value());
  }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { v_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }
  void Write(Writer& w, std::string_view name, std::string_view help,
             const Labels& labels = {}) const {
    w.Gauge(name, help, labels, value());
  }

 private:
  std::atomic<int64_t> v_{0};
};

// A fixed array of counters indexed by a small integer (a rule's index, a
// drop category). An index out of range is counted in overflow().
class CounterArray {
 public:
  explicit CounterArray(size_t size) : size_(size), v_(new std::atomic<uint64_t>[size]) {
    for (size_t i = 0; i < size_; ++i) {
      v_[i].store(0, std::memory_order_relaxed);
    }
  }
  void Inc(size_t i, uint64_t n = 1) {
    if (i < size_) {
      v_[i].fetch_add(n, std::memory_order_relaxed);
    } else {
      overflow_.fetch_add(n, std::memory_order_relaxed);
    }
  }
  uint64_t value(size_t i) const { return i < size_ ? v_[i].load(std::memory_order_relaxed) : 0; }
  uint64_t overflow() const { return overflow_.load(std::memory_order_relaxed); }
  size_t size() const { return size_; }

 private:
  const size_t size_;
  std::unique_ptr<std::atomic<uint64_t>[]> v_;
  std::atomic<uint64_t> overflow_{0};
};

// Fixed upper bounds (ascending, finite); each bucket counts the observations
// <= its bound and above the previous one, the last (+Inf) the rest.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v) {
    size_t i = Bucket(v);
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    double old = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
    }
  }

  // A consistent-enough copy for a scrape: count is the sum of the buckets,
  // so _count always equals the +Inf bucket.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Take() const;

  // Writes the histogram with every bound and the sum divided by `divisor`
  // (e.g. 1e9 to record nanoseconds and expose seconds, as Prometheus
  // prefers base units).
  void Write(Writer& w, std::string_view name, std::string_view help, const Labels& labels = {},
             double divisor = 1) const;

  const std::vector<double>& bounds() const { return bounds_; }

 private:
  size_t Bucket(double v) const {
    // Binary search: the first bound >= v.
    size_t lo = 0, hi = bounds_.size();
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (v <= bounds_[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// start, start*factor, ... (count bounds).
std::vector<double> ExponentialBounds(double start, double factor, int count);
// start, start+width, ... (count bounds).
std::vector<double> LinearBounds(double start, double width, int count);

}  // namespace saker::observe::metrics
