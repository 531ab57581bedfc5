using System;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The wait before the next attempt after a failed push: doubled after each failure, up to <see cref="Max"/>.
    /// A pure function, so the growth and the cap are tested without waiting.
    /// </summary>
    internal static class PushRetryDelay
    {
        /// <summary>The longest wait between attempts: doubling without a cap would overflow Task.Delay.</summary>
        public static readonly TimeSpan Max = TimeSpan.FromMinutes(1);

        /// <summary>The wait after <paramref name="delay"/>, the one just waited.</summary>
        public static TimeSpan Next(TimeSpan delay) => delay < Max / 2 ? delay + delay : Max;
    }
}
