#include "server/driver/ring_reader.h"

#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace saker::driver {
namespace {

uint64_t LoadAcquire(const void* p) {
  return __atomic_load_n(static_cast<const uint64_t*>(p), __ATOMIC_ACQUIRE);
}

uint32_t LoadAcquire32(const void* p) {
  return __atomic_load_n(static_cast<const uint32_t*>(p), __ATOMIC_ACQUIRE);
}

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Publish after this many bytes even within a batch, so the producer gets
// space back while a long drain is under way.
constexpr uint32_t kPublishBytes = 256 * 1024;

}  // namespace

absl::StatusOr<std::unique_ptr<Ring>> Ring::Map(int map_fd, uint32_t size) {
  if (size == 0 || (size & (size - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("ring size ", size, " is not a power of two"));
  }
  std::unique_ptr<Ring> r(new Ring());
  r->map_fd_ = map_fd;
  r->mask_ = size - 1;
  r->page_size_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* cons = mmap(nullptr, r->page_size_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
  if (cons == MAP_FAILED) {
    return Errno("mapping a ring buffer's consumer page");
  }
  r->consumer_page_ = static_cast<uint8_t*>(cons);
  void* prod = mmap(nullptr, r->page_size_ + 2 * static_cast<size_t>(size), PROT_READ,
                    MAP_SHARED, map_fd, r->page_size_);
  if (prod == MAP_FAILED) {
    return Errno("mapping a ring buffer's data");
  }
  r->producer_area_ = static_cast<uint8_t*>(prod);
  r->cons_pos_ = LoadAcquire(r->consumer_page_);
  return r;
}

Ring::~Ring() {
  if (producer_area_ != nullptr) {
    munmap(producer_area_, page_size_ + 2 * (mask_ + 1));
  }
  if (consumer_page_ != nullptr) {
    munmap(consumer_page_, page_size_);
  }
}

absl::Span<const uint8_t> Ring::Peek() {
  for (;;) {
    if (cons_pos_ >= prod_pos_) {
      prod_pos_ = LoadAcquire(producer_area_);
      if (cons_pos_ >= prod_pos_) {
        return {};
      }
    }
    const uint8_t* rec = producer_area_ + page_size_ + (cons_pos_ & mask_);
    const uint32_t len = LoadAcquire32(rec);
    if (len & BPF_RINGBUF_BUSY_BIT) {
      return {};  // reserved, not yet committed
    }
    const uint32_t data_len = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    if (len & BPF_RINGBUF_DISCARD_BIT) {
      head_len_ = data_len;
      Consume();
      continue;
    }
    head_len_ = data_len;
    return absl::Span<const uint8_t>(rec + BPF_RINGBUF_HDR_SZ, data_len);
  }
}

void Ring::Consume() {
  const uint32_t step = (head_len_ + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
  cons_pos_ += step;
  unpublished_ += step;
  head_len_ = 0;
  if (unpublished_ >= kPublishBytes) {
    Publish();
  }
}

void Ring::Publish() {
  __atomic_store_n(reinterpret_cast<uint64_t*>(consumer_page_), cons_pos_, __ATOMIC_RELEASE);
  unpublished_ = 0;
}

absl::StatusOr<std::unique_ptr<RingSet>> RingSet::Create() {
  std::unique_ptr<RingSet> s(new RingSet());
  s->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (s->epoll_fd_ < 0) {
    return Errno("epoll_create1");
  }
  s->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (s->wake_fd_ < 0) {
    return Errno("eventfd");
  }
  epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.u64 = UINT64_MAX;
  if (epoll_ctl(s->epoll_fd_, EPOLL_CTL_ADD, s->wake_fd_, &ev) != 0) {
    return Errno("epoll_ctl(eventfd)");
  }
  return s;
}

RingSet::~RingSet() {
  rings_.clear();
  if (wake_fd_ >= 0) {
    close(wake_fd_);
  }
  if (epoll_fd_ >= 0) {
    close(epoll_fd_);
  }
}

absl::Status RingSet::Add(int map_fd, uint32_t size) {
  auto ring = Ring::Map(map_fd, size);
  if (!ring.ok()) {
    return ring.status();
  }
  epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.u64 = rings_.size();
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, map_fd, &ev) != 0) {
    return Errno("epoll_ctl(ring buffer)");
  }
  rings_.push_back(*std::move(ring));
  return absl::OkStatus();
}

absl::Span<const uint8_t> RingSet::PeekEarliest(size_t* ring) {
  absl::Span<const uint8_t> best;
  uint64_t best_ts = 0;
  for (size_t i = 0; i < rings_.size(); ++i) {
    absl::Span<const uint8_t> rec = rings_[i]->Peek();
    if (rec.size() < 16) {
      if (!rec.empty()) {
        // Too short to be an event: skip it rather than stall the ring.
        rings_[i]->Consume();
        --i;
      }
      continue;
    }
    uint64_t ts;
    std::memcpy(&ts, rec.data() + 8, sizeof(ts));
    if (best.empty() || ts < best_ts) {
      best = rec;
      best_ts = ts;
      *ring = i;
    }
  }
  return best;
}

void RingSet::PublishAll() {
  for (auto& r : rings_) {
    r->Publish();
  }
}

absl::StatusOr<bool> RingSet::Wait() {
  epoll_event events[16];
  for (;;) {
    int n = epoll_wait(epoll_fd_, events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Errno("epoll_wait");
    }
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == UINT64_MAX) {
        uint64_t v;
        (void)!read(wake_fd_, &v, sizeof(v));
        woken = true;
      }
    }
    return !woken;
  }
}

void RingSet::Wake() {
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

}  // namespace saker::driver
