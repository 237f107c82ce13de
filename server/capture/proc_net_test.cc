#include "server/capture/proc_net.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "gtest/gtest.h"

namespace saker::capture {
namespace {

TEST(ProcNetTest, ParsesTcp4) {
  SocketTable t;
  ParseInetTable(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 0100007F:1F90 0A00000A:C350 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n"
      "   1: garbage\n",
      AF_INET, IPPROTO_TCP, &t);
  ASSERT_EQ(t.size(), 1u);
  const SocketTuple& s = t.at(4242);
  EXPECT_EQ(s.family, AF_INET);
  EXPECT_EQ(s.proto, IPPROTO_TCP);
  EXPECT_EQ(s.saddr, std::string("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(s.sport, 8080);
  EXPECT_EQ(s.daddr, std::string("\x0a\x00\x00\x0a", 4));
  EXPECT_EQ(s.dport, 50000);
  EXPECT_EQ(s.state, 1u);
}

TEST(ProcNetTest, ParsesUdp6) {
  SocketTable t;
  ParseInetTable(
      "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      "  12: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 777 2 0000000000000000 0\n",
      AF_INET6, IPPROTO_UDP, &t);
  ASSERT_EQ(t.size(), 1u);
  const SocketTuple& s = t.at(777);
  EXPECT_EQ(s.saddr, std::string(15, '\0') + '\x01');  // ::1
  EXPECT_EQ(s.sport, 53);
  EXPECT_EQ(s.proto, IPPROTO_UDP);
}

TEST(ProcNetTest, ParsesUnixWithPaddedInodesAndSpacesInPaths) {
  SocketTable t;
  ParseUnixTable(
      "Num       RefCount Protocol Flags    Type St Inode Path\n"
      "0000000000000000: 00000002 00000000 00010000 0001 01    21 /run/a path\n"
      "0000000000000000: 00000002 00000000 00000000 0002 01 31337 @abstract\n"
      "0000000000000000: 00000003 00000000 00000000 0001 03 99999\n",
      &t);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.at(21).unix_path, "/run/a path");
  EXPECT_EQ(t.at(21).family, AF_UNIX);
  EXPECT_EQ(t.at(31337).unix_path, "@abstract");
  EXPECT_EQ(t.at(99999).unix_path, "");
  EXPECT_EQ(t.at(99999).state, 3u);
}

}  // namespace
}  // namespace saker::capture
