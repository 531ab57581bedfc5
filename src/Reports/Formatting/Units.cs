using System;
using System.Globalization;

namespace AsyncProf.Reports.Formatting
{
    /// <summary>Human units for durations (ns → ns/µs/ms/s) and sizes (bytes → B/KB/MB/GB, binary multiples).</summary>
    public static class Units
    {
        static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        /// <summary>
        /// "0", "850 ns", "12.3 µs", "310.2 ms", "1.55 s". One decimal below a second, two from a second on,
        /// so a column of figures keeps its order of magnitude readable at a glance.
        /// </summary>
        public static string Duration(double ns)
        {
            if (double.IsNaN(ns)) return "-";
            var abs = Math.Abs(ns);
            if (abs < 0.5) return "0";
            if (abs < 999.5) return Math.Round(ns).ToString("0", Inv) + " ns";
            if (abs < 999_950) return (ns / 1e3).ToString("0.0", Inv) + " µs";
            if (abs < 999_950_000) return (ns / 1e6).ToString("0.0", Inv) + " ms";
            return (ns / 1e9).ToString("0.00", Inv) + " s";
        }

        /// <summary>"0", "512 B", "3.5 KB", "4.0 MB", "1.25 GB" (1 KB = 1024 bytes).</summary>
        public static string Bytes(double bytes)
        {
            if (double.IsNaN(bytes)) return "-";
            var abs = Math.Abs(bytes);
            if (abs < 0.5) return "0";
            if (abs < 1023.5) return Math.Round(bytes).ToString("0", Inv) + " B";
            if (abs < 1024 * 1023.95) return (bytes / 1024).ToString("0.0", Inv) + " KB";
            if (abs < 1024.0 * 1024 * 1023.95) return (bytes / (1024.0 * 1024)).ToString("0.0", Inv) + " MB";
            return (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", Inv) + " GB";
        }

        /// <summary>An integer count with no grouping ("1234567"), so it copies into other tools as is.</summary>
        public static string Count(long n) => n.ToString(Inv);
    }
}
