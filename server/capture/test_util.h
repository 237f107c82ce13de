// Helpers shared by the capture tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/capture/format.h"
#include "server/capture/synthetic_events.h"

namespace saker::capture {

// A path under the test's temporary directory.
std::string TempPath(const std::string& name);

// A header with every field set, and a snapshot with every field set.
CaptureHeader SampleHeader();

// `n` events of varied kinds and sizes: no blobs, empty blobs, blobs of every
// padding remainder, one near SAKER_MAX_EVENT_SIZE.
EventBuffer SampleEvents(size_t n);

// Writes `events` to `path` in blocks of `block_bytes`; closes the writer
// (writing the trailer) when `close`, else only flushes. Returns the file's
// bytes at that point.
std::string WriteCapture(const std::string& path, const CaptureHeader& header,
                         const EventBuffer& events, size_t block_bytes, bool close = true);

std::string ReadFileBytes(const std::string& path);

// Offsets of every block and of the trailer of a well-formed capture, in
// file order (the first is the end of the header).
std::vector<uint64_t> BlockOffsets(const std::string& file);

}  // namespace saker::capture
