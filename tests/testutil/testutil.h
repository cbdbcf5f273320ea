// Test helpers: status assertions and temporary directories.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/base/status.h"

#define ASSERT_OK(expr)                                      \
  do {                                                       \
    const ::vigil::Status _s = (expr);                       \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString();  \
  } while (0)
#define EXPECT_OK(expr)                                      \
  do {                                                       \
    const ::vigil::Status _s = (expr);                       \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString();  \
  } while (0)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                          \
  auto VIGIL_CONCAT(_r_, __LINE__) = (expr);                                     \
  ASSERT_TRUE(VIGIL_CONCAT(_r_, __LINE__).ok())                                  \
      << #expr << ": " << VIGIL_CONCAT(_r_, __LINE__).status().ToString();       \
  lhs = std::move(VIGIL_CONCAT(_r_, __LINE__)).value()

namespace vigil::testutil {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace vigil::testutil
