# C and C++ side of jwtguard: the static library, the jwtguard-verify tool, tests, install.
#
#   make run            build the library and jwtguard-verify, and verify the bundled samples
#   make c-test         C tests (sanitizers when available), C++ example, tool tests
#   make cpp-swap-test  a verifier replaced 1,000 times under 8 verifying threads, in C++
#                       (jwtguard::SwappableVerifier) and C11 (examples/c/rotate.c), under
#                       ThreadSanitizer and AddressSanitizer (the Rust library built with ASan too)
#   make header         regenerate include/jwtguard.h (make header-check: fail on drift)
#   make install PREFIX=/usr/local   library, headers, jwtguard.pc and the CMake package
#   make firmware       the Cortex-M firmware examples under qemu, with their figures (scripts/embedded.sh)
#   make nginx          the nginx module: build, loopback tests, wrk (scripts/nginx.sh)

CARGO ?= cargo
CC ?= cc
CXX ?= c++
PREFIX ?= /usr/local
OUT := target/c
DATA := $(abspath examples/data)
LIBS := -lpthread -ldl -lm
WARN := -Wall -Wextra -Werror
SAN := $(shell echo 'int main(void){return 0;}' | $(CC) -fsanitize=address,undefined -x c - -o /dev/null 2>/dev/null && echo -fsanitize=address,undefined -fno-omit-frame-pointer)

.PHONY: run lib lib-debug c-test cpp-swap-test header header-check install clean-c firmware nginx
.DEFAULT_GOAL := run

lib:
	$(CARGO) build --release --locked -p jwtguard-ffi

lib-debug:
	$(CARGO) build --locked -p jwtguard-ffi

$(OUT):
	mkdir -p $(OUT)

