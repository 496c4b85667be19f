// Non-variadic wrappers around libedit's native API (histedit.h), which Swift cannot call directly
// (el_set, el_get and history are C-variadic). Everything here is a one-line static inline function.
#ifndef JOM_CEDITLINE_SHIM_H
#define JOM_CEDITLINE_SHIM_H

#include <histedit.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>

// Declared here because glibc hides them behind feature macros that the Swift overlay does not set.
extern int wcwidth(wchar_t c);
static inline int jom_wcwidth(wchar_t c) { return wcwidth(c); }

typedef char *(*jom_prompt_fn)(EditLine *);
typedef int (*jom_getc_fn)(EditLine *, wchar_t *);
typedef unsigned char (*jom_fn)(EditLine *, int);

static inline EditLine *jom_el_init(const char *prog) { return el_init(prog, stdin, stdout, stderr); }
static inline int jom_el_set_prompt(EditLine *el, jom_prompt_fn f) { return el_set(el, EL_PROMPT, f); }
static inline int jom_el_set_prompt_esc(EditLine *el, jom_prompt_fn f, char esc) { return el_set(el, EL_PROMPT_ESC, f, esc); }
static inline int jom_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int jom_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int jom_el_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int jom_el_set_getcfn(EditLine *el, jom_getc_fn f) { return el_wset(el, EL_GETCFN, f); }
static inline int jom_el_addfn(EditLine *el, const char *name, const char *help, jom_fn f) { return el_set(el, EL_ADDFN, name, help, f); }
static inline int jom_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
static inline int jom_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
static inline int jom_el_source(EditLine *el) { return el_source(el, NULL); }
static inline int jom_el_set_clientdata(EditLine *el, void *p) { return el_set(el, EL_CLIENTDATA, p); }
static inline void *jom_el_get_clientdata(EditLine *el) { void *p = NULL; el_get(el, EL_CLIENTDATA, &p); return p; }
/// Puts the terminal in libedit's editing mode now (el_gets would do so only after printing the prompt).
static inline int jom_el_prep_term(EditLine *el, int on) { return el_set(el, EL_PREP_TERM, on); }
static inline int jom_el_set_unbuffered(EditLine *el, int on) { return el_set(el, EL_UNBUFFERED, on); }

static inline History *jom_history_init(void) { return history_init(); }
static inline int jom_history_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int jom_history_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int jom_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int jom_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int jom_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
static inline int jom_history_count(History *h) { HistEvent ev; if (history(h, &ev, H_GETSIZE) < 0) return 0; return ev.num; }
/// The entry `back` steps from the newest (0 = newest), or NULL.
static inline const char *jom_history_entry(History *h, int back) {
    HistEvent ev;
    if (history(h, &ev, H_FIRST) < 0) return NULL;
    for (int i = 0; i < back; i++) { if (history(h, &ev, H_NEXT) < 0) return NULL; }
    return ev.str;
}

static inline int jom_terminal_columns(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 0;
}
static inline int jom_terminal_rows(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    return 0;
}
static inline FILE *jom_stdout(void) { return stdout; }
static inline void jom_flush_stdout(void) { fflush(stdout); }
static inline int jom_codeset_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't');
}

#endif
