/*
 * A C pause written for this book from a description of what upstream's
 * pause does (kubernetes build/pause/linux/pause.c), behaviour for
 * behaviour. It is our own code, not a copy of upstream's: the conformance
 * suite runs it (tests/c_pause.rs, or PAUSE_BIN) to show that the suite tests
 * behaviour, not one implementation, and the benchmarks compile it with gcc
 * or musl-gcc (-O2 or -Os, -static).
 *
 * Build: gcc -Os -Wall -Werror -static -o pause c/pause.c
 *        musl-gcc -Os -Wall -Werror -static -o pause c/pause.c
 *        (-DVERSION=3.10 sets what -v prints; default "HEAD")
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#define STR_(x) #x
#define STR(x) STR_(x)
#ifndef VERSION
#define VERSION HEAD
#endif

// ANCHOR: handlers
/* Only async-signal-safe calls in handlers: write(2) and _exit(2). The
 * handler interrupts main at an arbitrary point, possibly inside stdio or
 * malloc, so stdio, exit(3) and atexit handlers are off limits here. */
static void say(const char *text) {
  ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
  (void)ignored;
}

static void shut_down(int sig) {
  say("Shutting down, got signal: ");
  say(sig == SIGINT ? "Interrupt\n" : "Terminated\n");
  _exit(0);
}

/* SIGCHLD is not queued: many children exiting together may raise it once,
 * so reap until nothing is left. */
static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
}

// ANCHOR_END: handlers

static int catch(int sig, void (*handler)(int), int flags) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler; /* no SA_RESTART: nothing to restart */
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return sigaction(sig, &action, NULL);
}

// ANCHOR: main
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (strcasecmp(argv[i], "-v") == 0) {
      printf("pause.c %s\n", STR(VERSION));
      return 0;
    }
  }

  if (getpid() != 1)
    fprintf(stderr, "Warning: pause should be the first process\n");

  if (catch(SIGINT, shut_down, 0) < 0)
    return 1;
  if (catch(SIGTERM, shut_down, 0) < 0)
    return 2;
  if (catch(SIGCHLD, reap, SA_NOCLDSTOP) < 0)
    return 3;

  for (;;)
    pause();
  return 42; /* unreachable: pause(2) only returns after a handler ran */
}
// ANCHOR_END: main
