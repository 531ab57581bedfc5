using System.Collections.Generic;

namespace AsyncProf.Reports
{
    /// <summary>
    /// Sums of profile figures that stop at <see cref="long.MaxValue"/> (or <see cref="long.MinValue"/>) instead of
    /// wrapping or throwing: the reader accepts any int64 figure, so a hostile or damaged file can hold figures whose
    /// sum does not fit. Such a sum is 292 years of nanoseconds or 8 EB: clamping loses nothing a reader could use.
    /// </summary>
    internal static class SaturatingMath
    {
        public static long Add(long a, long b)
        {
            var sum = unchecked(a + b);
            // overflow happened when both operands have the same sign and the result's differs
            if (((a ^ sum) & (b ^ sum)) < 0) return a < 0 ? long.MinValue : long.MaxValue;
            return sum;
        }

        public static long Subtract(long a, long b) => b == long.MinValue ? Add(Add(a, long.MaxValue), 1) : Add(a, -b);

        public static long Multiply(long a, long b)
        {
            var product = (System.Int128)a * b;
            return product > long.MaxValue ? long.MaxValue : product < long.MinValue ? long.MinValue : (long)product;
        }

        public static long Sum(IEnumerable<long> values)
        {
            var total = 0L;
            foreach (var v in values) total = Add(total, v);
            return total;
        }
    }
}
