/* Funding's internal header: the public API is all other modules need. */
#ifndef FW_FUNDING_FUNDING_H
#define FW_FUNDING_FUNDING_H

#include <flexwork/funding.h>

#endif
