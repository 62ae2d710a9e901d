#ifndef PARLEY_CBYTESEARCH_H
#define PARLEY_CBYTESEARCH_H
#include <stddef.h>

/// glibc's memmem(3), which Swift's Glibc module does not export (it is a GNU extension,
/// declared only under _GNU_SOURCE): the first occurrence of needle in haystack, or NULL.
const void *parley_memmem(const void *haystack, size_t haystack_count, const void *needle, size_t needle_count);

#endif
