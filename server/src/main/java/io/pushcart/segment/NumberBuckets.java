package io.pushcart.segment;

/**
 * A number's bucket in [0, 2^24), as lib.lua's number_bucket() computes it: never smaller for a
 * larger number, so a comparison with a value is exact for every bucket but the value's own.
 * Zero is 2^23; a positive x = m × 2^e (m in [0.5, 1)) is above it by 1 + (e + 63) × 2^16 + the
 * first 16 bits of m after its leading one (a relative step of 2^-16); a negative one mirrors it
 * below. Exponents outside -63..63 share the end buckets.
 */
final class NumberBuckets {
  private static final long ZERO = 1L << 23;

  private NumberBuckets() {
  }

  static long of(double x) {
    if (x == 0) {
      return ZERO;
    }
    double a = Math.abs(x);
    int e = Math.getExponent(a) + 1; // a = m × 2^e with m in [0.5, 1)
    long code;
    if (e < -63) {
      code = 0;
    } else if (e > 63) {
      code = 126L * 65536 + 65535;
    } else {
      double m = Math.scalb(a, -e);
      code = (e + 63L) * 65536 + (long) Math.floor((m - 0.5) * 131072);
    }
    return x > 0 ? ZERO + 1 + code : ZERO - 1 - code;
  }
}
