#define _GNU_SOURCE
#include <string.h>
#include "CByteSearch.h"

const void *parley_memmem(const void *haystack, size_t haystack_count, const void *needle, size_t needle_count) {
    return memmem(haystack, haystack_count, needle, needle_count);
}
