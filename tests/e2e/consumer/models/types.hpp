#pragma once
// A project header with standard headers of its own: they are not in the scan's PCH, so the
// depfile names them, through the paths libclang reports (on Debian, via the /lib link).
#include <optional>
#include <string>
