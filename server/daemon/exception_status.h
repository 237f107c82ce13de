// Where sakerd crosses into code that may throw (reading and compiling rules:
// yaml-cpp, the standard containers, std::bad_alloc on a rules file too large
// for the process), an exception becomes an error status, so that a failed
// load or reload is refused, logged and counted and the daemon goes on with
// what it runs:
//
//   absl::Status st = StatusOfExceptions("loading the rules", [&] { return Load(); });
#pragma once

#include <exception>
#include <new>
#include <stdexcept>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace saker::daemon {

// The error for the exception being handled (call inside a catch block):
// out of memory (std::bad_alloc) and sizes past a container's maximum
// (std::length_error) are RESOURCE_EXHAUSTED, anything else INTERNAL; the
// message starts with `what` ("loading the rules from a.yaml").
absl::Status StatusOfCurrentException(absl::string_view what);

// Runs fn (returning absl::Status or absl::StatusOr<T>); an exception it
// throws becomes the error of StatusOfCurrentException(what).
template <typename Fn>
auto StatusOfExceptions(absl::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return StatusOfCurrentException(what);
  }
}

}  // namespace saker::daemon
