// ApiServer on a unix socket path that is taken, over real gRPC: a second
// server on a live server's path refuses to start, naming the path, and
// leaves the first reachable (its shutdown removes nothing); a stale socket
// is replaced; a file that is not a socket is refused and kept.

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/api/api_server.h"
#include "server/api/api_test_util.h"

namespace saker::api {
namespace {

using testing::UnixChannel;

bool IsSocket(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// A health check over the unix socket: the server answering there.
bool Serving(const std::string& path) {
  auto stub = grpc::health::v1::Health::NewStub(UnixChannel("unix://" + path));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::health::v1::HealthCheckResponse resp;
  return stub->Check(&ctx, {}, &resp).ok() &&
         resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

class ApiSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/saker-apisock-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/api.sock";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  ApiServerOptions Options() const {
    ApiServerOptions o;
    o.listeners.push_back(*ParseBind("unix://" + path_));
    o.shutdown_grace = absl::Milliseconds(200);
    return o;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(ApiSocketTest, SecondServerOnALiveSocketRefusesAndLeavesTheFirstServing) {
  ApiServer first;
  ASSERT_TRUE(first.Start(Options()).ok());
  ASSERT_TRUE(Serving(path_));

  {
    ApiServer second;
    absl::Status st = second.Start(Options());
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(
        absl::StrContains(st.message(), "another server is listening on the unix socket " + path_))
        << st;
    second.Shutdown();
  }  // and destroyed: nothing of the first's removed
  EXPECT_TRUE(IsSocket(path_));
  EXPECT_TRUE(Serving(path_));

  first.Shutdown();
  EXPECT_FALSE(IsSocket(path_));  // its own socket, removed
}

TEST_F(ApiSocketTest, StaleSocketIsReplaced) {
  // A server that died: its socket file stays, nobody listens.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  ::close(fd);
  ASSERT_TRUE(IsSocket(path_));

  ApiServer server;
  absl::Status st = server.Start(Options());
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_TRUE(Serving(path_));
}

TEST_F(ApiSocketTest, FileThatIsNotASocketIsRefusedAndKept) {
  std::ofstream(path_) << "keep me";
  ApiServer server;
  absl::Status st = server.Start(Options());
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(st.message(), path_ + " exists and is not a socket")) << st;
  std::stringstream content;
  content << std::ifstream(path_).rdbuf();
  EXPECT_EQ(content.str(), "keep me");
}

TEST_F(ApiSocketTest, SamePathTwiceIsRefused) {
  ApiServerOptions o = Options();
  o.listeners.push_back(o.listeners[0]);
  ApiServer server;
  absl::Status st = server.Start(o);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), path_ + " is listed twice")) << st;
  EXPECT_FALSE(IsSocket(path_));
}

}  // namespace
}  // namespace saker::api
