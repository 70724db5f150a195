// A child process for the tests that start programs at once and kill them: its stdin and its
// stdout (with stderr) are pipes the test holds.
#ifndef RETORT_TESTS_CHILD_PROCESS_HPP
#define RETORT_TESTS_CHILD_PROCESS_HPP

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace retort::testing {

class ChildProcess {
 public:
  /// Starts `argv[0]` with `argv` and `env` (NAME=VALUE) added to the environment; `before_exec`
  /// runs in the child first (dropping privileges, say).
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
               const std::function<void()>& before_exec = {}) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(out[1], 2);
      close(in[1]);
      close(out[0]);
      for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
      if (before_exec) before_exec();
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = fdopen(out[0], "r");
  }
  ~ChildProcess() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      wait();
    }
    if (stdout_) fclose(stdout_);
    if (stdin_ >= 0) close(stdin_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The next line it wrote, without its newline; "" at its end.
  std::string line() {
    std::string out;
    for (int c = fgetc(stdout_); c != EOF && c != '\n'; c = fgetc(stdout_))
      out += static_cast<char>(c);
    output_ += out + "\n";
    return out;
  }
  /// Reads lines until one starts with `prefix` (returned), or its output ends ("").
  std::string line_starting(const std::string& prefix) {
    for (std::string l = line(); !l.empty() || !feof(stdout_); l = line()) {
      if (l.rfind(prefix, 0) == 0) return l;
    }
    return "";
  }
  void write(const std::string& text) { (void)!::write(stdin_, text.data(), text.size()); }
  /// Reads the rest of its output, waits for it to end and returns its exit code (-1: killed).
  int finish() {
    while (!feof(stdout_)) line();
    return wait();
  }
  void kill9() {
    kill(pid_, SIGKILL);
    wait();
  }
  void terminate() {
    kill(pid_, SIGTERM);
    finish();
  }
  /// Everything it wrote that was read.
  const std::string& output() const { return output_; }

 private:
  int wait() {
    if (status_ >= 0) return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
    waitpid(pid_, &status_, 0);
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  FILE* stdout_ = nullptr;
  int status_ = -1;
  std::string output_;
};

}  // namespace retort::testing

#endif  // RETORT_TESTS_CHILD_PROCESS_HPP
