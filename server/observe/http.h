#pragma once

// The little of HTTP/1.1 the web server needs: the request head and a
// response with Connection: close.

#include <string>
#include <string_view>

namespace saker::observe::http {

struct Request {
  std::string method;
  std::string path;  // the target without its query string
  std::string version;
};

enum class Parse { kIncomplete, kOk, kBad };

// Looks for a whole request head ("...\r\n\r\n", or bare "\n\n") in `data`.
Parse ParseHead(std::string_view data, Request* out);

// "HTTP/1.1 <status> <reason>" with Content-Type, Content-Length,
// Connection: close and `extra_headers` (each ending in "\r\n"); no body for
// HEAD requests.
std::string Response(int status, std::string_view content_type, std::string_view body,
                     bool head_only = false, std::string_view extra_headers = "");

std::string_view Reason(int status);

// A JSON string literal with its quotes.
std::string JsonQuote(std::string_view v);

}  // namespace saker::observe::http
