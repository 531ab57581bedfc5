using System;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// Settings of the AsyncProf middleware, bound from the <c>AsyncProf</c> configuration section (appsettings.json,
    /// environment variables such as <c>AsyncProf__Key</c>) and then from code (<c>AddAsyncProf(o => ...)</c>).
    /// </summary>
    public sealed class AsyncProfOptions
    {
        /// <summary>The configuration section the options are bound from.</summary>
        public const string SectionName = "AsyncProf";

        /// <summary>
        /// The trigger key, as <c>asyncprof key new</c> prints it (<c>&lt;id&gt;:&lt;base64 secret&gt;</c>). Null or
        /// empty (the default): profiling is off and no request can be profiled.
        /// </summary>
        public string? Key { get; set; }

        /// <summary>At most this many requests are profiled at once; a triggered request beyond them is served unprofiled.</summary>
        public int MaxConcurrentProfiles { get; set; } = 2;

        /// <summary>A profiled request records this long at most; its profile then says recording stopped (process.error).</summary>
        public TimeSpan MaxDuration { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>A profile larger than this (asyncprof/1 JSON bytes) is dropped; fetching it says why.</summary>
        public long MaxProfileBytes { get; set; } = 8L << 20;

        /// <summary>Profiles kept in memory for fetching, at most; the oldest goes first.</summary>
        public int StoreCapacity { get; set; } = 32;

        /// <summary>Bytes of profiles kept in memory, at most; the oldest goes first.</summary>
        public long StoreBytes { get; set; } = 64L << 20;

        /// <summary>A token whose expiry is further ahead than this (plus 30 s of clock skew) is refused.</summary>
        public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// The share of requests (0 to 1) profiled without a trigger, their profiles pushed to <see cref="Pyroscope"/>
        /// (which must be set). 0, the default: none. Sampled requests count against MaxConcurrentProfiles, but leave its last place to triggered ones.
        /// </summary>
        public double SampleRate { get; set; }

        /// <summary>Where sampled profiles are pushed (<c>AsyncProf:Pyroscope:Url</c>, ...).</summary>
        public PyroscopeOptions Pyroscope { get; set; } = new();

        /// <summary>Used tokens remembered (until they expire) to refuse replays; when full, new tokens are refused.</summary>
        public int NonceCacheCapacity { get; set; } = 10_000;
    }
}
