/* check.h - the smallest test harness that does the job.
 *
 * CHECK(cond) and the typed variants record a failure with file:line and keep
 * going; CHECK_DONE() prints "N passed, N failed" and returns the exit status.
 */
#ifndef VDCSIM_TESTS_CHECK_H
#define VDCSIM_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed_count;
static int check_failed_count;

static inline void check_record(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        check_passed_count++;
    } else {
        check_failed_count++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

#define CHECK(cond) check_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

#define CHECK_INT_EQ(got, want)                                                     \
    do {                                                                            \
        long long got_ = (long long)(got), want_ = (long long)(want);               \
        if (got_ != want_)                                                          \
            fprintf(stderr, "  got %lld, want %lld\n", got_, want_);               \
        check_record(got_ == want_, __FILE__, __LINE__, #got " == " #want);         \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                                  \
    do {                                                                            \
        double got_ = (double)(got), want_ = (double)(want);                        \
        int ok_ = fabs(got_ - want_) <= (double)(tol);                              \
        if (!ok_)                                                                   \
            fprintf(stderr, "  got %.10g, want %.10g (tol %.3g)\n", got_, want_,   \
                    (double)(tol));                                                 \
        check_record(ok_, __FILE__, __LINE__, #got " ~= " #want);                   \
    } while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                        \
    do {                                                                            \
        const char *h_ = (haystack);                                                \
        int ok_ = h_ != NULL && strstr(h_, (needle)) != NULL;                       \
        if (!ok_)                                                                   \
            fprintf(stderr, "  '%s' does not contain '%s'\n", h_ ? h_ : "(null)",  \
                    (needle));                                                      \
        check_record(ok_, __FILE__, __LINE__, #haystack " contains " #needle);      \
    } while (0)

#define CHECK_DONE()                                                                \
    (printf("%d passed, %d failed\n", check_passed_count, check_failed_count),     \
     check_failed_count == 0 && check_passed_count > 0 ? 0 : 1)

#endif
