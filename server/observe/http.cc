#include "server/observe/http.h"

#include <cstdio>

namespace saker::observe::http {

Parse ParseHead(std::string_view data, Request* out) {
  size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    end = data.find("\n\n");
  }
  if (end == std::string_view::npos) {
    return Parse::kIncomplete;
  }
  std::string_view line = data.substr(0, data.find('\n'));
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || sp2 == sp1 + 1 ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Parse::kBad;
  }
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (version.substr(0, 5) != "HTTP/" || target[0] != '/') {
    return Parse::kBad;
  }
  out->method = std::string(line.substr(0, sp1));
  out->path = std::string(target.substr(0, target.find('?')));
  out->version = std::string(version);
  return Parse::kOk;
}

std::string_view Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string Response(int status, std::string_view content_type, std::string_view body,
                     bool head_only, std::string_view extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += Reason(status);
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nConnection: close\r\n";
  out += extra_headers;
  out += "\r\n";
  if (!head_only) {
    out += body;
  }
  return out;
}

std::string JsonQuote(std::string_view v) {
  std::string out = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace saker::observe::http
