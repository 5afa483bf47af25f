/* alsa-lib's error handler is C-variadic, which stable Rust cannot define: this handler
 * formats the message and hands it to the Rust sink set by patches_tui_alsa_sink (see
 * src/alsa_log.rs). */
#include <stdarg.h>
#include <stdio.h>

typedef void (*patches_tui_alsa_sink_t)(const char *file, int line, const char *function,
                                        int err, const char *message);

static patches_tui_alsa_sink_t sink;

void patches_tui_alsa_sink(patches_tui_alsa_sink_t to) { sink = to; }

void patches_tui_alsa_handler(const char *file, int line, const char *function, int err,
                              const char *fmt, ...) {
    char message[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    if (sink)
        sink(file, line, function, err, message);
}
