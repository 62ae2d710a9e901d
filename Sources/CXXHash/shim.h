#ifndef PARLEY_CXXHASH_SHIM_H
#define PARLEY_CXXHASH_SHIM_H
#include <xxhash.h>
#endif
