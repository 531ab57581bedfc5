using System;
using System.Threading;

namespace AsyncProf.AspNetCore
{
    /// <summary>
    /// The state the middleware shares across requests: the key's verifier (null when no key is configured:
    /// triggers are off), the profile store, the exporter of sampled profiles, and the count of requests being profiled.
    /// </summary>
    internal sealed class AsyncProfService
    {
        int profiling;

        public AsyncProfService(AsyncProfOptions options, PyroscopeExporter? exporter = null)
        {
            Options = options;
            if (options.SampleRate < 0 || options.SampleRate > 1 || double.IsNaN(options.SampleRate))
                throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:SampleRate must be from 0 to 1, not {options.SampleRate}");
            if (options.SampleRate > 0 && exporter == null)
                throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:SampleRate needs somewhere to send the profiles: set {AsyncProfOptions.SectionName}:Pyroscope:Url (and use builder.Services.AddAsyncProf())");
            Exporter = exporter;
            if (!string.IsNullOrWhiteSpace(options.Key))
            {
                TriggerKey key;
                try { key = TriggerKey.Parse(options.Key); }
                catch (FormatException e) { throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:Key: {e.Message}"); }
                Verifier = new TriggerVerifier(key, options.MaxTokenLifetime, options.NonceCacheCapacity);
            }
            if (options.MaxConcurrentProfiles < 1) throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:MaxConcurrentProfiles must be at least 1, not {options.MaxConcurrentProfiles}");
            if (options.MaxDuration <= TimeSpan.Zero) throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:MaxDuration must be positive, not {options.MaxDuration}");
            if (options.MaxProfileBytes > options.StoreBytes)
                throw new InvalidOperationException($"{AsyncProfOptions.SectionName}:MaxProfileBytes ({options.MaxProfileBytes}) is more than StoreBytes ({options.StoreBytes}): a profile that large would be evicted as soon as it is stored");
            Store = new ProfileStore(options.StoreCapacity, options.StoreBytes);
        }

        public AsyncProfOptions Options { get; }
        public TriggerVerifier? Verifier { get; }
        public ProfileStore Store { get; }
        /// <summary>Where sampled profiles go, when Pyroscope:Url is set.</summary>
        public PyroscopeExporter? Exporter { get; }

        /// <summary>
        /// Takes one of the <see cref="AsyncProfOptions.MaxConcurrentProfiles"/> places, if one is free. Sampled requests
        /// leave the last place to triggers (when there is more than one), so a developer's trigger is not refused as
        /// busy because sampling filled every place.
        /// </summary>
        public bool TryStartProfiling(bool sampled = false)
        {
            var max = Options.MaxConcurrentProfiles;
            if (sampled && max > 1) max--;
            while (true)
            {
                var now = Volatile.Read(ref profiling);
                if (now >= max) return false;
                if (Interlocked.CompareExchange(ref profiling, now + 1, now) == now) return true;
            }
        }

        /// <summary>Requests being profiled now.</summary>
        public int Profiling => Volatile.Read(ref profiling);

        public void EndProfiling() => Interlocked.Decrement(ref profiling);
    }
}
