#include "server/daemon/exception_status.h"

namespace saker::daemon {

absl::Status StatusOfCurrentException(absl::string_view what) {
  // Builds a short message: after a bad_alloc there may be little memory, but
  // the failed allocation was the large one and is gone with the unwinding.
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": out of memory (std::bad_alloc): the input is too large"));
  } catch (const std::length_error& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, ": too large (std::length_error: ", e.what(), ")"));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(what, ": unexpected error: ", e.what()));
  } catch (...) {
    return absl::InternalError(absl::StrCat(what, ": unexpected exception"));
  }
}

}  // namespace saker::daemon
