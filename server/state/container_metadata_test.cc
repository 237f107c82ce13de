#include "server/state/container_metadata.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "server/state/container_registry.h"

namespace saker::state {
namespace {

const std::string kId = "3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e";

void Write(const std::string& path, const std::string& text) {
  std::string dir = path.substr(0, path.rfind('/'));
  std::string cmd = "mkdir -p '" + dir + "'";
  ASSERT_EQ(system(cmd.c_str()), 0);
  std::ofstream(path) << text;
}

std::string TmpRoot(const std::string& name) {
  return absl::StrCat(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp", "/", name);
}

TEST(ContainerMetadataTest, SplitsImages) {
  ContainerInfo a;
  SplitImage("docker.io/library/nginx:1.25", &a);
  EXPECT_EQ(a.image_repository, "docker.io/library/nginx");
  EXPECT_EQ(a.image_tag, "1.25");
  ContainerInfo b;
  SplitImage("localhost:5000/app@sha256:abcd", &b);
  EXPECT_EQ(b.image_repository, "localhost:5000/app");
  EXPECT_EQ(b.image_tag, "");
  EXPECT_EQ(b.image_digest, "sha256:abcd");
}

TEST(ContainerMetadataTest, ReadsPodmanStorage) {
  std::string root = TmpRoot("podman");
  std::string dir = root + "/var/lib/containers/storage/overlay-containers";
  Write(dir + "/containers.json",
        R"([{"id":"ffff","names":["other"]},{"id":")" + kId +
            R"(","names":["web"],"image":"img1","metadata":"{\"image-name\":\"docker.io/library/alpine:3.19\",\"name\":\"web\"}"}])");
  Write(dir + "/" + kId + "/userdata/config.json",
        R"({"mounts":[{"destination":"/proc","type":"proc","source":"proc"},)"
        R"({"destination":"/data","type":"bind","source":"/srv/data","options":["ro","rprivate"]}],)"
        R"("annotations":{"io.podman.annotations.privileged":"TRUE"}})");
  PodmanStorageSource src(root);
  auto info = src.Lookup(ContainerRuntime::kPodman, kId.substr(0, 12));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name, "web");
  EXPECT_EQ(info->image, "docker.io/library/alpine:3.19");
  EXPECT_EQ(info->image_repository, "docker.io/library/alpine");
  EXPECT_EQ(info->image_tag, "3.19");
  ASSERT_EQ(info->mounts.size(), 2u);
  EXPECT_EQ(info->mounts[1].source, "/srv/data");
  EXPECT_FALSE(info->mounts[1].rdwr);
  EXPECT_TRUE(info->has_privileged && info->privileged);
  EXPECT_EQ(src.Lookup(ContainerRuntime::kPodman, "0123456789ab").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ContainerMetadataTest, ReadsDockerStorage) {
  std::string root = TmpRoot("docker");
  std::string dir = root + "/var/lib/docker/containers/" + kId;
  Write(dir + "/config.v2.json",
        R"({"Name":"/db","Image":"sha256:99","Config":{"Image":"postgres:16","Labels":{"io.kubernetes.pod.namespace":"prod"}},)"
        R"("MountPoints":{"/var/run/docker.sock":{"Source":"/var/run/docker.sock","Destination":"/var/run/docker.sock","RW":true,"Mode":"","Propagation":"rprivate"}}})");
  Write(dir + "/hostconfig.json", R"({"Privileged":true})");
  DockerStorageSource src(root);
  auto info = src.Lookup(ContainerRuntime::kDocker, kId.substr(0, 12));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->name, "db");
  EXPECT_EQ(info->image_repository, "postgres");
  EXPECT_TRUE(info->has_privileged && info->privileged);
  EXPECT_EQ(info->labels.at("io.kubernetes.pod.namespace"), "prod");
  ASSERT_EQ(info->mounts.size(), 1u);
  EXPECT_EQ(info->mounts[0].dest, "/var/run/docker.sock");
}

class CountingSource : public ContainerMetadataSource {
 public:
  absl::StatusOr<ContainerInfo> Lookup(ContainerRuntime, absl::string_view id) override {
    ++calls;
    if (id != "3ad7b26ded6d") {
      return absl::NotFoundError("no");
    }
    ContainerInfo c;
    c.id = std::string(id);
    c.name = "web";
    return c;
  }
  std::atomic<int> calls{0};
};

TEST(ContainerRegistryTest, AsyncLookupThenCached) {
  auto src = std::make_unique<CountingSource>();
  CountingSource* raw = src.get();
  ContainerRegistry reg(std::move(src));
  EXPECT_EQ(reg.Find("3ad7b26ded6d", ContainerRuntime::kDocker), nullptr);  // scheduled
  reg.WaitIdle();
  auto c = reg.Find("3ad7b26ded6d", ContainerRuntime::kDocker);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "web");
  EXPECT_EQ(raw->calls.load(), 1);
  // A miss is not retried before the retry interval.
  EXPECT_EQ(reg.Find("000000000000", ContainerRuntime::kDocker), nullptr);
  reg.WaitIdle();
  EXPECT_EQ(reg.Find("000000000000", ContainerRuntime::kDocker), nullptr);
  reg.WaitIdle();
  EXPECT_EQ(raw->calls.load(), 2);
}

TEST(ContainerRegistryTest, SynchronousMode) {
  ContainerRegistryOptions opts;
  opts.synchronous = true;
  ContainerRegistry reg(std::make_unique<CountingSource>(), opts);
  auto c = reg.Find("3ad7b26ded6d", ContainerRuntime::kPodman);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "web");
}

}  // namespace
}  // namespace saker::state
