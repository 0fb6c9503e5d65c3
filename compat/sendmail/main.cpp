// sendmail, mailq, newaliases: the sendmail-compatible front end. Runs as
// the calling user with no privilege of its own; it reaches the queue only
// through postdrop (set-gid postdrop), and reads the queue for mailq only
// when the caller may.
#include <string>
#include <vector>

#include "sendmail_run.hpp"

int main(int argc, char** argv) {
    return postern::sendmail::run(std::vector<std::string>(argv, argv + argc));
}
