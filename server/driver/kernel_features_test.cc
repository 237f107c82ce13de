#include "server/driver/kernel_features.h"

#include <gtest/gtest.h>

namespace saker::driver {
namespace {

TEST(KernelFeaturesTest, ParsesReleases) {
  int major = 0;
  int minor = 0;
  ASSERT_TRUE(ParseKernelRelease("6.1.0-18-amd64", &major, &minor));
  EXPECT_EQ(major, 6);
  EXPECT_EQ(minor, 1);
  EXPECT_FALSE(ParseKernelRelease("garbage", &major, &minor));
}

TEST(KernelFeaturesTest, MissingBtfNamesTheFix) {
  KernelRequirements req;
  req.btf_path = "/nonexistent/btf/vmlinux";
  absl::Status st = CheckKernelFeatures(req);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("CONFIG_DEBUG_INFO_BTF"), std::string::npos) << st;
}

TEST(KernelFeaturesTest, TooOldKernelIsRefused) {
  KernelRequirements req;
  req.min_major = 999;
  absl::Status st = CheckKernelFeatures(req);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("too old"), std::string::npos) << st;
}

}  // namespace
}  // namespace saker::driver
