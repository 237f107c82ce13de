// Sinks that turn events into output: JSON lines (the `capture --json`
// contract), a short text line, a tee, and the stats printed at exit.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "server/driver/event_source.h"

namespace saker::daemon {

// Appends the JSON object of one event (no newline). `boot_time_ns` turns
// the event's boot-clock timestamp into wall-clock ns (evt.time).
void AppendEventJson(uint64_t evt_num, const EventView& ev, int64_t boot_time_ns,
                     std::string* out);

// Appends a one-line human-readable form of the event (no newline).
void AppendEventText(uint64_t evt_num, const EventView& ev, int64_t boot_time_ns,
                     std::string* out);

// Writes one line per event to a FILE, reusing one buffer.
class LinePrinter : public EventSink {
 public:
  LinePrinter(FILE* out, bool json, int64_t boot_time_ns)
      : out_(out), json_(json), boot_time_ns_(boot_time_ns) {}
  void OnEvent(uint64_t evt_num, const EventView& ev) override;

 private:
  FILE* out_;
  bool json_;
  int64_t boot_time_ns_;
  std::string line_;
};

// Forwards every event to each sink in turn.
class TeeSink : public EventSink {
 public:
  void Add(EventSink* sink) { sinks_.push_back(sink); }
  void OnEvent(uint64_t evt_num, const EventView& ev) override {
    for (EventSink* s : sinks_) {
      s->OnEvent(evt_num, ev);
    }
  }

 private:
  std::vector<EventSink*> sinks_;
};

// Counts events by kind and remembers the first error a sink reported.
class CountingSink : public EventSink {
 public:
  void OnEvent(uint64_t, const EventView& ev) override {
    ++events_;
    if (ev.hdr().flags & SAKER_EVENT_TRUNCATED) {
      ++truncated_;
    }
  }
  uint64_t events() const { return events_; }
  uint64_t truncated() const { return truncated_; }

 private:
  uint64_t events_ = 0;
  uint64_t truncated_ = 0;
};

}  // namespace saker::daemon
