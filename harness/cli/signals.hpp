// Signal dispositions of the commands that write reports (cli is the only module that knows signals).
#pragma once

namespace conform::cli {

// A reader that goes away (a FIFO, a closed pipe behind /dev/stdout) makes a report write fail with EPIPE,
// which is reported, instead of ending the process silently with SIGPIPE.
void ignore_sigpipe();

}  // namespace conform::cli
