#include "server/capture/format.h"

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "server/capture/codec.h"
#include "server/capture/snapshot_codec.h"

namespace saker::capture {
namespace {

// Header section fields: tag, then a length-prefixed value.
enum HeaderTag : uint32_t {
  kTagHostname = 1,
  kTagMachine = 2,
  kTagKernelRelease = 3,
  kTagKernelVersion = 4,
  kTagBootTime = 5,
  kTagWireVersion = 6,
  kTagStartTime = 7,
  kTagSnapshot = 8,
  kTagSnapshotError = 9,
};

int64_t ClockNs(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void PutField(Encoder* e, uint32_t tag, absl::string_view value) {
  e->Varint(tag);
  e->Bytes(value);
}

void PutFixed64(Encoder* e, uint32_t tag, uint64_t v) {
  uint8_t b[8];
  StoreLe64(b, v);
  PutField(e, tag, absl::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
}

absl::Status FixedValue(uint64_t tag, absl::string_view v, size_t size, uint64_t* out) {
  if (v.size() != size) {
    return absl::DataLossError(absl::StrCat("header field ", tag, " has ", v.size(),
                                            " bytes, expected ", size));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  *out = size == 8 ? LoadLe64(p) : LoadLe32(p);
  return absl::OkStatus();
}

}  // namespace

bool CaptureHeader::operator==(const CaptureHeader& o) const {
  return std::tie(hostname, machine, kernel_release, kernel_version, boot_time_ns, wire_version,
                  start_time_ns, snapshot, snapshot_error) ==
         std::tie(o.hostname, o.machine, o.kernel_release, o.kernel_version, o.boot_time_ns,
                  o.wire_version, o.start_time_ns, o.snapshot, o.snapshot_error);
}

int64_t BootTimeNsNow() { return ClockNs(CLOCK_REALTIME) - ClockNs(CLOCK_BOOTTIME); }

CaptureHeader CaptureHeader::ForThisMachine(int64_t boot_time_ns) {
  CaptureHeader h;
  h.boot_time_ns = boot_time_ns;
  h.start_time_ns = ClockNs(CLOCK_REALTIME);
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) {
    h.hostname = host;
  }
  struct utsname u;
  if (uname(&u) == 0) {
    h.machine = u.machine;
    h.kernel_release = u.release;
    h.kernel_version = u.version;
  }
  absl::StatusOr<ProcSnapshot> snap = ReadProcSnapshot();
  if (snap.ok()) {
    h.snapshot = *std::move(snap);
  } else {
    h.snapshot_error = snap.status().ToString();
  }
  return h;
}

std::string EncodeFileHeader(const CaptureHeader& header) {
  std::string section;
  Encoder e(&section);
  PutField(&e, kTagHostname, header.hostname);
  PutField(&e, kTagMachine, header.machine);
  PutField(&e, kTagKernelRelease, header.kernel_release);
  PutField(&e, kTagKernelVersion, header.kernel_version);
  PutFixed64(&e, kTagBootTime, static_cast<uint64_t>(header.boot_time_ns));
  uint8_t wire[4];
  StoreLe32(wire, header.wire_version);
  PutField(&e, kTagWireVersion, absl::string_view(reinterpret_cast<const char*>(wire), 4));
  PutFixed64(&e, kTagStartTime, static_cast<uint64_t>(header.start_time_ns));
  std::string snap;
  EncodeSnapshot(header.snapshot, &snap);
  PutField(&e, kTagSnapshot, snap);
  if (!header.snapshot_error.empty()) {
    PutField(&e, kTagSnapshotError, header.snapshot_error);
  }

  std::string out(kFileHeaderSize, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  std::memcpy(p, kFileMagic, sizeof(kFileMagic));
  StoreLe32(p + 8, kFormatVersion);
  StoreLe32(p + 12, static_cast<uint32_t>(section.size()));
  StoreLe32(p + 16, Crc32(section.data(), section.size()));
  StoreLe32(p + 20, 0);
  out += section;
  out.resize((out.size() + 7) & ~size_t{7}, '\0');
  return out;
}

absl::Status DecodeHeaderSection(absl::string_view in, CaptureHeader* out) {
  *out = CaptureHeader();
  Decoder d(in);
  bool saw_wire_version = false;
  while (!d.done()) {
    absl::StatusOr<uint64_t> tag = d.Varint();
    if (!tag.ok()) {
      return tag.status();
    }
    absl::StatusOr<absl::string_view> value = d.Bytes();
    if (!value.ok()) {
      return value.status();
    }
    uint64_t v = 0;
    absl::Status st;
    switch (*tag) {
      case kTagHostname:
        out->hostname = std::string(*value);
        break;
      case kTagMachine:
        out->machine = std::string(*value);
        break;
      case kTagKernelRelease:
        out->kernel_release = std::string(*value);
        break;
      case kTagKernelVersion:
        out->kernel_version = std::string(*value);
        break;
      case kTagBootTime:
        st = FixedValue(*tag, *value, 8, &v);
        out->boot_time_ns = static_cast<int64_t>(v);
        break;
      case kTagWireVersion:
        st = FixedValue(*tag, *value, 4, &v);
        out->wire_version = static_cast<uint32_t>(v);
        saw_wire_version = true;
        break;
      case kTagStartTime:
        st = FixedValue(*tag, *value, 8, &v);
        out->start_time_ns = static_cast<int64_t>(v);
        break;
      case kTagSnapshot:
        st = DecodeSnapshot(*value, &out->snapshot);
        break;
      case kTagSnapshotError:
        out->snapshot_error = std::string(*value);
        break;
      default:
        break;  // a field from a newer writer: skipped
    }
    if (!st.ok()) {
      return st;
    }
  }
  if (!saw_wire_version) {
    return absl::DataLossError("header section has no wire version");
  }
  return absl::OkStatus();
}

void EncodeBlockHeader(const BlockHeader& h, uint8_t out[kBlockHeaderSize]) {
  StoreLe32(out, h.magic);
  StoreLe32(out + 4, h.payload_len);
  StoreLe32(out + 8, h.event_count);
  StoreLe32(out + 12, h.payload_crc);
  StoreLe64(out + 16, h.first_event);
  StoreLe32(out + 24, h.reserved);
  StoreLe32(out + 28, Crc32(out, 28));
}

absl::Status DecodeBlockHeader(const uint8_t in[kBlockHeaderSize], BlockHeader* out) {
  out->magic = LoadLe32(in);
  out->payload_len = LoadLe32(in + 4);
  out->event_count = LoadLe32(in + 8);
  out->payload_crc = LoadLe32(in + 12);
  out->first_event = LoadLe64(in + 16);
  out->reserved = LoadLe32(in + 24);
  out->header_crc = LoadLe32(in + 28);
  if (kVerifyChecksums && out->header_crc != Crc32(in, 28)) {
    return absl::DataLossError("block header checksum mismatch");
  }
  return absl::OkStatus();
}

uint32_t Crc32(const void* data, size_t len) {
  return static_cast<uint32_t>(
      crc32_z(crc32(0L, Z_NULL, 0), static_cast<const Bytef*>(data), len));
}

}  // namespace saker::capture
