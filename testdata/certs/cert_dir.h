// The test certificates, made once per test process by make_certs.sh into
// $TEST_TMPDIR (ca, server, clients, an expired one, another CA...; see the
// script). Tests that use it depend on //testdata/certs:cert_dir.
#pragma once

#include <string>

namespace saker::testdata {

// The directory holding them; aborts when the script fails.
const std::string& CertDir();

}  // namespace saker::testdata
