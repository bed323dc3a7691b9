// Signal dispositions of the commands that write reports (cli is the only module that knows signals).
#pragma once

#include <string_view>

namespace conform::cli {

// A reader that goes away (a FIFO, a closed pipe behind /dev/stdout) makes a report write fail with EPIPE,
// which is reported, instead of ending the process silently with SIGPIPE.
void ignore_sigpipe();

// SIGINT and SIGTERM (what CI sends on a job timeout) during a run: the first is only remembered, so the run
// can stop sending, finish what is in flight and write reports of what ran; a second ends the process at once
// (_exit with 128 + its number; a regular report file is then the old one or the whole new one, as ever).
void catch_interrupts();
// "SIGINT" or "SIGTERM" once one of them came, else "".
std::string_view interrupt_name();
// What a shell reports for a job ended by that signal (130, 143) once one came, else 0.
int interrupt_exit_code();

}  // namespace conform::cli
