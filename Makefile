# Thin front end over meson. `make demo` and `make check` install what is missing first.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps configure build demo check test clean

all: build

deps:
	@sh scripts/install-deps.sh

configure: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) $(MESON_OPTS)

build: configure
	meson compile -C $(BUILD)

demo: build
	$(BUILD)/examples/fwk demo

check: build
	@sh scripts/run-tests.sh $(BUILD) c python go

test: check

clean:
	rm -rf $(BUILD)
