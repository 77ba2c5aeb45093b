/* SPDX-License-Identifier: ISC */
/*
 * CRC-32 (IEEE 802.3, the reflected polynomial 0xEDB88320), as DynamoDB's
 * x-amz-crc32 header carries it for every answer's body.
 *
 * zlib's table-driven crc32_z costs about five instructions a byte, some
 * 6% of a list's CPU. Where the CPU multiplies without carries
 * (PCLMULQDQ, every x86-64 made since 2010), the body is instead folded
 * 64 bytes at a time, then reduced to 32 bits with Barrett's method, as
 * Gopal et al. describe in "Fast CRC Computation for Generic Polynomials
 * Using PCLMULQDQ Instruction" (Intel, 2009); zlib does the last few
 * bytes and every CPU without the instruction.
 */
#include "config.h"

#include "crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(CRC32_PORTABLE)
#define CRC32_FOLD 1
#include <emmintrin.h>
#include <wmmintrin.h>
#endif

#ifdef CRC32_FOLD
/*
 * The folding constants, bit-reflected as the paper defines them for this
 * polynomial: x^(4*128+32) and x^(4*128-32) mod P to fold 64 bytes ahead,
 * x^(128+32) and x^(128-32) mod P to fold 16, x^64 mod P for the last 64
 * bits; then P itself and Barrett's mu = x^64 / P.
 */
static const uint64_t crc32_k_64[2] = { 0x0154442bd4ULL, 0x01c6e41596ULL };
static const uint64_t crc32_k_16[2] = { 0x01751997d0ULL, 0x00ccaa009eULL };
static const uint64_t crc32_k_64bit[2] = { 0x0163cd6124ULL, 0 };
static const uint64_t crc32_p_mu[2] = { 0x01db710641ULL, 0x01f7011641ULL };

#define CRC32_TARGET	__attribute__((target("pclmul,sse2")))

static inline CRC32_TARGET __m128i
crc32_load(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* x's 128 bits carried k's distance ahead and added to next. */
static inline CRC32_TARGET __m128i
crc32_fold16(__m128i x, __m128i k, __m128i next)
{
	return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00),
	    _mm_clmulepi64_si128(x, k, 0x11)), next);
}

/* The CRC register (not inverted) after len bytes of p; len >= 64 and a
 * multiple of 16. */
static CRC32_TARGET uint32_t
crc32_fold(uint32_t reg, const unsigned char *p, size_t len)
{
	const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);
	__m128i x0, x1, x2, x3, k, t;

	x0 = _mm_xor_si128(crc32_load(p), _mm_cvtsi32_si128((int)reg));
	x1 = crc32_load(p + 16);
	x2 = crc32_load(p + 32);
	x3 = crc32_load(p + 48);
	k = _mm_loadu_si128((const __m128i *)(const void *)crc32_k_64);
	for (p += 64, len -= 64; len >= 64; p += 64, len -= 64) {
		x0 = crc32_fold16(x0, k, crc32_load(p));
		x1 = crc32_fold16(x1, k, crc32_load(p + 16));
		x2 = crc32_fold16(x2, k, crc32_load(p + 32));
		x3 = crc32_fold16(x3, k, crc32_load(p + 48));
	}
	k = _mm_loadu_si128((const __m128i *)(const void *)crc32_k_16);
	x0 = crc32_fold16(x0, k, x1);
	x0 = crc32_fold16(x0, k, x2);
	x0 = crc32_fold16(x0, k, x3);
	for (; len >= 16; p += 16, len -= 16)
		x0 = crc32_fold16(x0, k, crc32_load(p));

	/* 128 bits to 64. */
	t = _mm_clmulepi64_si128(x0, k, 0x10);
	x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), t);
	/* 64 bits to 32 (and 32 of zeros). */
	k = _mm_loadl_epi64((const __m128i *)(const void *)crc32_k_64bit);
	t = _mm_srli_si128(x0, 4);
	x0 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x0, low32), k,
	    0x00), t);
	/* Barrett's reduction to the 32-bit remainder. */
	k = _mm_loadu_si128((const __m128i *)(const void *)crc32_p_mu);
	t = _mm_clmulepi64_si128(_mm_and_si128(x0, low32), k, 0x10);
	t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), k, 0x00);
	x0 = _mm_xor_si128(x0, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x0, 4));
}
#endif

int
crc32_folds(void)
{
#ifdef CRC32_FOLD
	return __builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("sse2");
#else
	return 0;
#endif
}

uint32_t
crc32_ieee(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

#ifdef CRC32_FOLD
	if (len >= 64 && crc32_folds()) {
		size_t n = len & ~(size_t)15;

		/* The register is the CRC inverted, before and after. */
		crc = ~crc32_fold(~crc, p, n);
		p += n;
		len -= n;
	}
#endif
	return (uint32_t)crc32_z(crc, p, len);
}
