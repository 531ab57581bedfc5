using System;
using AsyncProf.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary><c>builder.Services.AddAsyncProf()</c>: in this namespace so a minimal Program.cs needs no using.</summary>
    public static class AsyncProfServiceCollectionExtensions
    {
        /// <summary>
        /// Registers AsyncProf, its options bound from the <c>AsyncProf</c> configuration section (the key from
        /// <c>AsyncProf:Key</c>, so <c>AsyncProf__Key</c> in the environment), then <paramref name="configure"/>.
        /// Add <c>app.UseAsyncProf()</c> first in the pipeline. With no key, nothing is ever profiled.
        /// </summary>
        public static IServiceCollection AddAsyncProf(this IServiceCollection services, Action<AsyncProfOptions>? configure = null)
        {
            var options = services.AddOptions<AsyncProfOptions>().BindConfiguration(AsyncProfOptions.SectionName);
            if (configure != null) options.Configure(configure);
            services.TryAddSingleton(provider =>
            {
                var settings = provider.GetRequiredService<IOptions<AsyncProfOptions>>().Value;
                return new AsyncProfService(settings, string.IsNullOrWhiteSpace(settings.Pyroscope.Url) ? null : provider.GetRequiredService<PyroscopeExporter>());
            });
            services.TryAddSingleton(provider => new PyroscopeExporter(provider.GetRequiredService<IOptions<AsyncProfOptions>>().Value.Pyroscope,
                provider.GetRequiredService<ILogger<PyroscopeExporter>>()));
            // the exporter's worker runs only when Pyroscope:Url is set (known once configuration is read)
            services.AddHostedService(provider => new PyroscopeWorker(provider));
            return services;
        }
    }
}