$(OUT)/jwtguard-verify: examples/c/jwtguard-verify.c include/jwtguard.h lib | $(OUT)
	$(CC) -std=c99 -O2 $(WARN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' $< target/release/libjwtguard.a $(LIBS) -o $@

run: $(OUT)/jwtguard-verify
	@echo "==> $(OUT)/jwtguard-verify (bundled samples in examples/data, policy in examples/data/policy.args)"
	@$(OUT)/jwtguard-verify; status=$$?; [ $$status -le 1 ] || exit $$status

c-test: lib-debug lib | $(OUT)
	@echo "==> C tests$(if $(SAN), with $(SAN), without sanitizers (not supported by $(CC)))"
	$(CC) -std=c99 -g $(WARN) $(SAN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' ffi/tests/c/test_jwtguard.c target/debug/libjwtguard.a $(LIBS) -o $(OUT)/test_jwtguard
	$(OUT)/test_jwtguard
	@echo "==> C++17 example with the RAII wrapper"
	$(CXX) -std=c++17 -g $(WARN) $(SAN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' examples/cpp/verify.cpp target/debug/libjwtguard.a $(LIBS) -o $(OUT)/verify_cpp
	$(OUT)/verify_cpp
	@echo "==> C++: Results outlive their verifiers, and the wrapper's other entry points (ASan)"
	$(CXX) -std=c++17 -g $(WARN) $(SAN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' ffi/tests/cpp/lifetime.cpp target/debug/libjwtguard.a $(LIBS) -o $(OUT)/lifetime_cpp
	$(OUT)/lifetime_cpp
	@echo "==> C++: every C function has a caller in jwtguard.hpp"
	ffi/tests/cpp/parity.sh
	@echo "==> stack per verify through the C ABI, against the README's figures (release library)"
	$(CC) -std=c11 -O2 $(WARN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' ffi/tests/c/stack.c target/release/libjwtguard.a $(LIBS) -o $(OUT)/stack
	$(OUT)/stack --check
	@echo "==> C++: an ignored configuration status does not compile (-Werror, [[nodiscard]])"
	@if $(CXX) -std=c++17 $(WARN) -Iinclude -fsyntax-only ffi/tests/cpp/ignored_status.cpp 2>/dev/null; then \
		echo "ffi/tests/cpp/ignored_status.cpp compiled: a setter is not [[nodiscard]]" >&2; exit 1; \
	else echo "refused, as it should be"; fi
	@echo "==> jwtguard-verify on the bundled data and with every option"
	$(CC) -std=c99 -g $(WARN) $(SAN) -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' examples/c/jwtguard-verify.c target/debug/libjwtguard.a $(LIBS) -o $(OUT)/jwtguard-verify-test
	ffi/tests/cli.sh $(OUT)/jwtguard-verify-test
	@echo "==> install into a fresh prefix, then build and run through pkg-config: static, then shared"
	scripts/install-test.sh

# The Rust library instrumented for AddressSanitizer (nightly's -Zsanitizer), so a read of a
# freed verifier inside the library is reported too, not only in the C++ wrapper.
ASAN_LIB := target/asan/x86_64-unknown-linux-gnu/release/libjwtguard.a

cpp-swap-test: lib | $(OUT)
	@echo "==> C++ SwappableVerifier: 8 verifying threads, 1,000 swaps, under ThreadSanitizer"
	$(CXX) -std=c++17 -O1 -g $(WARN) -fsanitize=thread -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' ffi/tests/cpp/swap.cpp target/release/libjwtguard.a $(LIBS) -o $(OUT)/swap_tsan
	TSAN_OPTIONS=halt_on_error=1 $(OUT)/swap_tsan
	@echo "==> the same under AddressSanitizer and UBSan, the library built with ASan"
	RUSTFLAGS=-Zsanitizer=address $(CARGO) +nightly build -q --release --locked -p jwtguard-ffi --target x86_64-unknown-linux-gnu --target-dir target/asan
	$(CXX) -std=c++17 -O1 -g $(WARN) -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' ffi/tests/cpp/swap.cpp $(ASAN_LIB) $(LIBS) -o $(OUT)/swap_asan
	ASAN_OPTIONS=halt_on_error=1 $(OUT)/swap_asan
	@echo "==> the C11 pattern (examples/c/rotate.c), under both"
	$(CC) -std=c11 -O1 -g $(WARN) -fsanitize=thread -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' examples/c/rotate.c target/release/libjwtguard.a $(LIBS) -o $(OUT)/rotate_tsan
	TSAN_OPTIONS=halt_on_error=1 $(OUT)/rotate_tsan
	$(CC) -std=c11 -O1 -g $(WARN) -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude -DJWTGUARD_DATA_DIR='"$(DATA)"' examples/c/rotate.c $(ASAN_LIB) $(LIBS) -o $(OUT)/rotate_asan
	ASAN_OPTIONS=halt_on_error=1 $(OUT)/rotate_asan

header:
	scripts/gen-header.sh

header-check:
	scripts/gen-header.sh --check

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
SIZEOF_VOID_P := $(shell echo __SIZEOF_POINTER__ | $(CC) -E -P -x c - | tr -d ' ')

# What is installed is stripped: the release profile keeps line tables for profiling (25 MB
# .a, 5.7 MB .so); users link neither those nor the symbols only a debugger wants.
STRIP ?= strip

install: lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/cmake/jwtguard $(DESTDIR)$(PREFIX)/include
	install -m 644 target/release/libjwtguard.a $(DESTDIR)$(PREFIX)/lib/
	$(STRIP) --strip-debug $(DESTDIR)$(PREFIX)/lib/libjwtguard.a
	install -m 755 target/release/libjwtguard.so $(DESTDIR)$(PREFIX)/lib/
	$(STRIP) --strip-unneeded $(DESTDIR)$(PREFIX)/lib/libjwtguard.so
	install -m 644 include/jwtguard.h include/jwtguard.hpp $(DESTDIR)$(PREFIX)/include/
	for pc in jwtguard jwtguard-static; do \
		sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' ffi/$$pc.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc; \
	done
	sed -e 's|@VERSION@|$(VERSION)|' ffi/cmake/jwtguardConfig.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/jwtguard/jwtguardConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@SIZEOF_VOID_P@|$(SIZEOF_VOID_P)|' \
		ffi/cmake/jwtguardConfigVersion.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/jwtguard/jwtguardConfigVersion.cmake

clean-c:
	rm -rf $(OUT)

firmware:
	scripts/embedded.sh

nginx:
	scripts/nginx.sh
