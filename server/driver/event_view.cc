#include "server/driver/event_view.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace saker {

absl::StatusOr<EventView> EventView::Parse(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(saker_event)) {
    return absl::DataLossError(
        absl::StrCat("event of ", bytes.size(), " bytes is shorter than its ",
                     sizeof(saker_event), "-byte header"));
  }
  const auto* hdr = reinterpret_cast<const saker_event_header*>(bytes.data());
  if (hdr->version != SAKER_WIRE_VERSION) {
    return absl::DataLossError(absl::StrCat("event has wire version ", hdr->version,
                                            ", expected ", SAKER_WIRE_VERSION));
  }
  if (hdr->size < sizeof(saker_event) || hdr->size > bytes.size() || hdr->size % 8 != 0 ||
      hdr->size > SAKER_MAX_EVENT_SIZE + 4096) {
    return absl::DataLossError(absl::StrCat("event size ", hdr->size, " is invalid (",
                                            bytes.size(), " bytes available)"));
  }
  size_t off = sizeof(saker_event);
  for (uint16_t i = 0; i < hdr->nblobs; ++i) {
    if (off + sizeof(saker_blob) > hdr->size) {
      return absl::DataLossError(absl::StrCat("blob ", i, " header runs past the event"));
    }
    saker_blob blob;
    std::memcpy(&blob, bytes.data() + off, sizeof(blob));
    off += sizeof(saker_blob) + Padded(blob.len);
    if (off > hdr->size) {
      return absl::DataLossError(absl::StrCat("blob ", i, " of ", blob.len,
                                              " bytes runs past the event"));
    }
  }
  EventView v;
  v.hdr_ = hdr;
  v.args_ = reinterpret_cast<const uint64_t*>(bytes.data() + sizeof(saker_event_header));
  v.bytes_ = bytes.subspan(0, hdr->size);
  return v;
}

absl::string_view EventView::comm() const {
  return absl::string_view(hdr_->comm, strnlen(hdr_->comm, sizeof(hdr_->comm)));
}

BlobView EventView::BlobAt(size_t off) const {
  const auto* b = reinterpret_cast<const saker_blob*>(bytes_.data() + off);
  BlobView v;
  v.param = b->param;
  v.type = b->type;
  v.flags = b->flags;
  v.data = absl::string_view(reinterpret_cast<const char*>(b + 1), b->len);
  return v;
}

std::optional<BlobView> EventView::FindBlob(uint16_t param, uint16_t type) const {
  std::optional<BlobView> found;
  ForEachBlob([&](const BlobView& b) {
    if (!found && b.param == param && (type == 0 || b.type == type)) {
      found = b;
    }
  });
  return found;
}

}  // namespace saker
