# Thin wrapper over CMake. `make` builds into build/; the binary is build/vdcsim.
BUILD ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

PREFIX ?= /usr/local

.PHONY: all deps configure build quickstart test validate bench fuzz clean install

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

quickstart: build
	@scripts/quickstart $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

validate: build
	@scripts/validate $(BUILD)

bench: build
	@scripts/bench $(BUILD)

# The binary, the plug-in headers (include/vdcsim/) and vdcsim.pc under PREFIX.
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Fuzz targets for every reader (fuzz/README.md), each run FUZZ_SECONDS, one
# at a time: libFuzzer + ASan + UBSan + LeakSanitizer with clang when it is
# installed, a deterministic mutation loop otherwise. FUZZ_TARGETS picks some
# (e.g. "scenario lanl"); empty means all.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_TARGETS ?=
fuzz:
	@scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD)
