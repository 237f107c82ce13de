// The Saker capture file format (spec: FORMAT.md beside this file): a file
// header carrying the CaptureHeader, then checksummed blocks of events
// exactly as the probe wrote them, then an optional trailer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "saker/wire.h"
#include "server/capture/proc_snapshot.h"

namespace saker::capture {

// File header: magic, format version, header section length and CRC.
constexpr char kFileMagic[8] = {'S', 'A', 'K', 'E', 'R', 'C', 'A', 'P'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kFileHeaderSize = 24;
constexpr size_t kMaxHeaderSection = 256u << 20;

// Blocks and the trailer share one 32-byte header layout.
constexpr uint32_t kBlockMagic = 0x4b4c4253;    // "SBLK" little-endian
constexpr uint32_t kTrailerMagic = 0x444e4553;  // "SEND" little-endian
constexpr size_t kBlockHeaderSize = 32;
constexpr size_t kMaxBlockPayload = 16u << 20;
constexpr size_t kDefaultBlockBytes = 256u << 10;
// The largest event EventView::Parse accepts.
constexpr size_t kMaxEventBytes = SAKER_MAX_EVENT_SIZE + 4096;

// Everything a replay needs to know about where and when a capture was made.
struct CaptureHeader {
  std::string hostname;
  std::string machine;         // uname -m
  std::string kernel_release;  // uname -r
  std::string kernel_version;  // uname -v
  int64_t boot_time_ns = 0;    // CLOCK_REALTIME - CLOCK_BOOTTIME at capture start
  uint32_t wire_version = SAKER_WIRE_VERSION;
  int64_t start_time_ns = 0;   // CLOCK_REALTIME at capture start
  ProcSnapshot snapshot;
  std::string snapshot_error;  // why `snapshot` is empty, if it is

  bool operator==(const CaptureHeader& o) const;
  bool operator!=(const CaptureHeader& o) const { return !(*this == o); }

  // Fills hostname, uname, start time and the /proc snapshot of this machine.
  // A failed snapshot leaves it empty and says why in snapshot_error.
  static CaptureHeader ForThisMachine(int64_t boot_time_ns);
};

// CLOCK_REALTIME - CLOCK_BOOTTIME now, in ns.
int64_t BootTimeNsNow();

// The file header and the header section, padded to 8 bytes: the bytes
// that start every capture file.
std::string EncodeFileHeader(const CaptureHeader& header);

// Decodes a header section (the bytes after the 24-byte file header).
absl::Status DecodeHeaderSection(absl::string_view in, CaptureHeader* out);

// The 32-byte header of a block (or of the trailer).
struct BlockHeader {
  uint32_t magic = kBlockMagic;
  uint32_t payload_len = 0;   // bytes of events that follow; a multiple of 8
  uint32_t event_count = 0;
  uint32_t payload_crc = 0;   // zlib crc32 of the payload
  uint64_t first_event = 0;   // number of the first event (from 1); in the
                              // trailer: the number of events in the file
  uint32_t reserved = 0;
  uint32_t header_crc = 0;    // crc32 of bytes 0..27 of the encoded header
};

// Encodes `h`, computing header_crc.
void EncodeBlockHeader(const BlockHeader& h, uint8_t out[kBlockHeaderSize]);
// Decodes the fields and checks header_crc; does not judge the values.
absl::Status DecodeBlockHeader(const uint8_t in[kBlockHeaderSize], BlockHeader* out);

uint32_t Crc32(const void* data, size_t len);

// Fuzzer builds (the libFuzzer convention, see FORMAT.md) skip checksum
// checks so mutations reach the parsers behind them.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kVerifyChecksums = false;
#else
constexpr bool kVerifyChecksums = true;
#endif

}  // namespace saker::capture
