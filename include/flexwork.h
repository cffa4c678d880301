/**
 * @file flexwork.h
 * libflexwork: the embeddable core of a flexible-employment platform (T/TSSP 018-2022).
 * Include this umbrella header; link with `pkg-config --libs flexwork`.
 */
#ifndef FLEXWORK_H
#define FLEXWORK_H

#include <flexwork/common.h>
#include <flexwork/version.h>
#include <flexwork/errors.h>
#include <flexwork/ctx.h>
#include <flexwork/audit.h>
#include <flexwork/vault.h>
#include <flexwork/party.h>
#include <flexwork/ledger.h>
#include <flexwork/risk.h>
#include <flexwork/contract.h>
#include <flexwork/training.h>
#include <flexwork/task.h>
#include <flexwork/fee.h>
#include <flexwork/tax.h>
#include <flexwork/funding.h>
#include <flexwork/payout.h>
#include <flexwork/invoice.h>
#include <flexwork/recon.h>
#include <flexwork/archive.h>
#include <flexwork/insurance.h>
#include <flexwork/service.h>
#include <flexwork/sys/provider.h>

#endif
