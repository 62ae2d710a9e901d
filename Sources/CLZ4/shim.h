#ifndef PARLEY_CLZ4_SHIM_H
#define PARLEY_CLZ4_SHIM_H
#include <lz4frame.h>
#endif
