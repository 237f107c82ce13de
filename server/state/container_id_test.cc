#include "server/state/container_id.h"

#include <gtest/gtest.h>

namespace saker::state {
namespace {

const std::string kId = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";

struct Case {
  std::string path;
  ContainerRuntime runtime;
};

TEST(ContainerIdTest, EveryRuntimePattern) {
  const Case cases[] = {
      {"/docker/" + kId, ContainerRuntime::kDocker},
      {"/system.slice/docker-" + kId + ".scope", ContainerRuntime::kDocker},
      {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/"
       "cri-containerd-" + kId + ".scope",
       ContainerRuntime::kContainerd},
      {"/kubepods/besteffort/pod0c7a-11/" + kId, ContainerRuntime::kContainerd},
      {"/kubepods.slice/kubepods-pod1.slice/crio-" + kId + ".scope", ContainerRuntime::kCrio},
      {"/machine.slice/libpod-" + kId + ".scope", ContainerRuntime::kPodman},
      {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope/container",
       ContainerRuntime::kPodman},
      {"/libpod_parent/libpod-" + kId, ContainerRuntime::kPodman},
      {"/default/" + kId, ContainerRuntime::kContainerd},
  };
  for (const Case& c : cases) {
    ContainerRef ref;
    ASSERT_TRUE(ParseContainerCgroup(c.path, &ref)) << c.path;
    EXPECT_EQ(ref.runtime, c.runtime) << c.path;
    EXPECT_EQ(ref.full_id, kId);
    EXPECT_EQ(ref.short_id(), "3ad7b26ded6d");
  }
}

TEST(ContainerIdTest, HostPathsAndMonitors) {
  ContainerRef ref;
  for (const std::string& p :
       {std::string("/"), std::string("/user.slice/user-0.slice/session-3.scope"),
        std::string("/system.slice/sshd.service"), "/machine.slice/libpod-conmon-" + kId + ".scope",
        "/kubepods.slice/crio-conmon-" + kId + ".scope", std::string("/docker/abc")}) {
    EXPECT_FALSE(ParseContainerCgroup(p, &ref)) << p;
    EXPECT_FALSE(ref.in_container());
  }
}

TEST(ContainerIdTest, ProcCgroupLines) {
  ContainerRef ref;
  std::string lines = "12:cpu,cpuacct:/\n11:memory:/docker/" + kId + "\n0::/\n";
  ASSERT_TRUE(FindContainerInCgroups(lines, &ref));
  EXPECT_EQ(ref.runtime, ContainerRuntime::kDocker);
  std::string nul = std::string("0::/system.slice/x.service") + '\0' + "0::/docker-" + kId +
                    ".scope";
  ASSERT_TRUE(FindContainerInCgroups(nul, &ref));
  EXPECT_FALSE(FindContainerInCgroups("0::/init.scope\n", &ref));
}

}  // namespace
}  // namespace saker::state
