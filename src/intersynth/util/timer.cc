// Timer is header-only; this file keeps the header compiled on its own.
#include "intersynth/util/timer.h"
