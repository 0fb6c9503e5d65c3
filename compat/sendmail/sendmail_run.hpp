// The sendmail front end as one call: parse the command line, load the
// instance's config, and run the chosen mode (deliver, list the queue,
// rebuild aliases). Returns the sysexits code for the process.
#pragma once

#include <string>
#include <vector>

namespace postern::sendmail {

int run(const std::vector<std::string>& args);

}  // namespace postern::sendmail
